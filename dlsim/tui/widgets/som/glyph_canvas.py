"""A canvas at character resolution, for a picture drawn as on paper: marks are glyphs (a node, a
data point, the BMU), lines between them are box-drawing strokes (─ │ ╱ ╲) underneath.

Each cell shows one thing: the highest layer that touched it (a node over a line, the BMU over a
node), so a point can always be told from a line by its character, colour or not. Everything is
NumPy over whole arrays: a frame of a few hundred nodes and edges costs well under a millisecond.
"""
import numpy as np

# a stroke's direction bits, and the glyph of each combination of them in one cell
HORIZONTAL, VERTICAL, RISING, FALLING = 1, 2, 4, 8
STROKES = np.array([" ", "─", "│", "┼", "╱", "╱", "╱", "┼", "╲", "╲", "╲", "┼", "╳", "╳", "╳", "╳"])


def stroke_direction(dx: np.ndarray, dy: np.ndarray) -> np.ndarray:
    """The direction bit of each segment (dx columns, dy rows, rows growing downwards): a slope
    under 0.4 rows a column is drawn ─, over 2.5 │, else a diagonal (╱ one row up a column)."""
    ax, ay = np.abs(dx), np.abs(dy)
    out = np.where(ay < 0.4 * ax, HORIZONTAL, np.where(ay > 2.5 * ax, VERTICAL, 0))
    diagonal = out == 0
    out[diagonal] = np.where((dx[diagonal] > 0) == (dy[diagonal] > 0), FALLING, RISING)
    return out


class GlyphCanvas:
    """`layer[r, c]`: what a cell shows (0 = nothing, STROKE_LAYER = a line, higher = a mark);
    `mark[r, c]`: which item of that layer (e.g. which node), for its colour."""
    STROKE_LAYER = 1

    def __init__(self, width: int, height: int):
        self.width, self.height = max(0, width), max(0, height)
        self.strokes = np.zeros((self.height, self.width), np.int64)   # direction bits
        self.hot = np.zeros((self.height, self.width), bool)           # a highlighted line passes
        self.layer = np.zeros((self.height, self.width), np.int64)
        self.mark = np.full((self.height, self.width), -1, np.int64)

    def cells(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rows, cols, inside) of positions given in cells (fractions rounded)."""
        c, r = np.rint(x).astype(np.int64), np.rint(y).astype(np.int64)
        inside = (c >= 0) & (c < self.width) & (r >= 0) & (r < self.height)
        return r, c, inside

    def lines(self, x0, y0, x1, y1, hot=None) -> None:
        """Straight strokes between cell positions (arrays: one line each); `hot` marks lines to
        highlight. The cells at either end are left to the marks drawn there."""
        x0, y0, x1, y1 = (np.asarray(a, float) for a in (x0, y0, x1, y1))
        if not len(x0):
            return
        dx, dy = x1 - x0, y1 - y0
        steps = (np.ceil(np.maximum(np.abs(dx), np.abs(dy))) + 1).astype(np.int64)
        line = np.repeat(np.arange(len(x0)), steps)
        first = np.cumsum(steps) - steps
        t = (np.arange(steps.sum()) - first[line]) / np.maximum(steps[line] - 1, 1)
        r, c, inside = self.cells(x0[line] + dx[line] * t, y0[line] + dy[line] * t)
        bits = stroke_direction(dx, dy)[line]
        r, c, line, bits = r[inside], c[inside], line[inside], bits[inside]
        np.bitwise_or.at(self.strokes, (r, c), bits)
        self.layer[r, c] = np.maximum(self.layer[r, c], self.STROKE_LAYER)
        if hot is not None:
            self.hot[r[hot[line]], c[hot[line]]] = True

    def marks(self, x, y, layer: int, items: np.ndarray | None = None) -> None:
        """Marks at cell positions, on `layer` (> STROKE_LAYER; a higher layer wins a cell)."""
        r, c, inside = self.cells(np.asarray(x, float), np.asarray(y, float))
        items = np.arange(len(r)) if items is None else np.asarray(items)
        r, c, items = r[inside], c[inside], items[inside]
        win = self.layer[r, c] <= layer
        self.layer[r[win], c[win]] = layer
        self.mark[r[win], c[win]] = items[win]

    def stroke_glyphs(self) -> np.ndarray:
        """(height, width) the line glyph of each cell (" " where none)."""
        return STROKES[self.strokes]
