"""What the RBF network's pictures show, computed by the model through the kernels that train it: the
centres and widths, the output weights, the stage of the epoch in hand, the sample in hand's φ and ŷ
(from the ops that ran), and for the pictures the scaled Gaussians w_j·φ_j(x) with their sum over a
line of x (the sine) or the network's output over a grid of points (the decision surface). The app's
view only lays these out; lessons quote them ({sigma[0]}, @expect phi[2] > 0.5) and headless traces
carry them.
"""
from typing import Any, Mapping

import numpy as np

from dlsim.kernels.rbf import KMEANS
from dlsim.models.rbf_formulas import ASSIGN_PHASE, STAGES
from dlsim.protocol.events import BACKWARD, FORWARD, LOSS, Event, Level

SAMPLE_PHASES = (ASSIGN_PHASE, FORWARD, LOSS, BACKWARD)   # the phases of an event inside one sample

INSPECTED = {
    "stage": "what the epoch in hand does: kmeans (assign, move), solve (least squares) or delta (gradient steps)",
    "centres": "(K, D) the centre c_j of each Gaussian unit, as it is now",
    "sigma": "(K,) each unit's width σ_j",
    "weights": "(K,) the output weight w_j of each unit",
    "bias": "the output's bias b",
    "counts": "(K,) how many samples each centre has won so far in the k-means pass in hand",
    "phi": "(K,) each unit's output φ_j = exp(−d²/2σ²) for the sample in hand, once computed",
    "yhat": "the network's output ŷ = b + Σ w_j φ_j for the sample in hand, once computed",
    "sample": "the sample in hand: its row in the training data",
}


class RBFInspect:
    inspected = INSPECTED

    def inspect(self, last: Event | None = None, trace: Mapping[tuple[str, str], Event] | None = None) -> dict[str, Any]:
        p = self.params
        shown: dict[str, Any] = {"stage": STAGES[self.stage], "centres": p["centres"].copy(),
                                 "sigma": p["sigma"].copy(), "weights": p["weights"].copy(),
                                 "bias": float(p["bias"][0])}
        if self.stage == KMEANS:   # k-means: the running counts of the pass
            shown["counts"] = self.counts.copy()
        trace = trace or {}
        phi = [trace.get(("gaussian", self._path(j))) for j in range(self.K)]
        if all(e is not None for e in phi):
            shown["phi"] = np.array([e.values["phi"] for e in phi])
        output = trace.get(("output", "rbf.output"))
        if output is not None:
            shown["yhat"] = float(output.values["yhat"])
        if last is not None and "sample" in last.values and isinstance(last.values["sample"], int):
            shown["sample"] = last.values["sample"]   # the event closing a sample names it
        elif last is not None and last.closes < Level.SAMPLE and last.phase in SAMPLE_PHASES:
            shown["sample"] = int(self.batch_rows()[self.sample])   # inside one: the cursor's
        return shown

    # --- the pictures (the view asks with its own points) ------------------------------------------
    def curve(self, xs) -> tuple[np.ndarray, np.ndarray]:
        """(w_j·φ_j(x) (N, K), ŷ (N,)) along the inputs xs (N, 1): each scaled Gaussian and their sum
        (plus b), as the kernels compute them."""
        X = self.check_inputs(np.asarray(xs, np.float64).reshape(-1, self.D), "xs")
        Phi, out = self._forward(X, self.kernels_now())
        return Phi * self.params["weights"][None, :], out

    def fit_line(self, xs) -> dict[str, Any]:
        """What the sine's picture draws along xs (N, 1): each scaled Gaussian w_j·φ_j(x) ("curve"),
        their sum ŷ ("curve_sum"), and the lowest and highest ŷ there ("yhat_range": the
        predictions' own range, which the plot's axis widens to take in the targets and the units)."""
        scaled, total = self.curve(xs)
        return {"curve": scaled, "curve_sum": total, "yhat_range": (float(total.min()), float(total.max()))}

    def surface(self, points) -> np.ndarray:
        """ŷ (N,) at each of the points (N, 2): the decision surface (class 1 above 0.5)."""
        X = self.check_inputs(points, "points")
        return self._forward(X, self.kernels_now())[1]

    def exercise(self) -> None:
        self.evaluate()
        low, high = self.X.min(axis=0), self.X.max(axis=0)
        points = np.linspace(low, high, 5)   # (5, D)
        self.surface(points) if self.D == 2 else self.curve(points)
