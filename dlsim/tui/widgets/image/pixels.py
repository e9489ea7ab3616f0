"""Small images in half blocks (two square pixels a cell), kernels as numbers, and blocks of cells
laid side by side under their titles.

A pixel is an RGB colour: an input image in grey (or its own colours, for three channels), a signed
map (a kernel, a feature map, a δ) blue for positive and orange for negative, deeper for larger,
as everywhere else. Marked pixels (the kernel's window, the cell being written, a pool's winner)
are tinted. Without colour (NO_COLOR) each pixel is a shade glyph, one pixel a cell, and marks are
drawn as glyphs instead.
"""
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


def grey(values: np.ndarray) -> np.ndarray:
    """(H, W, 3) colours of an image in [0, 1]: one channel as grey, three as RGB."""
    v = np.clip(np.nan_to_num(values), 0.0, 1.0)
    if v.shape[0] == 3:
        rgb = np.moveaxis(v, 0, -1)
    else:
        rgb = np.repeat(v.mean(axis=0)[..., None], 3, axis=-1)
    back = np.array(st.BACKGROUND, float)
    return (back + (255.0 - back) * rgb).astype(np.int64)


def signed(values: np.ndarray, scale: float | None = None, known: np.ndarray | None = None) -> np.ndarray:
    """(H, W, 3) colours of a signed map (H, W): blue positive, orange negative, relative to `scale`
    (default: its largest |value|); cells not `known` (not computed yet) blank."""
    v = np.nan_to_num(np.asarray(values, float))
    top = float(np.abs(v).max()) if scale is None else scale
    sign, level = hb.levels(v, 0.0, top if top > 0 else 1.0)
    out = np.array([[hb.colour(int(s), int(l)) if l else ZERO for s, l in zip(srow, lrow)]
                    for srow, lrow in zip(sign.tolist(), level.tolist())], np.int64).reshape(v.shape + (3,))
    if known is not None:
        out[~known] = NOT_YET
    return out


def _tint(colour, mark):
    return tuple(int(round(c + (m - c) * 0.45)) for c, m in zip(colour, MARKS[mark]))


def picture(rgb: np.ndarray, marks: dict | None = None, scale: int = 1, mono: bool = False,
            values: np.ndarray | None = None) -> list[Cells]:
    """Cells of an (H, W, 3) picture, each pixel `scale`×`scale` half-block pixels (scale cells wide,
    scale/2 cells tall); marks {(y, x): "window" | "cell" | "winner"} tint those pixels. Without
    colour: a shade glyph per pixel of `values` (|value| relative to the largest), marks as glyphs."""
    marks = marks or {}
    H, W = rgb.shape[:2]
    if mono:
        v = np.abs(np.nan_to_num(values if values is not None else rgb.mean(axis=-1)))
        top = float(v.max()) or 1.0
        style = st.plain()
        return [[(MARK_GLYPHS[marks[(y, x)]] if (y, x) in marks
                  else SHADES[int(round(v[y, x] / top * (len(SHADES) - 1)))], style) for x in range(W)]
                for y in range(H)]
    pixels = [[_tint(tuple(rgb[y, x]), marks[(y, x)]) if (y, x) in marks else tuple(rgb[y, x])
               for x in range(W) for _ in range(scale)] for y in range(H) for _ in range(scale)]
    if len(pixels) % 2:
        pixels.append([st.BACKGROUND] * len(pixels[0]))
    return [[("▀", _pair(up, low)) for up, low in zip(pixels[r], pixels[r + 1])] for r in range(0, len(pixels), 2)]


_PAIRS: dict = {}


def _pair(up, low) -> Style:
    key = (up, low)
    style = _PAIRS.get(key)
    if style is None:
        style = _PAIRS[key] = Style(color=st.rgb(up), bgcolor=st.rgb(low))
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
