"""The RBF network's view: its units over the data (the scaled Gaussians and their sum over the
sine; the decision surface with the centres marked over 2-D points), a heatmap of each unit's
centre, width and output weight, and the loss (and accuracy) curves. Every number is the model's
(RBF.inspect, RBF.curve, RBF.surface): this file only lays them out (widgets/rbf/)."""
import re

import numpy as np
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from dlsim.models.rbf_inspect import SAMPLE_PHASES
from dlsim.protocol.events import Level
from dlsim.protocol.plane import box
from dlsim.tui.views.base import DecisionSurface, NetworkView
from dlsim.tui.views.panels import curves, titled, weight_heatmap
from dlsim.tui.widgets.network.weights import Matrix
from dlsim.tui.widgets.rbf.fit_plot import FitPlot

UNIT = re.compile(r"(?:unit|weights|centres|sigma)\[(\d+)")
CURVE_POINTS = 161   # x positions along the sine at which the units are drawn


class RBFView(DecisionSurface, NetworkView):
    name = "rbf"
    level_words = {Level.LAYER: "stage"}
    level_help = {Level.OP: "one distance, one Gaussian, one gradient, one k-means move",
                  Level.LAYER: "all the units' distances or Gaussians, the output, the loss, a pass"}
    phases = ("k-means (assign: each sample to its nearest centre → update: each centre moved to its samples' "
              "mean), or forward → loss → backward → update, or the normal equations → solve")
    sample_phases = SAMPLE_PHASES
    matrix_word = ""

    def compose(self) -> ComposeResult:
        with Horizontal(id="sim-body", classes=self.name):
            with Vertical(id="left"):
                yield weight_heatmap(self, "units · centre, σ, w")
            with Vertical(id="right"):
                yield titled(FitPlot(self, id="decision"), "units over the data · ◆ centres")
                yield curves(self)

    def cursor(self, model, last) -> str:
        if self.session.converged_here():
            # after the solve the next epoch is the same solve again: the same weights, nothing changes
            # (unless a weight, centre or σ was typed in since: then the next solve is one that counts)
            return "converged · → solves again: same w"
        stage = model.inspect()["stage"]
        rows = len(model.batch_rows()) if model.batch_index < model.n_batches() else model.batch_size
        sample = f"{stage} · sample {min(model.sample + self.in_sample(last), rows)}/{rows}"
        if model.n_batches() == 1:
            return sample
        return f"{stage} · batch {min(model.batch_index + 1, model.n_batches())}/{model.n_batches()} · sample " \
               f"{min(model.sample + self.in_sample(last), rows)}/{rows}"

    # --- computed with the frame (by the model) ------------------------------------------------------
    def extras(self, model) -> dict:
        sim = self.session.sim
        shown = model.inspect(sim.last, sim.trace.events)
        mine = {"centres": shown["centres"], "weights": shown["weights"], "sample": shown.get("sample"),
                "cursor": self.cursor(model, sim.last)}
        if not model.regression:
            return {**super().extras(model), **mine}
        X = model.X
        low, high = float(X.min()), float(X.max())
        xs = np.linspace(low, high, CURVE_POINTS)
        return {**mine, "X": X, "T": model.T, "curve_x": xs, **model.fit_line(xs),
                "extent": box(np.column_stack([X[:, 0], model.T]))}

    def sample(self, model, last):
        return model.inspect(last, self.session.sim.trace.events).get("sample")

    # --- the heatmap ---------------------------------------------------------------------------------
    def matrices(self, frame, ui) -> list[Matrix]:
        backward = frame.phase == "backward" and frame.grads is not None
        source = frame.grads if backward else frame.params
        C, sigma, w = (np.asarray(source[k]) for k in ("centres", "sigma", "weights"))
        K, D = C.shape
        table = np.column_stack([C, sigma, w])   # (K, D + 2): a row per unit
        last = frame.last
        match = UNIT.search(last.path if last else "")
        hot = {(int(match.group(1)), k) for k in range(D + 2)} if match else set()

        def element(row: int, col: int):
            if col < D:
                return "centres", (row, col)
            return ("sigma", (row,)) if col == D else ("weights", (row,))
        columns = centre_columns(D) + ("σ", "w")
        heads = "c" if D == 1 else "c₁…" if D > 2 else "c₁ c₂"
        # rows: the units; columns: each unit's parameters θ, named over them (c σ w)
        return [Matrix(f"{K} units · {heads} σ w", table, None, element, "∂L/∂θ" if backward else "θ", hot,
                       "unit", "θ", columns=columns)]


def centre_columns(D: int) -> tuple[str, ...]:
    """The names over a centre's coordinates in the heatmap, two characters each: c (one input),
    c₁ c₂ … (up to nine), else the coordinate's number."""
    if D == 1:
        return ("c",)
    return tuple(f"c{chr(0x2080 + k + 1)}" if D <= 9 else str(k) for k in range(D))
