"""Below the timeline: for the LSTM its four gates f, i, g, o as units × time heatmaps (a gate near 1
is open, ░▒▓█; near 0 closed), and for both networks ‖δh_t‖, the gradient reaching each step, as a
bar per step on a log scale: shrinking to the left is the vanishing gradient."""
from dlsim.protocol.numbers import num
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.panel import Cells, Panel, UiState
from dlsim.tui.widgets.timeline.heat import DIM, heat_lines, log_bars, window

GATE_NAMES = ("f", "i", "g", "o")


class StepsPanel(Panel):
    READING = (("gates", "the LSTM's f, i, o per unit and step: blue ░▒▓█ open (near 1), orange ·-=≡ shut (near 0);\n"
                        "g, the candidate, by its sign"),
               ("‖δh_t‖", "the gradient reaching each step, a bar per step on a log scale (1eN: 10^N)"))

    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        tr = frame.extras.get("trace")
        if not tr:
            return []
        T, t = tr["x"].shape[0], tr.get("t")
        span = window(T, width - 5, t)
        mono = getattr(self.app, "no_color", False)
        out: list[Cells] = []
        bars_h = max(1, height - 1)
        if "gate_f" in tr:
            H = tr["gate_f"].shape[1]
            per_gate = max(1, min(H, (height - 5) // 4))   # a line per unit where it fits; ≥ 4 lines of bars
            unit = self.view.picked(tr)[0]   # where not every unit fits: those around the timeline's
            for name in GATE_NAMES:
                values = tr[f"gate_{name}"].T
                centred = values if name == "g" else values - 0.5
                out += heat_lines(name, centred, 0.5 if name != "g" else 1.0, per_gate, span, mono, tr["known"],
                                  focus=unit).lines
            bars_h = max(1, height - len(out) - 1)   # the lines the gates left (fewer where all fit in fewer)
        dh = tr["dh"]
        words = tr["dh_words"]
        brief = words.replace("sequence ", "seq ").replace(" (first layer)", " (layer 0)")
        said = [f"‖δh_t‖ {words}", f"‖δh_t‖ {brief}", f"‖δh_t‖ {brief.split(', ')[-1]}", "‖δh_t‖"]
        if getattr(self.view, "lesson_dh", False):   # a lesson compares the first and last steps' values
            ends = f"t=0 {num(float(dh[0]))} · t={T - 1} {num(float(dh[T - 1]))}"
            said = [f"{line}: {ends}" for line in said[:2]] + [f"‖δh_t‖ {ends}", f"‖δh‖ {ends}"] + said
        said = st.first_fitting(said, width)   # words given up, never one cut
        out.append([(said, st.plain(bold=True) if tr["phase"] == "backward" else DIM)])
        out += log_bars(dh, min(bars_h, height - len(out)), span, t if tr["phase"] == "backward" else None)
        return out[:height]
