"""How a heatmap writes its cells and its column numbers: the unmarked cells of a whole block at once
(`+7`, `−3`, ` ·` and their colours, as WeightsPanel._cell and style.cell give each value), and a
ruler of column numbers that never runs together."""
import numpy as np

from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.panel import Cells


def plain_cells(m, v, scale: float) -> list[Cells] | None:
    """The shown cells of the matrix, unmarked (not hot, not the cursor): the text and colour that
    WeightsPanel._cell and style.cell give each value, worked out for the whole block at once (cell
    by cell in Python it was most of a heatmap's cost, drawn every frame of a run). None where a
    value is not finite: those go cell by cell."""
    block = m.values[v.top:v.top + v.shown_rows, v.left:v.left + v.shown_cols]
    if m.bias is not None and v.top + v.shown_rows > m.values.shape[0]:
        block = np.concatenate([block, np.asarray(m.bias)[None, v.left:v.left + v.shown_cols]])
    block = np.asarray(block, float)
    if not np.isfinite(block).all():
        return None
    size = np.abs(block)
    sign = np.sign(block).astype(np.int64)
    if scale > 0:   # as _cell and style.strength round, each value alone (half to even)
        digit = np.minimum(9, np.rint(9 * size / scale)).astype(np.int64)
        level = np.minimum(st.LEVELS, np.rint(st.LEVELS * np.minimum(1.0, size / scale))).astype(np.int64)
    else:
        digit = level = np.zeros(block.shape, np.int64)
    code = (sign + 1) * 100 + digit * 10 + level   # sign, digit and level of a cell in one number
    return [[_PLAIN[c] for c in row] for row in code.tolist()]


class _PlainCells(dict):
    """(text, style) of an unmarked cell by its code (sign + 1)·100 + digit·10 + level."""

    def __missing__(self, code: int) -> tuple:
        sign, digit, level = code // 100 - 1, code // 10 % 10, code % 10
        text = " ·" if digit == 0 else ("+" if sign > 0 else st.MINUS) + str(digit)
        made = self[code] = (text, st.cell(sign, level, bold=False, reverse=False, underline=False))
        return made


_PLAIN = _PlainCells()


def column_labels(shown: range, hot: list[bool]) -> list[str]:
    """A two-character label over each column of cells. Numbers up to 9 label every column; past
    that, side by side they would run together ("8 91011"), so the header is a ruler: the number
    of the column in focus, then of every fifth (every tenth past 99), each right-aligned over its
    column where it keeps a space from the others; "·" over the rest, never touching a number."""
    if shown.stop <= 10:
        return [str(c).rjust(2) for c in shown]
    line = [" "] * (2 * len(shown))
    step = 5 if shown.stop <= 100 else 10
    focus = [k for k in range(len(shown)) if hot[k]]
    for k in focus + [k for k, c in enumerate(shown) if c % step == 0 and not hot[k]]:
        label = str(shown[k])
        start = max(0, 2 * k + 2 - len(label))   # (the first column's, if long, spills right)
        end = start + len(label)
        if end <= len(line) and all(ch == " " for ch in line[max(0, start - 1):end + 1]):
            line[start:end] = label
    for k in range(len(shown)):
        if line[2 * k:2 * k + 3] == [" "] * len(line[2 * k:2 * k + 3]):
            line[2 * k + 1] = "·"
    return ["".join(line[2 * k:2 * k + 2]) for k in range(len(shown))]
