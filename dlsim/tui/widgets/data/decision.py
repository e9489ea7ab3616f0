"""The 2-D dataset as points over the model's decision surface, redrawn as it learns.

One terminal cell is one sample of the surface (its background: blue where the model says class 1,
orange where it says class 0, deeper where it is surer). Points are glyphs, `o` for class 0 and
`x` for class 1; cells on the boundary show `·` and a linear model's line is drawn with line glyphs,
so the picture reads without colour too.
"""
from functools import lru_cache

import numpy as np
from rich.style import Style

from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.panel import Cells, Panel, UiState


def extent(X: np.ndarray, pad: float = 0.15) -> tuple[float, float, float, float]:
    lo, hi = X.min(axis=0), X.max(axis=0)
    span = np.maximum(hi - lo, 1e-9)
    return (float(lo[0] - pad * span[0]), float(hi[0] + pad * span[0]),
            float(lo[1] - pad * span[1]), float(hi[1] + pad * span[1]))


def grid(ext: tuple, width: int, height: int) -> np.ndarray:
    """Cell centres, row-major from the top: (height·width, 2)."""
    x0, x1, y0, y1 = ext
    xs = x0 + (np.arange(width) + 0.5) * (x1 - x0) / width
    ys = y1 - (np.arange(height) + 0.5) * (y1 - y0) / height
    gx, gy = np.meshgrid(xs, ys)
    return np.stack([gx.ravel(), gy.ravel()], axis=1)


def _resize(surface: np.ndarray, height: int, width: int) -> np.ndarray:
    rows = (np.arange(height) * surface.shape[0] // max(height, 1)).clip(0, surface.shape[0] - 1)
    cols = (np.arange(width) * surface.shape[1] // max(width, 1)).clip(0, surface.shape[1] - 1)
    return surface[np.ix_(rows, cols)]


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


class DecisionPlot(Panel):
    def on_resize(self) -> None:
        self.view.surface_size = (self.size.width, self.size.height)
        super().on_resize()

    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        extras = frame.extras
        X, y, ext = extras.get("X"), extras.get("y"), extras.get("extent")
        surface = extras.get("surface")
        if X is None or ext is None:
            return []
        if surface is None or surface.size == 0:
            surface = np.full((height, width), 0.5)
        elif surface.shape != (height, width):
            surface = _resize(surface, height, width)
        x0, x1, y0, y1 = ext
        cols = ((X[:, 0] - x0) / (x1 - x0) * width).astype(int).clip(0, width - 1)
        rows = ((y1 - X[:, 1]) / (y1 - y0) * height).astype(int).clip(0, height - 1)
        votes = np.zeros((height, width, 2), np.int32)
        np.add.at(votes, (rows, cols, np.clip(y, 0, 1)), 1)
        line = line_cells(extras["line"], ext, width, height) if extras.get("line") else {}
        side = surface >= 0.5
        edge = np.zeros_like(side)
        edge[:, :-1] |= side[:, :-1] != side[:, 1:]
        edge[:-1, :] |= side[:-1, :] != side[1:, :]
        out = []
        for r in range(height):
            row: Cells = []
            for c in range(width):
                s = float(surface[r, c])
                sign = 1 if s >= 0.5 else -1
                level = st.strength(s - 0.5, 0.5) // 2 + 1 if s == s else 0
                n0, n1 = votes[r, c]
                if n0 or n1:
                    cls = 1 if n1 >= n0 else 0
                    row.append((st.CLASS_GLYPHS[cls], _point(cls, sign, level)))
                elif (r, c) in line:
                    row.append((line[(r, c)], _mark(sign, level, bold=True)))
                elif edge[r, c] and not line:
                    row.append(("·", _mark(sign, level)))
                else:
                    row.append((" ", st.cell(sign, level)))
            out.append(row)
        return out


@lru_cache(maxsize=64)
def _point(cls: int, sign: int, level: int) -> Style:
    colour = (255, 196, 140) if cls == 0 else (170, 215, 255)
    return st.cell(sign, level) + Style(color=st.rgb(colour), bold=True)


@lru_cache(maxsize=64)
def _mark(sign: int, level: int, bold: bool = False) -> Style:
    return st.cell(sign, level) + Style(color=st.rgb(st.TEXT), bold=bold)
