"""The diffusion model's schedule and loss over t: ᾱ_t for t = 0 … T (solid: how much of the clean
point is left; it falls from 1 to about 0), and the ε loss at each t (a dot per t, on its own scale from
0 to its largest), with a vertical mark at the t the plane shows. The numbers are the model's
(Diffusion.inspect: alpha_bar, loss_per_t)."""
import numpy as np

from dlsim.protocol.numbers import num
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.braille import Braille
from dlsim.tui.widgets.panel import Cells, Panel, UiState

ALPHA, LOSS, MARK = 0, 1, 2


class SchedulePlot(Panel):
    SUBTITLE_ROW = True   # at 80×24 ᾱ_t and the loss at the t shown, on the last row
    READING = (("ᾱ_t and loss per t", "── ᾱ_t, from 1 at t = 0 down to about 0 at T; ⠂ the ε loss at each t, a dot per t (scaled to\n"
                                      "its largest); │ the t the plane shows"),)

    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        ex = frame.extras
        ab, loss = ex.get("alpha_bar"), ex.get("loss_per_t")
        if ab is None or loss is None or width < 4 or height < 2:
            return []
        T = len(ab) - 1
        t = min(self.view.t, T)
        canvas = Braille(width, height)
        w, h = canvas.size_dots
        ts = np.arange(T + 1)
        px = ts / T * (w - 1)
        canvas.polyline(px, (1.0 - ab) * (h - 1), key=ALPHA, power=2.0)
        top = float(np.nanmax(loss)) if np.isfinite(loss).any() else 1.0
        canvas.dots(px[1:], (1.0 - loss / (top or 1.0)) * (h - 1), key=LOSS, power=1.0)
        canvas.line(t / T * (w - 1), 0, t / T * (w - 1), h - 1, key=MARK, power=0.5)
        mono = getattr(self.app, "no_color", False)
        styles = {ALPHA: st.plain(bold=True), LOSS: st.plain(dim=True) if mono else st.ink(-1, 6),
                  MARK: st.plain(dim=True) if mono else st.ink(1, 4)}
        here = f"loss {num(loss[t - 1])}" if t >= 1 else "no noise at t = 0"
        self.set_titles((f"── ᾱ_t · ⠂ ε loss per t (max {num(top)}) · │ t", f"── ᾱ_t · ⠂ ε loss (max {num(top)}) · │ t",
                         "── ᾱ_t · ⠂ ε loss · │ t"),
                        f"t = {t}: ᾱ_t = {num(ab[t])}, {here}")
        return [canvas.cells(r, styles) for r in range(height)]
