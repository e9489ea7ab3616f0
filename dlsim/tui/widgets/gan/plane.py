"""The GAN's data plane: D's verdict P(real) as the background (two pixels a cell: blue where D says
real, orange where it says fake, deeper where it is surer), the real points `o`, and each generated
point drawn as the arrow of the way G's gradient pushes it (−∂L_G/∂x̂, GAN Lab's arrows; `x` where
the push is next to nothing). The point being stepped through is highlighted."""
import math
from functools import lru_cache

import numpy as np
from rich.style import Style

from dlsim.protocol.numbers import num
from dlsim.tui.widgets import halfblock as hb
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.data.decision import SAMPLE_MARK, DecisionPlot, surface_pixels, to_pixels
from dlsim.tui.widgets.panel import Cells, UiState

ARROWS = "→↗↑↖←↙↓↘"   # by angle, counter-clockwise from +x (up is +y, as on the plot)
STILL = 0.05          # a push below this share of the largest is drawn as `x`: G barely moves it
REAL, FAKE = (235, 235, 235), (214, 120, 255)


def arrow(dx: float, dy: float) -> str:
    return ARROWS[int(round(math.atan2(dy, dx) / (math.pi / 4))) % 8]


class DataPlane(DecisionPlot):
    SHORT_TITLE = "data · o real · → fake"
    READING = (("data plane", "o real points; the fakes G makes, each an arrow the way G's gradient pushes it\n"
                              "(x: barely pushed); the highlighted point is the one being stepped through, D's\n"
                              "verdict on it and its loss below; else D's mean verdict on the real points and on the\n"
                              "fakes, and after a run D's accuracy and the distance"),
               ("surface", "D's P(real) two pixels a cell: blue where D says real, orange where it says fake,\n"
                           "deeper = surer; without colour █ ▀ ▄ mark where D says real"))

    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        ex = frame.extras
        X, ext = ex.get("X"), ex.get("extent")
        if X is None or ext is None:
            return []
        mono = getattr(self.app, "no_color", False)
        sign, level = surface_pixels(ex.get("surface"), height, width)
        out = hb.bitmap_rows(sign) if mono else hb.colour_rows(sign, level)
        # plain lists, not NumPy scalars point by point: the pixel each glyph stands on
        upper_sign, upper_level = sign[::2].tolist(), level[::2].tolist()
        rows, cols = to_pixels(X, ext, width, 2 * height)
        for r, c in set(zip((rows // 2).tolist(), cols.tolist())):
            out[r][c] = ("o", _glyph(REAL, upper_sign[r][c], upper_level[r][c], mono))
        fakes, push = ex["fakes"], ex["push"]
        rows, cols = to_pixels(fakes, ext, width, 2 * height)
        strongest = float(np.abs(push).max()) if push.size else 0.0
        for r, c, (dx, dy) in zip((rows // 2).tolist(), cols.tolist(), push.tolist()):
            moving = strongest > 0 and math.hypot(dx, dy) >= STILL * strongest
            out[r][c] = (arrow(dx, dy) if moving else "x", _glyph(FAKE, upper_sign[r][c], upper_level[r][c], mono))
        notes = []
        current = ex.get("current")
        if current is not None:
            (x, y), fake, push, d, loss = current
            r, c = to_pixels(np.array([[x, y]]), ext, width, 2 * height)
            glyph = arrow(*push) if push is not None else ("x" if fake else "o")
            out[int(r[0]) // 2][int(c[0])] = (glyph, SAMPLE_MARK)
            notes.append(f"{'fake' if fake else 'real'} ({num(x)}, {num(y)})")
            if d is not None:   # the last note, kept where the panel is too narrow for both
                notes.append(f"D(x) {num(d)} · loss {num(loss)}")
        else:   # D's mean verdicts now, and after a run how the game stands (the curves' last values):
            # the last note is the one kept where the panel is too narrow for both
            if ex.get("verdicts") is not None:
                notes.append("D(real) {} · D(fake) {}".format(*(num(v) for v in ex["verdicts"])))
            if frame.history:
                last = frame.history[-1]
                notes.append(" · ".join(f"{label} {num(last[key])}" for key, label in
                                        (("d_acc", "D acc"), ("distance", "distance")) if key in last))
        self._legend(out, notes, width, height)
        return out


@lru_cache(maxsize=256)
def _glyph(colour: tuple, sign: int, level: int, mono: bool) -> Style:
    if mono:
        return st.plain(bold=True)
    return hb.pixel_style(sign, level) + Style(color=st.rgb(colour), bold=True)
