"""The CNN's class probabilities beside a lesson at 80×24: a probability written with more digits
(0.0000851: three significant digits below 0.0005) pushed its row past the panel's edge, cutting
the last class's number ("0.01" for 0.016), and put the halves out of line."""
import numpy as np

from dlsim.protocol.numbers import num
from dlsim.tui.widgets.image.classes import ClassesPanel


def test_every_probability_is_written_whole_and_the_rows_line_up():
    probs = np.array([0.0000851, 0.016, 0.9, 0.05, 0.002, 0.0003, 0.01, 0.0106149, 0.004, 0.0174])
    names = [str(k) for k in range(10)]
    rows = ClassesPanel._probabilities({"probs": probs, "label": 2, "sample": 0}, names, 36, 6)
    texts = ["".join(text for text, _ in row) for row in rows]
    assert all(len(text) <= 36 for text in texts), texts
    for p in probs:
        assert any(f" {num(p)} " in f"{text} " for text in texts), (num(p), texts)
    assert len({len(text) for text in texts}) == 1, texts   # the halves in line, row under row
