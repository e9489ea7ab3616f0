"""The diffusion model's plane at the time step the learner chose: the data noised forward to t (·),
the generated points where the reverse chain stands at t (o), and the arrows of −ε̂ over the plane
(the way the denoiser would move a point at t: towards the data; the learned score field), with the
point in hand (its clean x₀ ◇ and its x_t ●). Focused (Tab or a click), ↑ ↓ move t by one step,
PgUp PgDn by a tenth of T, Home End to 0 and T. Every number is the model's (Diffusion.clouds,
.chain, .fields, .inspect): this only lays them out. The glyphs carry the meaning without colour."""
import math

import numpy as np
from rich.style import Style
from textual.binding import Binding

from dlsim.protocol.numbers import num
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.data.decision import SAMPLE_MARK, to_pixels
from dlsim.tui.widgets.diffusion.schedule import SchedulePlot
from dlsim.tui.widgets.gan.plane import STILL, arrow
from dlsim.tui.widgets.image.paging import Focusable
from dlsim.tui.widgets.panel import Cells, UiState

NOISED, GENERATED, CLEAN, NOISY = "·", "o", "◇", "●"
DATA_INK, GENERATED_INK = (150, 200, 255), (214, 120, 255)


class DiffusionPlane(Focusable):
    SUBTITLE_ROW = True   # at 80×24 the keys that move t, on the last row
    BINDINGS = [Binding("up", "move_t(1)", "t + 1", show=False), Binding("down", "move_t(-1)", "t − 1", show=False),
                Binding("pageup", "move_t(10)", "t + T/10", show=False),
                Binding("pagedown", "move_t(-10)", "t − T/10", show=False),
                Binding("end", "move_t(1000)", "t = T", show=False), Binding("home", "move_t(-1000)", "t = 0", show=False)]
    READING = (("plane at t", "· the data noised forward to t; o the generated points where the reverse chain stands\n"
                              "at t; arrows: −ε̂ at t, the way the denoiser moves a point (towards the data);\n"
                              "◇ the point in hand, ● its x_t. Tab to it, then ↑ ↓ (one step) PgUp PgDn (T/10)\n"
                              "Home End (0, T) move t; at t = 0 the row under it gives the generated points' distance\n"
                              "to the data (0: the same histogram, 1: no overlap)"),)

    def action_move_t(self, tenths_or_steps: int) -> None:
        T = self.view.T
        if T is None:
            return
        by = tenths_or_steps if abs(tenths_or_steps) == 1 else (
            int(math.copysign(max(1, T // 10), tenths_or_steps)) if abs(tenths_or_steps) == 10 else tenths_or_steps * T)
        self.view.t = int(min(max(self.view.t + by, 0), T))
        self._rebuild()
        for panel in self.screen.query(SchedulePlot):   # its mark at t moves too
            panel._rebuild()

    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        ex = frame.extras
        clouds, ext = ex.get("clouds"), ex.get("extent")
        if clouds is None or ext is None or width < 4 or height < 2:
            return []
        t = min(self.view.t, len(clouds) - 1)
        mono = getattr(self.app, "no_color", False)
        out: list[Cells] = [[(" ", None)] * width for _ in range(height)]
        if t >= 1:
            self._arrows(out, ex["arrow_points"], ex["fields"][t - 1], ext, width, height, mono)
        ink = {k: st.plain(dim=k == NOISED) if mono else Style(color=st.rgb(c), bold=k == GENERATED)
               for k, c in ((NOISED, DATA_INK), (GENERATED, GENERATED_INK))}
        steps = ex["steps"]
        at = int(np.nonzero(steps >= t)[0][-1])
        for glyph, points in ((NOISED, clouds[t]), (GENERATED, ex["chain"][at])):
            inside = _inside(points, ext)
            rows, cols = to_pixels(points[inside], ext, width, 2 * height)
            for r, c in set(zip((rows // 2).tolist(), cols.tolist())):
                out[r][c] = (glyph, ink[glyph])
        hand = ex.get("in_hand")
        notes = []
        if hand is not None:
            x0, x_t, t_hand = hand
            for glyph, p in ((CLEAN, x0), (NOISY, x_t)):
                if np.all(np.isfinite(p)) and _inside(p[None], ext)[0]:
                    r, c = to_pixels(p[None], ext, width, 2 * height)
                    out[int(r[0]) // 2][int(c[0])] = (glyph, st.plain(bold=True) if mono else SAMPLE_MARK)
            notes.append(f"in hand: t = {t_hand}")
        T, chain = len(clouds) - 1, int(steps[at])
        jump = f" (chain at {chain})" if chain != t else ""
        generated = f"o chain at {chain}" if chain != t else "o generated"
        # the shorter forms keep t, then each glyph's meaning (at 80×24: "t = 3/50: · noised, …")
        self.set_titles((f"t = {t} of {T} · · data noised · o generated{jump} · → −ε̂",
                         f"t = {t} of {T}: · noised, o generated{jump}, → −ε̂",
                         f"t = {t} of {T}: · noised, {generated}, → −ε̂",
                         f"t = {t}/{T}: · noised, {generated}, → −ε̂",
                         f"t = {t}/{T}: · noised, {generated}"),
                        # at t = 0 (ᾱ_t = 1) the generated points' distance to the data, as the sampler
                        # options leave it: the curves keep the distance of the epoch's end
                        tuple(" · ".join(notes[:n] + [f"distance to data {num(ex['distance'])}" if t == 0 and "distance" in ex
                                                      else f"ᾱ_t = {num(ex['alpha_bar'][t])}", keys])
                              for n in (1, 0) for keys in ("Tab, ↑↓ PgUp PgDn: t", "Tab ↑↓: t")))
        return out

    def _arrows(self, out, points, eps_hat, ext, width, height, mono) -> None:
        push = -eps_hat
        strongest = float(np.abs(push).max()) if push.size else 0.0
        rows, cols = to_pixels(points, ext, width, 2 * height)
        style = st.plain(dim=True) if mono else st.ink(0, 3)
        for r, c, (dx, dy) in zip((rows // 2).tolist(), cols.tolist(), push.tolist()):
            moving = strongest > 0 and math.hypot(dx, dy) >= STILL * strongest
            out[r][c] = (arrow(dx, dy) if moving else "∙", style)


def _inside(points: np.ndarray, ext: tuple) -> np.ndarray:
    """Which points fall in the plane's extent (those outside are not piled on its border)."""
    x0, x1, y0, y1 = ext
    return (points[:, 0] >= x0) & (points[:, 0] <= x1) & (points[:, 1] >= y0) & (points[:, 1] <= y1)
