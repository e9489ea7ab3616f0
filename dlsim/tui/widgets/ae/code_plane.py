"""The code plane: every test input drawn where the encoder puts it (its first two code units; a
one-unit code along a line, one row per class), as the digit of its class in that class's colour,
so that classes the bottleneck keeps apart show as clusters and move as it trains. The glyph is the
class, so it reads without colour (NO_COLOR). The codes are the model's (AE.inspect: test_codes)."""
import numpy as np
from rich.style import Style

from dlsim.protocol.numbers import num
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.panel import Cells, Panel, UiState

PALETTE = ((79, 158, 222), (240, 138, 56), (120, 200, 120), (220, 90, 90), (180, 140, 230),
           (200, 170, 90), (230, 130, 200), (150, 150, 150), (200, 210, 80), (90, 200, 210))
GLYPHS = "0123456789ABCDEFGHIJ"


def _style(k: int, mono: bool) -> Style:
    return st.plain() if mono else Style(color=st.rgb(PALETTE[k % len(PALETTE)]), bold=True)


class CodePlane(Panel):
    READING = (("code plane", "each test input at its code (the bottleneck's outputs), drawn as its class;\n"
                              "the classes the code keeps apart form their own clusters"),)

    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        ex = frame.extras
        codes = ex.get("codes")
        if codes is None or len(codes) == 0 or width < 4 or height < 2:
            return []
        labels, mono = ex["labels"], getattr(self.app, "no_color", False)
        x = codes[:, 0]
        y = codes[:, 1] if codes.shape[1] > 1 else labels.astype(float)
        finite = np.isfinite(x) & np.isfinite(y)
        if not finite.any():
            return [[("the codes are not finite numbers", st.plain())]]
        lo_x, hi_x, lo_y, hi_y = x[finite].min(), x[finite].max(), y[finite].min(), y[finite].max()
        self.set_titles(f"code plane · test inputs by class · {codes.shape[1]}-unit code",
                        f"code 1: {num(lo_x, 2)} … {num(hi_x, 2)}"
                        + (f" · code 2: {num(lo_y, 2)} … {num(hi_y, 2)}" if codes.shape[1] > 1 else ""))
        cx = np.rint((x - lo_x) / max(hi_x - lo_x, 1e-12) * (width - 1)).astype(np.int64)
        cy = np.rint((hi_y - y) / max(hi_y - lo_y, 1e-12) * (height - 1)).astype(np.int64)
        grid: list[Cells] = [[(" ", None)] * width for _ in range(height)]
        for k in np.flatnonzero(finite):
            c = int(labels[k])
            grid[cy[k]][cx[k]] = (GLYPHS[c % len(GLYPHS)], _style(c, mono))
        return grid
