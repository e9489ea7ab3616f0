"""The 2-D dataset as points over the model's decision surface, redrawn as it learns.

The surface has two pixels per cell (widgets/halfblock.py): blue where the model says class 1,
orange where it says class 0, deeper where it is surer, grey where it cannot decide (ŷ = 0.5 up to
rounding: a tie draws no boundary). Points are glyphs, `o` for class 0 and `x` for class 1; the
sample being processed is shown in reverse video; a linear model's line is drawn with line glyphs
(and, after an update, where it was before it, dotted). Without colour the surface is a bitmap of
class 1, so the picture reads without colour too.
"""
from functools import lru_cache

import numpy as np
from rich.style import Style
from textual.message import Message

from dlsim.models.base import TIE   # |ŷ − 0.5| at or below it: no decision either way, as in predict
from dlsim.protocol.numbers import num
from dlsim.tui.widgets import halfblock as hb
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.panel import Cells, Panel, UiState

SAMPLE_MARK = Style(color=st.rgb((10, 10, 10)), bgcolor=st.rgb((255, 214, 90)), bold=True)


def to_pixels(X: np.ndarray, ext: tuple, width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows, cols) of the pixels the points fall in, on a width × height pixel grid."""
    x0, x1, y0, y1 = ext
    cols = ((X[:, 0] - x0) / (x1 - x0) * width).astype(int).clip(0, width - 1)
    rows = ((y1 - X[:, 1]) / (y1 - y0) * height).astype(int).clip(0, height - 1)
    return rows, cols


def line_cells(w: tuple[float, float, float], ext: tuple, width: int, height: int) -> dict:
    """{(row, col): glyph} along w0·x + w1·y + b = 0."""
    w0, w1, b = w
    x0, x1, y0, y1 = ext
    to_col = lambda x: (x - x0) / (x1 - x0) * width
    to_row = lambda y: (y1 - y) / (y1 - y0) * height
    if w0 == 0 and w1 == 0:
        return {}
    cells = {}
    if abs(w1) * (x1 - x0) / width >= abs(w0) * (y1 - y0) / height:   # flatter than a cell's diagonal
        slope = -(w0 / w1) * (x1 - x0) / width / ((y1 - y0) / height)   # rows up per column
        glyph = "─" if abs(slope) < 0.4 else "╱" if slope > 0 else "╲"
        for c in range(width):
            x = x0 + (c + 0.5) * (x1 - x0) / width
            r = int(np.floor(to_row(-(w0 * x + b) / w1)))
            if 0 <= r < height:
                cells[(r, c)] = glyph
    else:
        slope = -(w1 / w0) * (y1 - y0) / height / ((x1 - x0) / width)   # columns per row up
        glyph = "│" if abs(slope) < 0.4 else "╱" if slope > 0 else "╲"
        for r in range(height):
            y = y1 - (r + 0.5) * (y1 - y0) / height
            c = int(np.floor(to_col(-(w1 * y + b) / w0)))
            if 0 <= c < width:
                cells[(r, c)] = glyph
    return cells


def surface_pixels(surface: np.ndarray | None, height: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """(sign, level) of a (2·height, width) score map: class 1 positive, a tie sign 0."""
    if surface is None or surface.size == 0:
        surface = np.full((2 * height, width), np.nan)
    elif surface.shape != (2 * height, width):
        surface = hb.resample(surface, 2 * height, width)
    sign, level = hb.levels(surface, 0.5, 0.5, tie=TIE)
    # never so deep that a glyph drawn on it is hard to read
    level = np.where(sign != 0, level // 2 + 1, level)
    level[~np.isfinite(surface)] = 0
    return sign, level


def tie_note(sign: np.ndarray, level: np.ndarray) -> str:
    tied = (sign == 0) & (level > 0)
    if not tied.any():
        return ""
    if tied.all():
        return "ŷ = 0.5 everywhere: a tie, no boundary"
    return "grey: ŷ = 0.5, a tie"


def sample_note(index: int, x: np.ndarray, width: int) -> str:
    """"sample #17 (0.450, 0.687)": the data's row by its index with its mark, as the status line's
    "sample 3/4 #17" names it; a shorter label where that does not fit (never a cut number)."""
    point = f"({num(x[0])}, {num(x[1])})"
    for text in (f"sample #{index} {point}", f"#{index} {point}", point):
        if len(text) <= width - 4:
            return text
    return f"#{index}"


class DecisionPlot(Panel):
    SHORT_TITLE = "data · o 0 · x 1"   # where the composed title would be cut (the 80×24 layout)
    READING = (("points", "o = class 0 (orange), x = class 1 (blue); the sample being processed highlighted"),
              ("surface", "two pixels a cell: blue where the model says class 1, orange for class 0, deeper =\n"
                          "surer, grey = a tie (ŷ = 0.5); without colour █ ▀ ▄ mark class 1, ░ a tie"))

    class Resized(Message):
        """The plot has a new size: the surface must be computed again at it (SimView does)."""

    def on_resize(self) -> None:
        size = (self.size.width, self.size.height)
        if size != self.view.surface_size:   # until then the last surface is shown resampled
            self.view.surface_size = size
            self.post_message(self.Resized())
        super().on_resize()

    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        extras = frame.extras
        X, y, ext = extras.get("X"), extras.get("y"), extras.get("extent")
        if X is None or ext is None:
            return []
        mono = getattr(self.app, "no_color", False)
        sign, level = surface_pixels(extras.get("surface"), height, width)
        out = hb.bitmap_rows(sign) if mono else hb.colour_rows(sign, level)
        classes = np.clip(y, 0, 1)
        prow, pcol = to_pixels(X, ext, width, 2 * height)
        votes = np.zeros((height, width, 2), np.int32)
        np.add.at(votes, (prow // 2, pcol, classes), 1)
        # plain lists, not NumPy scalars cell by cell: the points cost more than the surface did
        upper_sign, upper_level = sign[::2].tolist(), level[::2].tolist()   # the pixel a glyph stands on
        taken = votes.any(axis=2)
        rs, cs = np.nonzero(taken)
        for r, c, cls in zip(rs.tolist(), cs.tolist(), (votes[rs, cs, 1] >= votes[rs, cs, 0]).tolist()):
            cls = int(cls)
            out[r][c] = (st.CLASS_GLYPHS[cls], _point(cls, upper_sign[r][c], upper_level[r][c], mono))
        before = extras.get("line_before")
        if before:
            for (r, c), _ in line_cells(before, ext, width, height).items():
                if not taken[r, c]:
                    out[r][c] = ("·", _mark(upper_sign[r][c], upper_level[r][c], mono, bold=False))
        if extras.get("line"):
            for (r, c), glyph in line_cells(extras["line"], ext, width, height).items():
                if not taken[r, c]:
                    out[r][c] = (glyph, _mark(upper_sign[r][c], upper_level[r][c], mono, bold=True))
        notes = [tie_note(sign, level)]
        sample = extras.get("sample")
        if sample is not None and 0 <= sample < len(X):
            r, c = prow[sample] // 2, pcol[sample]
            out[r][c] = (st.CLASS_GLYPHS[int(classes[sample])], SAMPLE_MARK)
            notes.append(sample_note(sample, X[sample], width))
        self._legend(out, notes, width, height)
        return out

    @staticmethod
    def _under(sign, level, r: int, c: int) -> tuple[int, int]:
        """The pixel a glyph drawn in cell (r, c) stands on: the upper one."""
        return int(sign[2 * r, c]), int(level[2 * r, c])

    def _legend(self, out: list[Cells], notes: list[str], width: int, height: int) -> None:
        """The notes below the plot; where the panel has no bottom border (compact), over its last
        row. Neither they nor the title are ever cut: the earlier notes give way to the last (the
        sample's coordinates), and a title too long for the panel to its short form."""
        composed = self.__dict__.setdefault("_composed_title", str(self.border_title or ""))
        fits = len(composed) <= width - 2 or not self.SHORT_TITLE
        notes = [note for note in notes if note]
        while len(notes) > 1 and len(" · ".join(notes)) > width - 2:
            notes.pop(0)
        note = " · ".join(notes)
        self.set_titles(title=composed if fits else self.SHORT_TITLE, subtitle=note)
        if note and self.styles.border_bottom[0] in ("", "none", "hidden") and height > 2:
            text = note[:width]
            out[-1][:len(text)] = [(ch, st.plain(bold=True)) for ch in text]


@lru_cache(maxsize=256)
def _point(cls: int, sign: int, level: int, mono: bool) -> Style:
    if mono:
        return st.plain(bold=True)
    colour = (255, 196, 140) if cls == 0 else (170, 215, 255)
    return hb.pixel_style(sign, level) + Style(color=st.rgb(colour), bold=True)


@lru_cache(maxsize=256)
def _mark(sign: int, level: int, mono: bool, bold: bool) -> Style:
    if mono:
        return st.plain(bold=bold, dim=not bold)
    return hb.pixel_style(sign, level) + Style(color=st.rgb(st.TEXT), bold=bold)
