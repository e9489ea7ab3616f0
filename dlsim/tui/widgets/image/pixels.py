"""Small images in half blocks (two square pixels a cell), kernels as numbers, and blocks of cells
laid side by side under their titles.

A pixel is an RGB colour: an input image in grey (or its own colours, for three channels), a signed
map (a kernel, a feature map, a δ) blue for positive and orange for negative, deeper for larger,
as everywhere else. Marked pixels (the kernel's window, the cell being written, a pool's winner)
are tinted. Without colour (NO_COLOR) each pixel is a shade glyph, one pixel a cell (a glyph holds
one value: every row of the picture is a line), ░▒▓█ by size, ·-=≡ below 0, and marks are drawn as
glyphs instead.
"""
import functools

import numpy as np
from rich.style import Style

from dlsim.protocol.numbers import num
from dlsim.tui.widgets import halfblock as hb
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.panel import Cells

MARKS = {"window": (250, 214, 90), "cell": (255, 255, 255), "winner": (120, 220, 120), "picked": (255, 90, 200)}
MARK_GLYPHS = {"window": "▫", "cell": "◆", "winner": "+", "picked": "◉"}
ZERO = (42, 45, 54)      # a cell whose value is 0: a shade off the background, so the map's extent shows
NOT_YET = st.BACKGROUND  # a map cell not computed yet for this sample: blank, so the map fills in
SHADES = " ░▒▓█"
NEGATIVE_SHADES = " ·-=≡"   # a signed map's values below 0, without colour (as halfblock's)


def grey(values: np.ndarray) -> np.ndarray:
    """(H, W, 3) colours of an image in [0, 1]: one channel as grey, three as RGB."""
    v = np.clip(np.nan_to_num(values), 0.0, 1.0)
    if v.shape[0] == 3:
        rgb = np.moveaxis(v, 0, -1)
    else:
        rgb = np.repeat(v.mean(axis=0)[..., None], 3, axis=-1)
    back = np.array(st.BACKGROUND, float)
    return (back + (255.0 - back) * rgb).astype(np.int64)


def _palette() -> np.ndarray:
    """(3, LEVELS + 1, 3): the colour of each (sign + 1, level), ZERO at level 0."""
    table = np.array([[hb.colour(sign, level) for level in range(st.LEVELS + 1)] for sign in (-1, 0, 1)], np.int64)
    table[:, 0] = ZERO
    return table


PALETTE = _palette()


def signed(values: np.ndarray, scale: float | None = None, known: np.ndarray | None = None) -> np.ndarray:
    """(H, W, 3) colours of a signed map (H, W): blue positive, orange negative, relative to `scale`
    (default: its largest |value|); cells not `known` (not computed yet) blank."""
    return signed_each(np.asarray(values, float)[None], scale, None if known is None else known[None])[0]


def signed_each(values: np.ndarray, scale: float | None = None, known: np.ndarray | None = None) -> np.ndarray:
    """(N, H, W, 3): `signed` of each of N maps at once, each relative to its own largest |value|
    (or to `scale`)."""
    v = np.nan_to_num(np.asarray(values, float))
    size = np.abs(v)
    top = size.max(axis=(-2, -1), keepdims=True) if scale is None else np.full((1, 1, 1), float(scale))
    top = np.where(top > 0, top, 1.0)
    level = np.minimum(st.LEVELS, np.rint(st.LEVELS * size / top)).astype(np.int64)   # as halfblock.levels
    out = PALETTE[np.sign(v).astype(np.int64) + 1, level]
    if known is not None:
        out[~known] = NOT_YET
    return out


@functools.lru_cache(maxsize=4096)   # a map's winners are a few colours marked the same way, frame after frame
def _tint(colour, mark):
    return tuple(int(round(c + (m - c) * 0.45)) for c, m in zip(colour, MARKS[mark]))


