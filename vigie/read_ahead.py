"""One step ahead: the next item of an iterator is made on another thread while the caller works on the current one.
Ingestion reads the next chunk of files (hashing, decoding, parsing: mostly outside the GIL, so on the machine's
other core) while the current chunk is validated and loaded; at most one item waits, so memory holds two chunks."""

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

T = TypeVar("T")
_DONE = object()


class _Failed:
    def __init__(self, error: BaseException):
        self.error = error


def read_ahead(items: Iterator[T]) -> Iterator[T]:
    """The items of `items`, in order; an exception raised while making one is raised here, where it is taken."""
    handoff: queue.Queue = queue.Queue(maxsize=1)
    taken = threading.Semaphore(0)
    stopped = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                handoff.put(item)
                taken.acquire()  # the next item is made once this one is taken
                if stopped.is_set():
                    return
        except BaseException as error:  # handed over to the caller's thread
            handoff.put(_Failed(error))
            return
        handoff.put(_DONE)

    producer = threading.Thread(target=produce, name="read-ahead", daemon=True)
    producer.start()
    try:
        while (item := handoff.get()) is not _DONE:
            if isinstance(item, _Failed):
                raise item.error
            taken.release()
            yield item
    finally:
        stopped.set()
        taken.release()
        producer.join()
