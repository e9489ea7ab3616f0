"""The RBM's view: the heatmaps of W and of the batch's positive and negative statistics and the ΔW
they make (tabs, the one the phase in hand is about shown), the pictures (the sample's chain, the
model's dreams, pattern completion, the receptive fields) and the curves. Every number is the model's
(RBM.inspect): this file only lays them out (widgets/rbm/)."""
import re

import numpy as np
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from dlsim.protocol.events import Level
from dlsim.tui.views.base import NetworkView
from dlsim.tui.views.panels import curves, titled, weight_heatmap
from dlsim.tui.widgets.network.weights import Matrix
from dlsim.tui.widgets.rbm.pictures import Pictures

ELEMENT = re.compile(r"rbm\.(W|b)\[(\d+)(?:,(\d+))?\]")
TABS = ("W", "positive", "negative", "ΔW")
PHASE_TAB = {"positive": 1, "negative": 2, "update": 3}


class RBMView(NetworkView):
    name = "rbm"
    curves_title = ("reconstruction · F gap · −log p · ── train ┄┄ test", "curves · ── train ┄┄ test",
                    "── train ┄┄ test")
    level_help = {Level.OP: "one unit's probability or draw, one statistic, one weight's update",
                  Level.LAYER: "a layer's probabilities or draws, a phase's statistics"}
    phases = ("positive (p(h|v₀), h₀ drawn, v₀h₀ᵀ) → reconstruction → negative (v₁ … v_k drawn, v_kh_kᵀ) "
              "→ update")
    matrix_word = "tab"
    without_gradient = ("CD: ΔW = lr·(positive − negative)/batch, no gradient of a loss",
                        "CD: ΔW = lr·(positive − negative)/batch")   # (at 80×24 the weights are 40 wide)

    def compose(self) -> ComposeResult:
        with Horizontal(id="sim-body", classes=self.name):
            with Vertical(id="left", classes="weights-only"):   # kept beside a lesson (dlsim.tcss)
                yield weight_heatmap(self, "W · positive · negative · ΔW")
            with Vertical(id="right"):
                yield titled(Pictures(self, id="graph"), "chain · dreams · completion · fields")
                yield curves(self)

    turn_to: str | None = None   # the pictures' part a lesson step speaks of (their page turns to it once)

    def highlight(self, name, index) -> None:
        """completion_error: the pictures turn to the completion and its error (at 80×24 a page of
        its own, behind the chain and the dreams)."""
        if name == "completion_error":
            self.turn_to = "completion"

    def highlight_place(self, name: str) -> str | None:
        return "pictures" if name == "completion_error" else None

    def sample(self, model, last):
        return model.sample_in_hand(last)

    def cursor(self, model, last) -> str:
        rows = len(model.batch_rows()) if model.batch_index < model.n_batches() else model.batch_size
        inside = last is not None and last.closes < Level.SAMPLE and last.phase in ("positive", "negative", "loss")
        return (f"CD-{model.k} · batch {min(model.batch_index + 1, model.n_batches())}/{model.n_batches()} · "
                f"sample {min(model.sample + inside, rows)}/{rows}")

    def extras(self, model) -> dict:
        sim = self.session.sim
        shown = model.inspect(sim.last, sim.trace.events)
        return {**super().extras(model), "shown": shown, "side": model.side, "k": model.k,
                "gibbs": int(model.config["gibbs"])}

    # --- the heatmaps ---------------------------------------------------------------------------------
    def shown_layer(self, frame, ui, count: int) -> int:
        """The learner's tab, else the one the phase in hand is about."""
        if ui.selected is not None and ui.layer is not None:
            return min(ui.layer, count - 1)
        last = frame.last
        return PHASE_TAB.get(last.phase, 0) if last is not None else 0

    def matrices(self, frame, ui) -> list[Matrix]:
        shown = frame.extras.get("shown", {})
        W, b = np.asarray(frame.params["W"]), np.asarray(frame.params["b"])
        match = ELEMENT.search(frame.last.path if frame.last else "")
        hot = set()
        if match and match.group(1) == "W":
            hot = {(int(match.group(2)), int(match.group(3)))}
        elif match:
            hot = {(W.shape[0], int(match.group(2)))}

        def element(row: int, col: int):
            return ("b", (col,)) if row == W.shape[0] else ("W", (row, col))
        n = shown.get("counted", 0)
        out = [Matrix("and b", W, b, element, "W", hot, "v", "h")]
        for kind, key in (("⟨v₀h₀⟩", "positive"), ("⟨vₖhₖ⟩", "negative"), ("ΔW", "delta_w")):
            values = shown.get(key, np.zeros_like(W))
            out.append(Matrix(f"{key} over {n}", values, None, element, kind, hot, "v", "h"))
        return out