def picture(rgb: np.ndarray, marks: dict | None = None, scale: int = 1, mono: bool = False,
            values: np.ndarray | None = None) -> list[Cells]:
    """Cells of an (H, W, 3) picture, each pixel `scale`×`scale` half-block pixels (scale cells wide,
    scale/2 cells tall); marks {(y, x): "window" | "cell" | "winner" | "picked"} tint those pixels.
    Without colour: a shade glyph per pixel of `values` (|value| relative to the largest; below 0 the
    negative shades, as orange stands for in colour), a line per pixel row, marks as glyphs."""
    marks = marks or {}
    H, W = rgb.shape[:2]
    if mono:
        v = np.nan_to_num(values if values is not None else rgb.mean(axis=-1))
        top = float(np.abs(v).max()) or 1.0
        shade = np.rint(np.abs(v) / top * (len(SHADES) - 1)).astype(np.int64).tolist()
        below = (v < 0).tolist()
        style = st.plain()
        return [[(MARK_GLYPHS[marks[(y, x)]] if (y, x) in marks else
                  (NEGATIVE_SHADES if below[y][x] else SHADES)[shade[y][x]], style) for x in range(W)]
                for y in range(H)]
    codes = (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]   # one int a colour
    for (y, x), mark in marks.items():
        if 0 <= y < H and 0 <= x < W:
            r, g, b = _tint(tuple(rgb[y, x].tolist()), mark)
            codes[y, x] = (r << 16) | (g << 8) | b
    pixels = np.repeat(np.repeat(codes, scale, axis=0), scale, axis=1)
    if len(pixels) % 2:
        pixels = np.concatenate([pixels, np.full((1, pixels.shape[1]), _code(st.BACKGROUND), np.int64)])
    pairs = ((pixels[0::2] << 24) | pixels[1::2]).tolist()
    return [[("▀", _pair(code)) for code in row] for row in pairs]


def _code(colour) -> int:
    r, g, b = colour
    return (int(r) << 16) | (int(g) << 8) | int(b)


_PAIRS: dict = {}


def _pair(code: int) -> Style:
    """The style of a half-block cell: foreground the upper pixel, background the lower (one int each)."""
    style = _PAIRS.get(code)
    if style is None:
        up, low = code >> 24, code & 0xFFFFFF
        style = _PAIRS[code] = Style(color=st.rgb((up >> 16, (up >> 8) & 255, up & 255)),
                                     bgcolor=st.rgb((low >> 16, (low >> 8) & 255, low & 255)))
        if len(_PAIRS) > 20000:
            _PAIRS.clear()
    return style


def numbers(values: np.ndarray, digits: int = 3, hot: set | None = None) -> list[Cells]:
    """A small matrix (k, k) as numbers (the one number rule, `digits` decimals) in columns of one
    width, on cells shaded by sign and size; `hot` cells bold."""
    v = np.asarray(values, float)
    top = float(np.abs(v).max()) if v.size else 0.0
    texts = [[num(x, digits) for x in row] for row in v.tolist()]
    width = max((len(t) for row in texts for t in row), default=1)
    out = []
    for y, row_texts in enumerate(texts):
        row: Cells = []
        for x, text in enumerate(row_texts):
            value = float(v[y, x])
            style = st.cell(st.sign_of(value), st.strength(value, top), bold=bool(hot and (y, x) in hot))
            row.append((text.rjust(width), style))
            if x < len(row_texts) - 1:   # between columns only: the block ends at its last number
                row.append((" ", None))
        out.append(row)
    return out


def width_of(lines: list[Cells]) -> int:
    return max((sum(len(text) for text, _ in line) for line in lines), default=0)


def block_width(title: str, lines: list[Cells]) -> int:
    """A block's width: its widest line, or its title where that is wider (up to 16 characters)."""
    return max(width_of(lines), min(len(title), 16), 1)


def side_by_side(blocks: list[tuple[str, list[Cells]]], width: int, gap: int = 2) -> list[Cells]:
    """Blocks under their titles, left to right, as many as fit in `width` (the rest dropped)."""
    title_style = st.plain(dim=True)
    placed, used = [], 0
    for title, lines in blocks:
        w = block_width(title, lines)
        if used + w > width:
            break
        placed.append((title, lines, w))
        used += w + gap
    if not placed:
        return []
    height = max(len(lines) for _, lines, _ in placed)
    out: list[Cells] = [[]]
    for title, _, w in placed:
        out[0].append((title[:w].ljust(w + gap), title_style))
    for y in range(height):
        row: Cells = []
        for _, lines, w in placed:
            line = lines[y] if y < len(lines) else []
            row.extend(line)
            row.append((" " * (w - sum(len(t) for t, _ in line) + gap), None))
        out.append(row)
    return out
