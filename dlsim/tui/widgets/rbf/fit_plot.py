"""The RBF network's picture of its units over the data, drawn from what the model computed
(RBF.curve, RBF.surface, RBF.inspect): the view hands it the numbers, this only lays them out.

The sine (regression): each unit's scaled Gaussian w_j·φ_j(x) dotted (blue where w_j > 0, orange
where it is negative), their sum ŷ(x) = b + Σ w_j φ_j(x) solid, the training points as • and the
centres as ◆ along the bottom row, the sample in hand as ●. 2-D points (classification): the decision
surface of DecisionPlot with each centre as ◆ over it. The glyphs carry the meaning without colour.
"""
import numpy as np
from rich.style import Style

from dlsim.protocol.numbers import num, row
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.braille import Braille
from dlsim.tui.widgets.data.decision import DecisionPlot, to_pixels
from dlsim.tui.widgets.panel import UiState

CENTRE, DATUM, SAMPLE = "◆", "•", "●"
SUM, DATA = 0, 1   # braille stroke keys; unit j is 2 + j


class FitPlot(DecisionPlot):
    SHORT_TITLE = "units · ◆ centres"
    READING = (("sine", "── ŷ, the sum of the units (+ b); ┄ each unit's scaled Gaussian w·φ (blue w > 0, orange\n"
                        "w < 0); • training points; ◆ centres along the bottom; ● the sample in hand"),
               ("2-D points", "the decision surface (class 1 where ŷ > 0.5) with each centre ◆ over it"),
               *DecisionPlot.READING)

    def rows(self, frame, ui: UiState, width: int, height: int):
        extras = frame.extras
        if "curve" not in extras:
            out = super().rows(frame, ui, width, height)
            self._centres_2d(out, extras, width, height)
            return out
        return self._sine(extras, width, height)

    def _centres_2d(self, out, extras, width: int, height: int) -> None:
        centres, ext = extras.get("centres"), extras.get("extent")
        if not out or centres is None or ext is None:
            return
        prow, pcol = to_pixels(np.asarray(centres), ext, width, 2 * height)
        for r, c in zip((prow // 2).tolist(), pcol.tolist()):
            if 0 <= r < len(out) and 0 <= c < width:
                out[r][c] = (CENTRE, st.plain(bold=True))

    def _sine(self, extras, width: int, height: int):
        xs, scaled, total = extras["curve_x"], extras["curve"], extras["curve_sum"]   # (P,), (P, K), (P,)
        X, T, centres = extras["X"][:, 0], extras["T"], extras["centres"][:, 0]
        # the bottom row holds the centres; where the panel has no bottom border (compact), the notes
        # take the last row and the centres the one above
        compact = self.styles.border_bottom[0] in ("", "none", "hidden") and height > 3
        rows = max(height - 1 - compact, 1)
        canvas = Braille(width, rows)
        w_dots, h_dots = canvas.size_dots
        lo = float(min(T.min(), total.min(), scaled.min(), 0.0))
        hi = float(max(T.max(), total.max(), scaled.max(), 0.0))
        span = hi - lo or 1.0
        x0, x1 = float(xs[0]), float(xs[-1])

        def px(x):
            return (np.asarray(x) - x0) / ((x1 - x0) or 1.0) * (w_dots - 1)

        def py(y):
            return (hi - np.asarray(y)) / span * (h_dots - 1)
        for j in range(scaled.shape[1]):
            canvas.polyline(px(xs), py(scaled[:, j]), key=2 + j, power=0.0, dash=1)
        canvas.dots(px(X), py(T), key=DATA, power=1.0)
        canvas.polyline(px(xs), py(total), key=SUM, power=2.0)
        mono = getattr(self.app, "no_color", False)
        weights = extras["weights"]
        styles = {SUM: st.plain(bold=True), DATA: st.plain(dim=True)}
        for j, w in enumerate(weights.tolist()):
            styles[2 + j] = st.plain(dim=True) if mono else st.ink(1 if w > 0 else -1, 5)
        out = [canvas.cells(r, styles) for r in range(rows)]
        bottom = [("─", st.plain(dim=True))] * width
        for c in np.clip(np.rint(px(centres) / 2).astype(int), 0, width - 1).tolist():
            bottom[c] = (CENTRE, st.plain(bold=True))
        out.append(list(bottom))
        if compact:
            out.append([(" ", None)] * width)
        sample = extras.get("sample")
        # the axis spans the targets, ŷ and every unit's curve (and 0); ŷ's own range is the model's
        low, high = extras["yhat_range"]
        notes = [f"axis {num(lo)} to {num(hi)}", f"ŷ from {num(low)} to {num(high)}"]
        if sample is not None and 0 <= sample < len(X):
            r = int(np.clip(py(T[sample]) // 4, 0, rows - 1))
            c = int(np.clip(px(X[sample]) // 2, 0, width - 1))
            out[r][c] = (SAMPLE, Style(bold=True, reverse=not mono) if not mono else st.plain(bold=True))
            notes.append(f"sample {row(sample)}: x = {num(X[sample])}, t = {num(T[sample])}")
        self._legend(out, notes, width, height)
        return out
