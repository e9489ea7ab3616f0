"""Colours and glyphs shared by every panel. Colour never carries meaning alone: each sign and each
class also has its own glyph (NO_COLOR strips the colours and leaves the glyphs).

Positive weights, positive activations and class 1 are blue; negative ones and class 0 are orange,
as in TensorFlow Playground.
"""
from functools import lru_cache

from rich.color import Color
from rich.style import Style

POSITIVE = (79, 158, 222)     # blue
NEGATIVE = (240, 138, 56)     # orange
NEUTRAL = (140, 140, 140)
BACKGROUND = (24, 26, 32)     # panels' background (see dlsim.tcss)
TEXT = (220, 220, 220)

CLASS_GLYPHS = ("o", "x")     # class 0, class 1
MINUS = "−"
LEVELS = 8                    # colour steps per sign


def blend(a: tuple, b: tuple, t: float) -> tuple:
    return tuple(int(round(x + (y - x) * t)) for x, y in zip(a, b))


def rgb(c: tuple) -> Color:
    return Color.from_rgb(*c)


def strength(value: float, scale: float) -> int:
    """0..LEVELS: how strong `value` is relative to `scale`."""
    if scale <= 0 or value != value:
        return 0
    return min(LEVELS, int(round(LEVELS * min(1.0, abs(value) / scale))))


@lru_cache(maxsize=512)
def cell(sign: int, level: int, bold: bool = False, reverse: bool = False, underline: bool = False) -> Style:
    """Background shaded by sign (+1, −1, 0) and strength level; readable text on top."""
    colour = POSITIVE if sign > 0 else NEGATIVE if sign < 0 else NEUTRAL
    back = blend(BACKGROUND, colour, 0.12 + 0.6 * level / LEVELS) if level else BACKGROUND
    fore = (255, 255, 255) if level < LEVELS * 0.6 else (10, 10, 10)
    return Style(color=rgb(fore), bgcolor=rgb(back), bold=bold, reverse=reverse, underline=underline)


@lru_cache(maxsize=512)
def ink(sign: int, level: int, bold: bool = False, reverse: bool = False) -> Style:
    """Foreground only, shaded by sign and strength (lines, glyphs)."""
    colour = POSITIVE if sign > 0 else NEGATIVE if sign < 0 else NEUTRAL
    fore = blend(BACKGROUND, colour, 0.35 + 0.65 * level / LEVELS)
    return Style(color=rgb(fore), bold=bold, reverse=reverse)


@lru_cache(maxsize=64)
def plain(dim: bool = False, bold: bool = False, reverse: bool = False, italic: bool = False) -> Style:
    return Style(color=rgb(blend(BACKGROUND, TEXT, 0.55 if dim else 1.0)), bold=bold,
                 reverse=reverse, italic=italic)


def first_fitting(texts, width: int) -> str:
    """The first of `texts` (longest and fullest first) that fits in `width`, else the last cut to
    it: a line that gives words up as its panel narrows, never cut in the middle of one."""
    return next((text for text in texts if len(text) <= width), texts[-1][:width])


def rows_out_of_view(hidden: int, width: int) -> str:
    """'▼ 3 more rows: a taller terminal shows them', in words that fit `width` (a picture's rows
    left out where they do not fit, never merged)."""
    rows = f"▼ {hidden} more row{'s' if hidden > 1 else ''}"
    return first_fitting((f"{rows}: a taller terminal shows {'them' if hidden > 1 else 'it'}",
                          f"{rows} in a taller terminal", rows, f"▼ {hidden}"), width)


def sign_of(value: float) -> int:
    return 1 if value > 0 else -1 if value < 0 else 0


def short(value: float | None, width: int = 5) -> str:
    """A signed number in at most `width` characters: +0.53, −1.20, +.012, −3e−4, +12.3."""
    if value is None:
        return "·".rjust(width)
    if value != value:
        return "NaN".rjust(width)
    if value in (float("inf"), float("-inf")):
        return ("+∞" if value > 0 else MINUS + "∞").rjust(width)
    sign = "+" if value > 0 else MINUS if value < 0 else " "
    a = abs(value)
    body = width - 1
    small = a < 1
    # the shorter forms without the leading 0 (".02") only where the others leave nothing to read
    for text in (f"{a:.2f}", f"{a:.3f}"[1:] if small else "", f"{a:.1f}", f"{a:.0f}",
                 f"{a:.2f}"[1:] if small else "", f"{a:.1f}"[1:] if small else ""):
        if text and len(text) <= body and (float(text) != 0 or a == 0):
            return (sign + text).rjust(width)
    text = f"{a:.0e}".replace("e-0", "e-").replace("e+0", "e").replace("-", MINUS)   # as formulas.num
    if len(text) > body and small:   # rounds to nothing in this width: 0 (never an exponent cut off)
        return "0".rjust(width)
    return (sign + text)[:width].rjust(width)
