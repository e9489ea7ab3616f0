"""Rows of values over time, drawn one column per time step: signed heat cells with a glyph (so
NO_COLOR still reads), half blocks where a matrix has more rows than lines, log-scale bars, and
the window of steps that fits the width (around the current one)."""
import math
from functools import lru_cache

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


def heat_lines(name: str, values: np.ndarray, scale: float, lines: int, span: tuple[int, int, int],
               mono: bool, known: int) -> list[list]:
    """values (R, T): a row of cells per row of values where R fits in `lines`, else two rows of
    values per line in half blocks. Steps ≥ known are not computed yet (blank)."""
    first, shown, per = span
    v = np.array(values[:, first:first + shown], float)
    v[:, max(0, known - first):] = np.nan
    R = v.shape[0]
    out = []
    if R <= lines:
        drawn = glyphs(v, scale)
        for r in range(R):
            cells = [label(f"{name}{r}" if R > 1 else name)]   # by index: the weights name this row h0 too
            cells += [(ch * per, style) for ch, style in drawn[r]]
            out.append(cells)
        return out
    lines = min(lines, -(-R // 2))      # two rows of values a line, no more lines than that takes
    pixels = hb.resample(np.where(np.isnan(v), 0.0, v), 2 * lines, shown)   # (nan_to_num: 4× the time)
    sign, level = hb.levels(pixels, 0.0, scale)
    drawn = hb.shade_rows(sign, level) if mono else hb.colour_rows(sign, level)
    for i, row in enumerate(drawn):
        text = f"{name}×{R}" if i == 0 else ""
        out.append([label(text)] + [(ch * per, style) for ch, style in row])
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
