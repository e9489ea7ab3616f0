"""The RNN's and the LSTM's view: the network unrolled in time (x_t, h_t, c_t, ŷ_t, y_t, a column per
step), under it the LSTM's gates and ‖δh_t‖ per step on a log scale, beside them the task's own
picture and the loss, accuracy and gradient-norm curves.

Every number drawn is the model's (Simulator.inspect: models/recurrent_inspect.py): the sequence in
hand as the model stepped it, or, at rest, run whole through the model's kernels. The view only adds
what the layout needs to know of the task (its alphabet, whether it scores every step or classes)
and the words around the bars.
"""
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from dlsim.protocol.events import Level
from dlsim.protocol.paths import parse
from dlsim.tui.views.base import NetworkView
from dlsim.tui.views.panels import titled, weight_heatmap
from dlsim.tui.widgets.curves import Curves
from dlsim.tui.widgets.network.weights import Matrix, WeightsPanel
from dlsim.tui.widgets.timeline import weights
from dlsim.tui.widgets.timeline.steps import StepsPanel
from dlsim.tui.widgets.timeline.task import TaskPanel
from dlsim.tui.widgets.timeline.unrolled import Timeline


def partial_step(last, layers: int) -> tuple | None:
    """Where a forward pass stands inside its step, from the event it stands at: (t, unit, gate, op),
    the top layer's unit j whose gate (f, i, g, o; None after its cell) was the last computed, unit
    −1 while a lower layer is computed; None when no step is partly computed (the record's arrays
    hold zeros where the step has not reached)."""
    if last is None or last.phase != "forward":
        return None
    parts = dict(parse(last.path).parts)
    if not {"layer", "t", "neuron"} <= parts.keys():
        return None
    unit = parts["neuron"][0] if parts["layer"][0] == layers - 1 else -1
    return parts["t"][0], unit, parts["gate"][0] if "gate" in parts else None, last.op


class RightColumn(Vertical):
    """The right column; `-weights` while the heatmap has focus (at 80×24 it then takes the column,
    at 120×40 the LSTM's task and curves make room for it: rnn.tcss)."""

    def on_descendant_focus(self, event) -> None:
        self.set_class(isinstance(event.widget, WeightsPanel), "-weights")

    def on_descendant_blur(self, event) -> None:
        self.remove_class("-weights")


class RecurrentView(NetworkView):
    level_words = {Level.LAYER: "step", Level.SAMPLE: "sequence"}
    level_help = {Level.OP: "one unit's weighted sum or activation, one δ",
                  Level.LAYER: "one time step, forward or back",
                  Level.SAMPLE: "one sequence: forward through time, then back (BPTT)"}
    phases = "forward through time → loss → backward through time (BPTT) → clip → update"
    steps_title = "‖δh_t‖ per step, log scale"
    matrix_word = "tab"         # the heatmap's tabs: a gate's [W_x; W_h] (per layer), …, W_y
    curves_title = "── train ┄┄ test"
    gates = 1                   # rows per unit in W_x, W_h, b (the LSTM: 4)
    weights_title = "weights · [W_x; W_h], b · W_y"

    _body = None                # the view's body, whose class `-dh` brings the ‖δh_t‖ panel into a lesson's view
    lesson_dh = False           # a lesson's step highlights ‖δh_t‖: its panel shown, the values it quotes written

    def highlight(self, name, index) -> None:
        """dh (‖δh_t‖, whole or one step): beside a lesson at 80×24, where the steps panel is left out,
        it takes the timeline's place, its line giving the first and last steps' values, the numbers
        a lesson compares; a step without it gives the timeline back."""
        self.lesson_dh = name == "dh"
        if self._body is not None:
            self._body.set_class(self.lesson_dh, "-dh")

    def highlight_place(self, name: str) -> str | None:
        return "‖δh_t‖ bars" if name == "dh" else None

    def compose(self) -> ComposeResult:
        with Horizontal(id="sim-body", classes=f"{self.name} recurrent") as self._body:
            with Vertical(id="left"):
                yield titled(Timeline(self, id="graph"), "unrolled in time · ▼ step t")
                yield titled(StepsPanel(self, id="steps"), self.steps_title)
            with RightColumn(id="right"):
                yield from self.beside()
                yield weight_heatmap(self, self.weights_title)
                with Horizontal(id="recurrent-lower"):
                    yield titled(TaskPanel(self, id="decision"), "the task")
                    yield titled(Curves(self, self.shown_charts(), id="curves"), self.curves_title)

    # --- the selected heatmap cell: a row (h1… then c1…) and a step --------------------------------
    pick: tuple[int, int] | None = None   # (row, t) the learner chose in the timeline; None: follow t

    def picked_row(self, tr) -> tuple[int, int]:
        """(row, t): the learner's choice, else the first unit at the step in hand (the last at rest)."""
        T = tr["x"].shape[0]
        if self.pick is not None:
            return self.pick[0], min(self.pick[1], T - 1)
        t = tr.get("t")
        return 0, (t if t is not None else tr["known"] - 1)

    def picked(self, tr) -> tuple[int, int]:
        """(unit, t) of the selection: the cell diagram's unit and step."""
        row, t = self.picked_row(tr)
        return row % tr["h"].shape[1], t

    def beside(self) -> ComposeResult:
        """What a cell adds at the top of the right column (the LSTM: its cell diagram)."""
        yield from ()

    # --- the weight heatmap ----------------------------------------------------------------------
    def matrices(self, frame, ui) -> list[Matrix]:
        return weights.matrices(frame, self.gates)

    # --- words ---------------------------------------------------------------------------------
    def sample(self, model, last):
        if last is None or last.level >= Level.BATCH or last.phase not in ("forward", "loss", "backward"):
            return None
        return model.seq.get("s") if model.seq else None

    def cursor(self, model, last) -> str:
        rows = len(model.batch_rows()) if model.batch_index < model.n_batches() else model.batch_size
        busy = self.in_sample(last)
        text = f"batch {min(model.batch_index + 1, model.n_batches())}/{model.n_batches()} seq {model.sample + busy}/{rows}"
        if busy and model.seq:
            text += f" t={model.seq['t']}"
        return text

    # --- what the frame carries ------------------------------------------------------------------
    def extras(self, model) -> dict:
        """The model's pictures (inspect) and how to lay them out."""
        out = super().extras(model)
        seen = self.session.sim.inspect()
        task = model.task
        layer = " (first layer)" if model.dh_norms.shape[0] > 1 else ""   # (layers, T)
        if seen["phase"] == "backward":
            words = f"sequence #{seen['sequence']}, back to t={seen['t']}{layer}"   # the data's row, as the status line
        else:
            words = f"of the last batch{layer}"
        out["trace"] = {**seen, "vocabulary": task.vocabulary, "per_step": task.per_step,
                        "classes": model.has_classes, "dh_words": words,
                        "partial": partial_step(self.session.sim.last, model.dh_norms.shape[0])}
        if "answers" in seen:
            X = task.X_test if len(task.X_test) else task.X
            out["answer_inputs"] = X[:len(seen["answers"])]
        return out
