"""Rows of values over time, drawn one column per time step: signed heat cells with a glyph (so
NO_COLOR still reads), half blocks where a matrix has more rows than lines (in colour), a window of
rows where they still do not fit, log-scale bars, and the window of steps that fits the width
(around the current one)."""
import math
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from rich.style import Style

from dlsim.tui.widgets import halfblock as hb
from dlsim.tui.widgets import style as st

SHADES_UP = "░▒▓█"
SHADES_DOWN = "·-=≡"
LABEL = 5                  # the row labels' width ("h  ", "f  ", …)
CURRENT = st.plain(bold=True, reverse=True)
DIM = st.plain(dim=True)


def window(T: int, width: int, current: int | None) -> tuple[int, int, int]:
    """(first step shown, steps shown, characters per step) for `width` characters of plot."""
    per = max(1, min(3, width // max(T, 1)))
    shown = min(T, max(1, width // per))
    centre = current if current is not None else T - 1
    first = min(max(0, centre - shown // 2), T - shown)
    return first, shown, per


def glyph(value: float, scale: float) -> tuple[str, Style]:
    """One value as a shaded glyph on a background of its sign and size."""
    if value is None or not np.isfinite(value):
        return " ", DIM
    level = st.strength(value, scale)
    if level == 0:
        return " ", st.cell(0, 0)
    shades = SHADES_UP if value > 0 else SHADES_DOWN
    return shades[min(len(shades) - 1, (level - 1) * len(shades) // st.LEVELS)], st.cell(st.sign_of(value), level)


def glyphs(values: np.ndarray, scale: float) -> list[list[tuple[str, Style]]]:
    """glyph() of every value of a matrix at once (a frame draws hundreds): the same glyphs."""
    finite = np.isfinite(values)
    if scale > 0:
        level = np.minimum(st.LEVELS, np.rint(st.LEVELS * np.minimum(1.0, np.abs(np.where(finite, values, 0)) / scale)))
    else:
        level = np.zeros(values.shape)
    sign = np.sign(np.where(finite, values, 0)).astype(int)
    code = np.where(finite, (sign + 1) * (st.LEVELS + 1) + level.astype(int), NOT_FINITE)
    return [[_glyph_of(int(k)) for k in row] for row in code.tolist()]


NOT_FINITE = 10 ** 6


@lru_cache(maxsize=64)
def _glyph_of(code: int) -> tuple[str, Style]:
    """The glyph of a (sign, level) code: (sign + 1)·(LEVELS + 1) + level."""
    if code == NOT_FINITE:
        return " ", DIM
    sign, level = code // (st.LEVELS + 1) - 1, code % (st.LEVELS + 1)
    if level == 0:
        return " ", st.cell(0, 0)
    shades = SHADES_UP if sign > 0 else SHADES_DOWN
    return shades[min(len(shades) - 1, (level - 1) * len(shades) // st.LEVELS)], st.cell(sign, level)


def label(text: str, style: Style = DIM) -> tuple[str, Style]:
    return text[:LABEL - 1].ljust(LABEL), style


class Block(NamedTuple):
    """A heatmap's lines, and which rows of values they show: rows top.. at `per` rows a line."""
    lines: list[list]
    top: int
    per: int


def heat_lines(name: str, values: np.ndarray, scale: float, lines: int, span: tuple[int, int, int],
               mono: bool, known: int, focus: int = 0) -> Block:
    """values (R, T): a row of cells per row of values where R fits in `lines`; else, in colour, two
    rows of values a line in half blocks. Rows are never merged or skipped: where they do not all
    fit (without colour a half block cannot show two values, so a line per row), a window of them
    around row `focus`, its first and last labelled by index with ▲ / ▼ where more are above /
    below. Steps ≥ known are not computed yet (blank)."""
    first, shown, per = span
    v = np.array(values[:, first:first + shown], float)
    v[:, max(0, known - first):] = np.nan
    R = v.shape[0]
    lines = max(1, lines)
    if R <= lines:
        drawn = glyphs(v, scale)
        out = []
        for r in range(R):
            cells = [label(f"{name}{r}" if R > 1 else name)]   # by index: the weights name this row h0 too
            cells += [(ch * per, style) for ch, style in drawn[r]]
            out.append(cells)
        return Block(out, 0, 1)
    if mono:   # a line per row: the window that fits
        count = lines
        top = min(max(0, focus - count // 2), R - count)
        drawn = glyphs(v[top:top + count], scale)
        out = [[label(f"{name}{top + i}")] + [(ch * per, style) for ch, style in row] for i, row in enumerate(drawn)]
        return Block(_marked(out, name, top, count, R), top, 1)
    lines = min(lines, -(-R // 2))      # two rows of values a line, no more lines than that takes
    count = min(R, 2 * lines)
    top = min(max(0, focus - count // 2), R - count)
    window = v[top:top + count]
    sign, level = hb.levels(np.where(np.isnan(window), 0.0, window), 0.0, scale)   # (nan_to_num: 4× the time)
    drawn = hb.colour_rows(sign, level)
    out = [[label("")] + [(ch * per, style) for ch, style in row] for row in drawn]
    if top == 0 and count == R:   # every row: the map's name and size, as before
        out[0][0] = label(f"{name}×{R}")
        return Block(out, 0, 2)
    return Block(_marked(out, name, top, count, R), top, 2)


def _marked(out: list[list], name: str, top: int, count: int, rows: int) -> list[list]:
    """Label a window's first and last line by the rows they start and end with, ▲ / ▼ where rows
    are out of view above / below (the weights heatmap's marks)."""
    last = top + count - 1
    above, below = ("▲" if top > 0 else ""), ("▼" if last < rows - 1 else "")
    if len(out) > 1:
        out[0][0] = label(f"{name}{top}{above}")
        out[-1][0] = label(f"{name}{last}{below}")
    else:   # one line: both marks on it
        out[0][0] = label(f"{name}{top}{above}{below}")
    return out


def log_bars(values: np.ndarray, height: int, span: tuple[int, int, int], current: int | None,
             low: float = 1e-8) -> list[list]:
    """A bar per step of log10(value), from the smallest shown (at least `low`) to the largest: the
    vanishing gradient as a slope. The axis labels give the decades."""
    first, shown, per = span
    v = np.array(values[first:first + shown], float)
    good = np.isfinite(v) & (v > 0)
    if not good.any() or height < 1:
        return []
    logs = np.where(good, np.log10(np.maximum(v, low)), np.nan)
    top = math.ceil(np.nanmax(logs))
    bottom = min(math.floor(np.nanmin(logs)), top - 1)
    rows = []
    for r in range(height):
        level = top - (top - bottom) * (r + 1) / height    # the value this line's bottom stands for
        name = f"1e{top}" if r == 0 else f"1e{bottom}" if r == height - 1 else ""
        cells = [label(name.replace("-", "−"))]
        for t in range(shown):
            filled = good[t] and logs[t] >= level
            style = CURRENT if current == first + t else st.ink(1, 6)
            cells.append(("█" * per if filled else " " * per, style if filled else None))
        rows.append(cells)
    return rows


def ruler(span: tuple[int, int, int], current: int | None) -> list:
    """'t    0    5    10' with ▼ over the current step. A step number is written only whole: every 5
    steps where they fit (else every 10, 20, …), never cut by the plot's edge or by ▼."""
    first, shown, per = span
    width = shown * per
    text = [" "] * width
    at = (current - first) * per if current is not None and first <= current < first + shown else None
    every = 5
    while every * per < len(str(first + shown)) + 1:
        every *= 2
    for t in range(first, first + shown):
        word = str(t)
        pos = (t - first) * per
        if t % every or pos + len(word) > width:
            continue
        if at is not None and pos <= at + per and at <= pos + len(word):   # (a space either side of ▼)
            continue
        text[pos:pos + len(word)] = word
    cells = [label("t")]
    if at is not None:
        return cells + [("".join(text[:at]), DIM), ("▼" * per, CURRENT), ("".join(text[at + per:]), DIM)]
    return cells + [("".join(text), DIM)]
