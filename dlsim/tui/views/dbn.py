"""The deep belief network's view: while a layer pre-trains, the RBM's own screen for that layer (its
W, positive and negative statistics and ΔW as heatmaps, its chain, dreams and receptive fields where
its inputs are the images); while the stack fine-tunes, the weights backpropagation is changing, layer
by layer, and the classifier's curves. Every number is the model's (DBN.inspect); the stage and the
frozen layers are said in the cursor line."""
import re

import numpy as np

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from dlsim.models.dbn_formulas import METRICS
from dlsim.protocol.events import Level
from dlsim.tui.views.base import NetworkView
from dlsim.tui.views.rbm import RBMView
from dlsim.tui.views.panels import curves, titled
from dlsim.tui.widgets.curves import charts_for
from dlsim.tui.widgets.dbn.pictures import StackPictures
from dlsim.tui.widgets.dbn.weights import PRETRAINING, StackWeights
from dlsim.tui.widgets.network.weights import Matrix

ELEMENT = re.compile(r"(?:rbm\.(W|b)|mlp\.layer\[(\d+)\]\.(W|b))\[(\d+)(?:,(\d+))?\]")


class DBNView(RBMView):
    name = "dbn"
    curves_title = ("reconstruction · F gap · loss · accuracy · ── train ┄┄ test", "curves · ── train ┄┄ test",
                    "── train ┄┄ test")
    charts = tuple(charts_for(METRICS))
    level_help = {Level.OP: "one unit's probability or draw, one statistic; one neuron, one δ, one weight",
                  Level.LAYER: "a layer's probabilities or draws, a phase's statistics; a layer forward or back"}
    phases = ("pre-training, one layer at a time (the ones below frozen): positive → reconstruction → negative "
              "→ update; then fine-tuning: forward → loss → backward → update")
    without_gradient = ("pre-training: CD's ΔW = lr·(positive − negative)/batch; fine-tuning: backpropagation",
                        "pre-training: CD, fine-tuning: backprop")   # (at 80×24 the weights are 40 wide)

    def compose(self) -> ComposeResult:
        with Horizontal(id="sim-body", classes="rbm"):
            with Vertical(id="left", classes="weights-only"):   # kept beside a lesson (dlsim.tcss)
                yield titled(StackWeights(self, id="weights"), PRETRAINING)   # retitled while fine-tuning
            with Vertical(id="right"):
                yield titled(StackPictures(self, id="graph"), "chain · dreams · completion · fields")
                yield curves(self)

    @property
    def matrix_word(self) -> str:
        """The heatmap's tabs: a pre-training RBM's W and statistics, or the fine-tuned layers."""
        model = self.session.sim.model
        return "tab" if model.stage() < len(model.rbms) else "layer"

    def sample(self, model, last):
        return model.sample_in_hand(last)

    def cursor(self, model, last) -> str:
        stage = model.stage()
        part = model.current
        rows = len(part.batch_rows()) if part.batch_index < part.n_batches() else part.batch_size
        inside = last is not None and last.closes < Level.SAMPLE and last.level < Level.BATCH
        where = (f"batch {min(part.batch_index + 1, part.n_batches())}/{part.n_batches()} · "
                 f"sample {min(part.sample + inside, rows)}/{rows}")
        if stage < len(model.rbms):
            return f"layer {stage + 1}/{len(model.rbms)} CD-{part.k} · {where}"
        return f"fine-tuning {len(model.rbms)} layers + softmax · {where}"

    def extras(self, model) -> dict:
        sim = self.session.sim
        stage, part = model.stage(), model.current
        return {**NetworkView.extras(self, model), "shown": model.inspect(sim.last, sim.trace.events),
                "side": model.side if stage == 0 else 0, "k": int(model.config["k"]),
                "gibbs": int(part.config.get("gibbs", 0)), "pretraining": stage < len(model.rbms), "stage": stage,
                "layers": len(model.rbms)}

    def matrices(self, frame, ui) -> list[Matrix]:
        ex = frame.extras
        stage = ex.get("stage", 0)
        match = ELEMENT.search(frame.last.path if frame.last else "")
        if not ex.get("pretraining", True):
            return self._finetuned(frame, ex, match)
        W, b = np.asarray(frame.params[f"rbm[{stage}].W"]), np.asarray(frame.params[f"rbm[{stage}].b"])
        hot = set()
        if match and match.group(1) == "W":
            hot = {(int(match.group(4)), int(match.group(5)))}
        elif match and match.group(1):
            hot = {(W.shape[0], int(match.group(4)))}

        def element(row: int, col: int):
            return (f"rbm[{stage}].b", (col,)) if row == W.shape[0] else (f"rbm[{stage}].W", (row, col))
        below = "v" if stage == 0 else f"h{stage}"
        shown, n = ex.get("shown", {}), ex.get("shown", {}).get("counted", 0)
        out = [Matrix(f"layer {stage + 1} and b", W, b, element, "W", hot, below, f"h{stage + 1}")]
        for kind, key in (("⟨v₀h₀⟩", "positive"), ("⟨vₖhₖ⟩", "negative"), ("ΔW", "delta_w")):
            out.append(Matrix(f"{key} over {n}", shown.get(key, np.zeros_like(W)), None, element, kind, hot,
                              below, f"h{stage + 1}"))
        return out

    def _finetuned(self, frame, ex, match):
        out, layers = [], ex.get("layers", 1)
        for l in range(layers + 1):
            W, b = np.asarray(frame.params[f"finetune.layer[{l}].W"]), np.asarray(frame.params[f"finetune.layer[{l}].b"])
            hot = set()
            if match and match.group(2) is not None and int(match.group(2)) == l:
                row = int(match.group(4))
                hot = {(row, int(match.group(5)))} if match.group(3) == "W" else {(W.shape[0], row)}

            def element(row, col, l=l, W=W):
                return ((f"finetune.layer[{l}].b", (col,)) if row == W.shape[0]
                        else (f"finetune.layer[{l}].W", (row, col)))
            inputs = "v" if l == 0 else f"h{l}"
            out.append(Matrix(f"layer {l + 1}", W, b, element, "W", hot, inputs, "out" if l == layers else f"h{l + 1}"))
        return out

    def shown_layer(self, frame, ui, count: int) -> int:
        if frame.extras.get("pretraining", True):
            return super().shown_layer(frame, ui, count)
        if ui.selected is not None and ui.layer is not None:
            return min(ui.layer, count - 1)
        match = ELEMENT.search(frame.last.path if frame.last else "")
        return min(int(match.group(2)), count - 1) if match and match.group(2) is not None else 0
