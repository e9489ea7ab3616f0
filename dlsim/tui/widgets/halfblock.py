"""Maps drawn two pixels per character cell, for the decision surface and the neuron maps.

In colour, each cell is `▀` with the upper pixel's colour as foreground and the lower pixel's as
background: twice the vertical resolution of one colour per cell. Without colour (NO_COLOR) those
cells would all read `▀`, so each map also has a glyph form (see `bitmap_rows`, `shade_rows`,
`shade_pixels`).

A pixel is a (sign, level) pair: sign +1 (blue), −1 (orange), 0 (neither); level 0..LEVELS is how
far the value is from the map's centre. Sign 0 with level > 0 is a tie (grey); level 0 is background.
"""
from functools import lru_cache

import numpy as np
from rich.style import Style

from dlsim.tui.widgets import style as st

UPPER = "▀"
TIE_LEVEL = 3                       # the grey of a tie
POSITIVE_SHADES = "░▒▓█"            # glyphs by size, without colour
NEGATIVE_SHADES = "·-=≡"
_K = st.LEVELS + 1                  # levels per sign


def levels(values: np.ndarray, centre: float, scale: float, tie: float = -1.0) -> tuple[np.ndarray, np.ndarray]:
    """(sign, level) of every value relative to `centre`; |value − centre| ≤ tie is a tie (sign 0)."""
    d = np.asarray(values, float) - centre
    finite = np.isfinite(d)
    whole = finite.all()   # the usual map: no pass to mend what is not finite, none for ties unasked
    if not whole:
        d = np.where(finite, d, 0.0)
    size = np.abs(d)
    sign = np.sign(d).astype(np.int64)
    level = np.minimum(st.LEVELS, np.rint(st.LEVELS * size / max(scale, 1e-300))).astype(np.int64)
    if tie >= 0:
        tied = finite & (size <= tie)
        sign[tied] = 0
        level[tied] = TIE_LEVEL
    if not whole:
        level[~finite] = 0
    return sign, level


@lru_cache(maxsize=64)
def colour(sign: int, level: int) -> tuple:
    """The background a pixel of this sign and level is painted (as style.cell blends it)."""
    if level == 0:
        return st.BACKGROUND
    base = st.POSITIVE if sign > 0 else st.NEGATIVE if sign < 0 else st.NEUTRAL
    return st.blend(st.BACKGROUND, base, 0.12 + 0.6 * level / st.LEVELS)


@lru_cache(maxsize=1024)
def _pair(code: int) -> Style:
    upper, lower = divmod(code, 3 * _K)
    su, lu = divmod(upper, _K)
    sl, ll = divmod(lower, _K)
    return Style(color=st.rgb(colour(su - 1, lu)), bgcolor=st.rgb(colour(sl - 1, ll)))


def _halves(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Upper and lower pixel rows of each cell row (an odd last row is its own lower half)."""
    upper = a[0::2]
    lower = a[1::2]
    if len(lower) < len(upper):
        lower = np.concatenate([lower, upper[-1:]])
    return upper, lower


def colour_rows(sign: np.ndarray, level: np.ndarray) -> list[list[tuple[str, Style]]]:
    """Cells for a (2·rows, cols) map of pixels, in colour."""
    su, sl = _halves(sign)
    lu, ll = _halves(level)
    codes = ((su + 1) * _K + lu) * (3 * _K) + (sl + 1) * _K + ll
    cell = _CELLS.__getitem__   # a pair not met before is made on first asking (_Cells.__missing__)
    return [list(map(cell, row)) for row in codes.tolist()]


class _Cells(dict):
    """Pixel pair code → its cell, each made once: a few hundred pairs at most. Looked up cell by
    cell, a miss made there (np.unique over the codes first, a sort, was most of a small picture's
    cost, and an autoencoder's screen draws dozens of them a frame)."""

    def __missing__(self, code: int) -> tuple[str, Style]:
        made = self[code] = (UPPER, _pair(code))
        return made


_CELLS = _Cells()


def bitmap_rows(sign: np.ndarray) -> list[list[tuple[str, Style]]]:
    """Cells without colour: positive pixels lit (`█ ▀ ▄`), negative dark, a tie `░`: the
    boundary keeps its two pixels per cell."""
    su, sl = _halves(sign)
    glyphs = np.full(su.shape, " ", dtype="<U1")
    glyphs[(su > 0) & (sl > 0)] = "█"
    glyphs[(su > 0) & (sl <= 0)] = "▀"
    glyphs[(su <= 0) & (sl > 0)] = "▄"
    glyphs[(su == 0) & (sl == 0)] = "░"
    style = st.plain()
    return [[(g, style) for g in row] for row in glyphs.tolist()]


def shade_rows(sign: np.ndarray, level: np.ndarray) -> list[list[tuple[str, Style]]]:
    """Cells without colour, one value per cell: a shade by size, `░▒▓█` positive, `·-=≡` negative
    (the two pixels of a cell averaged: a map whose neighbouring rows are alike loses nothing)."""
    su, sl = _halves(sign)
    lu, ll = _halves(level)
    return _shades((su * lu + sl * ll) / 2.0)


def shade_pixels(sign: np.ndarray, level: np.ndarray) -> list[list[tuple[str, Style]]]:
    """Cells without colour, a pixel a cell and a pixel row a line: for a picture whose every row
    counts (a digit's stroke, a bar), which averaging two rows into a cell would lose."""
    return _shades(np.asarray(sign) * np.asarray(level))


def _shades(value: np.ndarray) -> list[list[tuple[str, Style]]]:
    """A shade glyph per signed level (−LEVELS..LEVELS), blank for 0."""
    size = np.ceil(np.abs(value) * len(POSITIVE_SHADES) / st.LEVELS).astype(np.int64)
    style = st.plain()
    return [[(" " if s == 0 else (POSITIVE_SHADES if v > 0 else NEGATIVE_SHADES)[s - 1], style)
             for v, s in zip(vrow, srow)] for vrow, srow in zip(np.asarray(value).tolist(), size.tolist())]


@lru_cache(maxsize=256)
def pixel_style(sign: int, level: int) -> Style:
    """A whole cell painted as one pixel (for a glyph drawn over the map)."""
    return Style(bgcolor=st.rgb(colour(sign, level)))


def resample(a: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Nearest-pixel resampling of the last two axes (a map computed once, shown at any size)."""
    r = ((np.arange(rows) + 0.5) * a.shape[-2] / rows).astype(np.int64).clip(0, a.shape[-2] - 1)
    c = ((np.arange(cols) + 0.5) * a.shape[-1] / cols).astype(np.int64).clip(0, a.shape[-1] - 1)
    return a[..., r[:, None], c[None, :]]
