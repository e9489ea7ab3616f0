"""Many polylines onto a braille canvas in one go: G's map draws 2n lines of a grid of z every
frame, and a canvas call per line (its own rounding, sorting and ownership pass) cost more than
the rest of the panel. The dots are those `Braille.polyline` draws, bit for bit, and each cell is
owned as if the lines had been drawn one after another: by the last line that touched it."""
import numpy as np

from dlsim.tui.widgets.braille import Braille


def mesh_canvas(canvas: Braille, points: tuple, lines: tuple, keys: list[int]) -> None:
    """`points` (x, y) dots with key 0 under the lines (power 0); `lines` (XS, YS), each (lines, n)
    in dot coordinates, drawn in order with `keys[i]` (power 1)."""
    canvas.dots(*points, key=0, power=0)
    XS, YS = np.asarray(lines[0], float), np.asarray(lines[1], float)
    if not (np.isfinite(XS).all() and np.isfinite(YS).all()) or XS.shape[1] < 2:
        for xs, ys, key in zip(XS, YS, keys):   # gaps join neighbours: the canvas's own way
            canvas.polyline(xs, ys, key=key, power=1)
        return
    m, n = XS.shape
    starts_x, starts_y = XS[:, :-1].ravel(), YS[:, :-1].ravel()
    dx, dy = np.diff(XS, axis=1).ravel(), np.diff(YS, axis=1).ravel()
    steps = (np.maximum(np.abs(dx), np.abs(dy)) + 1).astype(np.int64)
    seg = np.repeat(np.arange(len(steps)), steps)
    first = np.cumsum(steps) - steps
    t = (np.arange(steps.sum()) - first[seg]) / steps[seg]
    x = np.concatenate([starts_x[seg] + dx[seg] * t, XS[:, -1]])
    y = np.concatenate([starts_y[seg] + dy[seg] * t, YS[:, -1]])
    line = np.concatenate([seg // (n - 1), np.arange(m)])
    x, y = np.rint(x).astype(np.int64), np.rint(y).astype(np.int64)
    inside = (x >= 0) & (x < canvas.width * 2) & (y >= 0) & (y < canvas.height * 4)
    x, y, line = x[inside], y[inside], line[inside]
    if not len(x):
        return
    r, c = y // 4, x // 2
    bits = np.array([[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]], dtype=np.int32)
    np.bitwise_or.at(canvas.codes, (r, c), bits[y % 4, x % 2])
    last = np.full(canvas.width * canvas.height, -1, np.int64)
    np.maximum.at(last, r * canvas.width + c, line)
    cells = np.flatnonzero(last >= 0)
    canvas.power.ravel()[cells] = 1
    canvas.keys.ravel()[cells] = np.asarray(keys, np.int64)[last[cells]]
