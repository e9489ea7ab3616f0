"""The weight heatmap's column header: two characters over each column of cells. Past column 9,
numbers side by side ran together ("8 91011" for 8, 9, 10, 11); now each number shown stands
alone, right-aligned over its own column, and the column in focus is always numbered."""
import re

import pytest

from dlsim.tui.widgets.network.heatmap_cells import column_labels


def numbers(header: str) -> list[tuple[int, int, int]]:
    """(number, where it starts, where it ends) for each run of digits in the header."""
    return [(int(m.group()), m.start(), m.end()) for m in re.finditer(r"\d+", header)]


@pytest.mark.parametrize("shown", [range(0, 8), range(0, 16), range(3, 29), range(95, 123), range(990, 1010)])
@pytest.mark.parametrize("focus", [None, 0, 5, 6, 9, 10, 11, 15])
def test_every_number_stands_alone_over_its_column(shown, focus):
    hot = [k == focus for k in range(len(shown))]
    labels = column_labels(shown, hot)
    assert all(len(label) == 2 for label in labels)
    header = "".join(labels)
    for number, start, end in numbers(header):
        k = number - shown.start   # right-aligned over its column (the first column's may spill right)
        assert 0 <= k < len(shown) and (end == 2 * k + 2 or start == 0 == k), (header, number)
    starts = [m.start() for m in re.finditer(r"[\d·]+", header)]
    assert all(header[s - 1] == " " for s in starts if s), header         # nothing touches
    if focus is not None and focus < len(shown):
        assert shown[focus] in [n for n, *_ in numbers(header)], header    # the focus is numbered


def test_up_to_nine_every_column_is_numbered_and_past_it_every_fifth():
    assert "".join(column_labels(range(8), [False] * 8)) == " 0 1 2 3 4 5 6 7"
    assert [n for n, *_ in numbers("".join(column_labels(range(16), [False] * 16)))] == [0, 5, 10, 15]
