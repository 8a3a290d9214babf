"""The read-ahead of ingestion: the next chunk is made on another thread, one at most, in order; what fails there
fails where the chunk is taken; a consumer that stops leaves no thread behind."""

import threading
import time

import pytest

from vigie.read_ahead import read_ahead


def test_items_come_in_order_and_at_most_one_is_made_ahead():
    made = []

    def items():
        for number in range(5):
            made.append(number)
            yield number

    taken = []
    for item in read_ahead(items()):
        time.sleep(0.05)  # the producer has had time to run ahead, if it could
        assert len(made) <= item + 2, "at most the next item is made while this one is worked on"
        taken.append(item)
    assert taken == [0, 1, 2, 3, 4]


def test_items_are_made_on_another_thread():
    consumer = threading.current_thread()

    def items():
        yield threading.current_thread()

    assert next(iter(read_ahead(items()))) is not consumer


def test_an_error_while_making_an_item_is_raised_where_it_is_taken():
    def items():
        yield 1
        raise ValueError("unreadable")

    taken = []
    with pytest.raises(ValueError, match="unreadable"):
        for item in read_ahead(items()):
            taken.append(item)
    assert taken == [1]


def test_a_consumer_that_stops_early_leaves_no_thread_behind():
    made = []

    def items():
        for number in range(100):
            made.append(number)
            yield number

    ahead = read_ahead(items())
    assert next(ahead) == 0
    ahead.close()
    assert not [t for t in threading.enumerate() if t.name == "read-ahead"]
    assert len(made) <= 2
