"""The colours of a SOM's nodes, kept: drawn in 32 steps a channel (at most 32,768 of them), a node's
colour changes much less often than the pair of colours a half-block cell shows or the style a
glyph is drawn in, so a frame that needs a new style seldom needs a new colour."""
from functools import lru_cache

from rich.color import Color

from dlsim.tui.widgets import style as st


@lru_cache(maxsize=8192)
def colour(rgb: tuple) -> Color:
    return st.rgb(rgb)
