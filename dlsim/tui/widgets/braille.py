"""A braille canvas: 2×4 dots per terminal cell, for lines that need more resolution than cells.

Each cell remembers the strongest stroke that touched it, so its colour (and its meaning) comes
from one line, not from an average. Dashed strokes let two series be told apart without colour.
"""
import math

import numpy as np

_BITS = np.array([[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]], dtype=np.int32)  # [row][col]
_CHARS = [chr(0x2800 + code) for code in range(256)]


class Braille:
    def __init__(self, width: int, height: int):
        self.width, self.height = max(0, width), max(0, height)
        self.codes = np.zeros((self.height, self.width), np.int32)
        self.keys = np.full((self.height, self.width), -1, np.int64)   # which stroke owns a cell
        self.power = np.full((self.height, self.width), -np.inf)       # how strong that stroke is

    @property
    def size_dots(self) -> tuple[int, int]:
        return self.width * 2, self.height * 4

    def dots(self, x: np.ndarray, y: np.ndarray, key: int = 0, power: float = 0.0) -> None:
        """Set many dots at once (coordinates in dots, rounded; those outside are dropped)."""
        x, y = np.rint(x).astype(np.int64), np.rint(y).astype(np.int64)
        inside = (x >= 0) & (x < self.width * 2) & (y >= 0) & (y < self.height * 4)
        if not inside.all():
            x, y = x[inside], y[inside]
        if not len(x):
            return
        cells = (y >> 2) * self.width + (x >> 1)   # a cell touched twice is set twice, to the same:
        np.bitwise_or.at(self.codes.ravel(), cells, _BITS[y & 3, x & 1])   # no np.unique (a sort, most
        mine = cells[self.power.ravel()[cells] <= power]                   # of a curve's cost)
        self.power.ravel()[mine], self.keys.ravel()[mine] = power, key

    def dot(self, x: int, y: int, key: int = 0, power: float = 0.0) -> None:
        self.dots(np.array([x]), np.array([y]), key, power)

    def line(self, x0: float, y0: float, x1: float, y1: float, key: int = 0, power: float = 0.0,
             dash: int = 0) -> None:
        """A line between dot coordinates; dash > 0 draws `dash` dots on, `dash` off. The dots of
        `polyline` for its two ends, worked out with a few array operations, not its twenty: a scene
        of short lines (the cart's box, a graph's edges) draws dozens a frame."""
        x0, y0, x1, y1 = float(x0), float(y0), float(x1), float(y1)
        if not all(map(math.isfinite, (x0, y0, x1, y1))):
            self.polyline(np.array([x0, x1]), np.array([y0, y1]), key, power, dash)
            return
        dx, dy = x1 - x0, y1 - y0
        steps = int(max(abs(dx), abs(dy)) + 1)   # dots from (x0, y0) on, (x1, y1) then added
        t = np.arange(steps) / steps
        x, y = np.empty(steps + 1), np.empty(steps + 1)
        x[:-1], y[:-1] = x0 + dx * t, y0 + dy * t
        x[-1], y[-1] = x1, y1
        if dash:
            on = (np.arange(steps + 1) // dash) % 2 == 0
            x, y = x[on], y[on]
        self.dots(x, y, key, power)

    def polyline(self, xs, ys, key: int = 0, power: float = 0.0, dash: int = 0) -> None:
        xs, ys = np.asarray(xs, float), np.asarray(ys, float)
        keep = np.isfinite(xs) & np.isfinite(ys)
        xs, ys = xs[keep], ys[keep]
        if len(xs) == 1:
            self.dots(xs, ys, key, power)
        if len(xs) < 2:
            return
        dx, dy = np.diff(xs), np.diff(ys)
        steps = (np.maximum(np.abs(dx), np.abs(dy)) + 1).astype(np.int64)   # dots per segment
        seg = np.repeat(np.arange(len(steps)), steps)
        first = np.cumsum(steps) - steps
        t = (np.arange(steps.sum()) - first[seg]) / steps[seg]
        x, y = xs[seg] + dx[seg] * t, ys[seg] + dy[seg] * t
        x, y = np.append(x, xs[-1]), np.append(y, ys[-1])
        if dash:
            on = (np.arange(len(x)) // dash) % 2 == 0
            x, y = x[on], y[on]
        self.dots(x, y, key, power)

    def cells(self, row: int, styles, blank=(" ", None)) -> list:
        """One row as (character, style) cells, the style of the stroke that owns each cell
        (`styles[key]`), `blank` where no dot is set: a row at once, not a call per cell."""
        return [(_CHARS[code], styles[key]) if code else blank
                for code, key in zip(self.codes[row].tolist(), self.keys[row].tolist())]

    def char(self, row: int, col: int) -> str | None:
        code = self.codes[row, col]
        return chr(0x2800 + int(code)) if code else None
