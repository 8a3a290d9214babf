"""A CSV output writes a sender's text that would start a formula behind an apostrophe, numbers as they are."""

import pandas as pd

from vigie import inert


def test_a_frame_writes_formula_starts_behind_an_apostrophe_and_numbers_as_they_are():
    names = ["=HYPERLINK(\"x\")", "-3", "+1.5", "@SUM(A1)", None, "Lyon", "\t=1", "-", "1e5"]
    for dtype in (object, "string"):
        frame = pd.DataFrame({"name": pd.Series(names, dtype=dtype), "count": range(len(names))})
        written = inert.frame(frame)
        shown = [None if pd.isna(v) else v for v in written["name"]]
        assert shown == ["'=HYPERLINK(\"x\")", "-3", "+1.5", "'@SUM(A1)", None, "Lyon", "'\t=1", "'-", "1e5"]
        assert written["count"].tolist() == list(range(len(names)))
        assert frame["name"][0] == "=HYPERLINK(\"x\")", "the caller's frame is left as it is"
        assert [inert.text(v) for v in names] == shown, "as the cell by cell rule says"
