"""The RNN's and the LSTM's view: the network unrolled in time (x_t, h_t, c_t, ŷ_t, y_t, a column per
step), under it the LSTM's gates and ‖δh_t‖ per step on a log scale, beside them the task's own
picture and the loss, accuracy and gradient-norm curves.

While a sequence is being stepped, everything shows that sequence as the model computed it (its
record, model.seq): the steps not reached yet are blank, and in the backward pass the bars fill
from the last step back. Otherwise the view runs sequence s of the training set (the one last
stepped) through the NumPy reference with the current weights, so the picture follows training.
"""
import numpy as np
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from dlsim.kernels import lstm_reference, rnn_reference
from dlsim.kernels import recurrent as rc
from dlsim.protocol.events import Level
from dlsim.protocol.sequences import decode
from dlsim.tui.views.base import NetworkView
from dlsim.tui.views.panels import titled
from dlsim.tui.widgets.curves import Chart, Curves
from dlsim.tui.widgets.timeline.steps import StepsPanel
from dlsim.tui.widgets.timeline.task import TaskPanel, answer_rows
from dlsim.tui.widgets.timeline.unrolled import Timeline

ANSWERS = 12        # sequences in the answers list
PROMPT, WRITTEN = 12, 40   # characters: the prompt's length, and how many the network writes after it


class RecurrentView(NetworkView):
    level_words = {Level.LAYER: "step", Level.SAMPLE: "sequence"}
    level_help = {Level.OP: "one unit's weighted sum or activation, one δ",
                  Level.LAYER: "one time step, forward or back",
                  Level.SAMPLE: "one sequence: forward through time, then back (BPTT)"}
    phases = "forward through time → loss → backward through time (BPTT) → clip → update"
    steps_title = "‖δh_t‖ per step, log scale"
    reference = rnn_reference

    def __init__(self, session):
        super().__init__(session)
        self._text_cache = (None, None)   # ((model, epoch), what _written returned for them)

    def task_charts(self) -> tuple[Chart, ...]:
        """The charts drawn (from the model's metrics): all, but no accuracy for a regression
        (sine, adding)."""
        task = self.session.model.task
        classes = task.loss == "softmax_ce" or task.Y.shape[2] > 1
        return self.charts if classes else tuple(c for c in self.charts if c.title != "accuracy")

    def compose(self) -> ComposeResult:
        with Horizontal(id="sim-body", classes=self.name):
            with Vertical(id="left"):
                yield titled(Timeline(self, id="graph"), "unrolled in time · ▼ step t")
                yield titled(StepsPanel(self, id="weights"), self.steps_title)
            with Vertical(id="right"):
                yield titled(TaskPanel(self, id="decision"), "the task")
                yield titled(Curves(self, self.task_charts(), id="curves"), self.curves_title)

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

    # --- computed with the frame -----------------------------------------------------------------
    def extras(self, model) -> dict:
        last = self.session.sim.last
        out = super().extras(model)
        stepping = bool(model.seq) and last is not None and last.level < Level.BATCH and last.closes < Level.BATCH
        trace = self._from_record(model) if stepping else self._from_reference(model)
        out["trace"] = trace
        task = model.task
        if task.vocabulary:
            out["generated"] = self._written(model)   # rewritten once an epoch: it takes ~50 forward passes
        elif not (task.loss == "mse" and task.per_step):
            X = task.X_test if len(task.X_test) else task.X
            Y = task.Y_test if len(task.X_test) else task.Y
            logits = self._outputs(model, X[:ANSWERS])
            out["answers"] = answer_rows(X, Y, logits, task.per_step, trace["classes"], ANSWERS)
        return out

    def exercise(self, model) -> None:
        self.extras(model)

    def _common(self, model, record: dict) -> dict:
        task = model.task
        return {"vocabulary": task.vocabulary, "per_step": task.per_step,
                "classes": task.loss == "softmax_ce" or task.Y.shape[2] > 1, **record}

    def _from_record(self, model) -> dict:
        seq = model.seq
        T = seq["x"].shape[0]
        backward = seq["phase"] == "backward"
        known = T if backward else seq["t"] + 1
        trace = {"s": seq["s"], "x": seq["x"], "y": seq["y"], "h": seq["h"], "logits": seq["logits"],
                 "t": seq["t"], "known": known, "phase": seq["phase"]}
        layer = " (first layer)" if model.cfg[rc.LAYERS] > 1 else ""
        if backward:
            trace["dh"], trace["dh_words"] = seq["dh_norm"][0], f"sequence {seq['s']}, back to t={seq['t']}{layer}"
        else:
            trace["dh"], trace["dh_words"] = model.dh_norms[0], f"of the last batch{layer}"
        trace.update(self.own_record(seq))
        return self._common(model, trace)

    def _from_reference(self, model) -> dict:
        s = model.seq.get("s", 0) if model.seq else 0
        x = model.X[s:s + 1]
        h, logits, own = self.run_reference(model, x)
        layer = " (first layer)" if model.cfg[rc.LAYERS] > 1 else ""
        trace = {"s": s, "x": model.X[s], "y": model.Y[s], "h": h, "logits": logits, "t": None,
                 "known": x.shape[1], "phase": "ready", "dh": model.dh_norms[0],
                 "dh_words": f"of the last batch{layer}"}
        trace.update(own)
        return self._common(model, trace)

    def run_reference(self, model, x):
        """(h (L, T+1, H), logits (T, O), the network's own arrays) of one sequence x (1, T, F)."""
        zs, hs, logits = rnn_reference.forward(model.theta, model.cfg, x)
        return np.stack([h[0] for h in hs]), logits[0], {}

    def own_record(self, seq) -> dict:
        return {}

    def _outputs(self, model, X) -> np.ndarray:
        return self.reference.outputs(model.theta, model.cfg, np.ascontiguousarray(X))

    def _written(self, model) -> tuple[str, str, int]:
        """A prompt from the text, then WRITTEN characters the network chooses one at a time (its most
        likely next character, fed back in as the next input); and the epoch whose weights wrote them."""
        key = (id(model), model.epoch)
        if self._text_cache[0] == key:
            return self._text_cache[1]
        vocab = model.task.vocabulary
        codes = list(model.X[0, :PROMPT].argmax(axis=1))   # (fewer when the sequences are shorter)
        start = len(codes)
        prompt = decode(codes, vocab)
        eye = np.eye(len(vocab))
        for _ in range(WRITTEN):
            logits = self._outputs(model, eye[codes][None])
            codes.append(int(np.argmax(logits[0, -1])))
        self._text_cache = (key, (prompt, decode(codes[start:], vocab), model.epoch))
        return self._text_cache[1]
