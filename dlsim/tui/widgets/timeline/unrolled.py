"""The network unrolled in time: a column per step with its input x_t, the hidden state h_t as a
neurons × time heatmap (and the LSTM's cell c_t), the output ŷ_t and the target y_t; the current
step under ▼; the current step's numbers on the last line. Reads the model's pictures (the view's
extras["trace"]: Model.inspect's names, with the task's layout words)."""
import numpy as np

from dlsim.protocol.numbers import num
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.panel import Cells, Panel, UiState
from dlsim.tui.widgets.timeline.heat import CURRENT, DIM, glyph, heat_lines, label, ruler, window


def symbol(row: np.ndarray, vocabulary: str) -> str:
    """One step's one-hot (or class scores) as a character: the text's own, or the class number."""
    k = int(np.argmax(row))
    if vocabulary:
        ch = vocabulary[k]
        return "⏎" if ch == "\n" else "·" if ch == " " else ch
    return str(k) if k < 10 else "+"


class Timeline(Panel):
    READING = (("unrolled", "a column per time step: x_t, the hidden state h_t (a row per unit: ░▒▓█ positive,\n"
                            "·-=≡ negative), ŷ_t and the target y_t; ▼ the current step"),)

    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        tr = frame.extras.get("trace")
        if not tr:
            return []
        x, h, logits = tr["x"], tr["h"][1:], tr["outputs"]
        T, t = x.shape[0], tr.get("t")
        span = window(T, width - 5, t)
        first, shown, per = span
        known = tr["known"]
        mono = getattr(self.app, "no_color", False)
        out: list[Cells] = [ruler(span, t)]
        out.append(self._inputs(x, span, tr["vocabulary"]))
        reserved = 3 + (1 if height > 8 else 0)            # ŷ, y, the numbers line (and a gap)
        budget = max(1, height - len(out) - reserved)
        extra = tr.get("c")
        h_lines = budget if extra is None else max(1, budget // 2)
        out += heat_lines("h", h.T, 1.0, h_lines, span, mono, known)
        if extra is not None:
            c = extra[1:]
            scale = max(1.0, float(np.nanmax(np.abs(c[:known]))) if known else 1.0)
            out += heat_lines("c", c.T, scale, max(1, budget - h_lines), span, mono, known)
        out.append(self._outputs("ŷ", logits, span, known, tr, predicted=True))
        out.append(self._outputs("y", tr["y"], span, T, tr, predicted=False))
        out.append(self._numbers(tr, width))
        return out[:height]

    def _inputs(self, x, span, vocabulary) -> Cells:
        first, shown, per = span
        cells = [label("x")]
        for t in range(first, first + shown):
            if x.shape[1] > 2:
                cells.append((symbol(x[t], vocabulary).ljust(per), st.plain()))
            elif x.shape[1] == 2:     # the adding problem: the number, marked where it counts
                ch, style = glyph(x[t, 0], 1.0)
                cells.append((("◆" if x[t, 1] > 0 else ch) * per, style))
            else:
                ch, style = glyph(x[t, 0], 2.0)
                cells.append((ch * per, style))
        return cells

    def _outputs(self, name, values, span, known, tr, predicted) -> Cells:
        first, shown, per = span
        T = tr["x"].shape[0]
        per_step = tr["per_step"]
        cells = [label(name)]
        for t in range(first, first + shown):
            row = values[t] if (predicted or per_step) else (values[0] if t == T - 1 else None)
            if row is None or t >= known or (predicted and not per_step and t != T - 1):
                cells.append((" " * per, None))
            elif tr["classes"]:
                cells.append((symbol(row, tr["vocabulary"]).ljust(per), CURRENT if t == tr.get("t") else st.plain()))
            else:
                ch, style = glyph(float(row[0]), 1.0)
                cells.append((ch * per, style))
        return cells

    def _numbers(self, tr, width) -> Cells:
        t = tr.get("t")
        if t is None or t >= tr["known"]:
            return [("", DIM)]
        x = tr["x"][t]
        xs = symbol(x, tr["vocabulary"]) if x.shape[0] > 2 else ", ".join(num(v) for v in x)
        ys = tr["outputs"][t]
        yhat = symbol(ys, tr["vocabulary"]) if tr["classes"] else num(ys[0])
        text = f"t={t}: x=({xs})  ŷ={yhat}  ‖h‖={num(float(tr['h_norm'][t + 1]))}"
        return [(text[:width], st.plain())]
