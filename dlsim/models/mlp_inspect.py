"""What the MLP's pictures show, computed by the model through its kernels: the decision surface and
a map per neuron over the input plane (one forward pass over a grid of points, as TensorFlow
Playground's page asks its network), and the sample in hand as its events computed it.

The app's view lays these out; lessons quote them by the names in `INSPECTED`, and headless traces
carry them (`--trace-inspect`). A mixin of the MLP class: it uses the model's sizes, activations,
parameters and cursor.
"""
import numpy as np

from dlsim.kernels import activations as act
from dlsim.models.base import TIE
from dlsim.models.per_weights import kept
from dlsim.protocol.events import Level
from dlsim.protocol.plane import box, grid

# each activation's neutral output, and how far from it a map counts as full; an unbounded one
# (relu, linear) is full at the layer's largest output over the plane
NEUTRAL = {"tanh": (0.0, 1.0), "sigmoid": (0.5, 0.5), "softmax": (0.5, 0.5), "step": (0.5, 0.5)}
SUMMARY_GRID = 24   # inspect()'s plane: 24 × 24 points, enough for a share to two digits, cheap per event

INSPECTED = {
    "sample": "the training sample (row of the data) whose forward, loss or backward pass is in hand",
    "x": "that sample's inputs",
    "sums": "z[l, j]: neuron j of layer l's weighted sum for the sample in hand, as its forward pass "
            "computed it so far (NaN: not computed yet, or past the layer's width)",
    "activations": "a[l, j]: neuron j of layer l's output for the sample in hand, as its forward pass "
                   "computed it so far (NaN: not computed yet, or past the layer's width)",
    "slopes": "f'(z)[l, j]: the slope of neuron j of layer l's activation at its weighted sum for the "
              "sample in hand (σ: a(1 − a), tanh: 1 − a²), even where cross-entropy cancels it from δ "
              "(NaN: not computed yet, or a softmax layer, whose outputs each depend on every z)",
    "deltas": "δ[l, j] = ∂L/∂z of neuron j of layer l for the sample in hand, as its backward pass "
              "computed it so far (NaN: not yet)",
    "sample_probabilities": "the probability of each class the network gave the sample in hand "
                            "(one sigmoid output ŷ: 1 − ŷ, ŷ)",
    "surface_class1": "the share of the data's plane where P(class 1) > 0.5: the decision plot's class-1 "
                      f"side ({SUMMARY_GRID}×{SUMMARY_GRID} points)",
    "neuron_on": "on[l, j]: the share of the data's plane where hidden neuron j of layer l is above its "
                 "neutral output (0 for tanh and relu, 0.5 for σ): its map's positive side "
                 "(NaN past a layer's width)",
}


def _padded(rows: list[np.ndarray]) -> np.ndarray:
    """Rows of different lengths as one (len(rows), longest) array, NaN after each row's end."""
    out = np.full((len(rows), max((len(r) for r in rows), default=0)), np.nan)
    for l, row in enumerate(rows):
        out[l, :len(row)] = row
    return out


def _copied(values: dict) -> dict:
    """A copy whose arrays a caller may change without changing the cache."""
    return {k: v.copy() if isinstance(v, np.ndarray) else v for k, v in values.items()}


class MLPInspect:
    inspected = INSPECTED

    # --- over the plane -------------------------------------------------------------------------
    def over_plane(self, points: np.ndarray, shape: tuple[int, int], kernels=None) -> dict:
        """One forward pass over a grid of points (rows·cols, 2) gives every unit's output there:
        {"surface": P(class 1) (rows, cols), "units": per layer (neurons, rows, cols),
        "unit_scales": per layer (its activation's neutral output, the distance from it that is full)}.
        `kernels`: the model's own, or the NumPy references while the app compiles them (kernels_now)."""
        points = self.check_inputs(points, "the plane's points")
        A = self._forward(points, self.kernels_now() if kernels is None else kernels)[1]   # (P, units)
        sizes = [int(n) for n in self.sizes]
        units, scales, start = [], [], sizes[0]
        for l, n in enumerate(sizes[1:]):
            maps = A[:, start:start + n].T.reshape(n, *shape)   # (neurons, rows, cols)
            start += n
            centre, full = NEUTRAL.get(act.NAMES[int(self.acts[l])], (0.0, None))
            if full is None:   # unbounded (relu, linear): the layer's largest output is full
                finite = np.abs(maps[np.isfinite(maps)])
                full = float(finite.max()) if finite.size else 0.0
            units.append(maps)
            scales.append((centre, full or 1.0))
        out = units[-1]
        return {"surface": out[1] if out.shape[0] > 1 else out[0], "units": units, "unit_scales": scales}

    def plane(self) -> tuple[float, float, float, float]:
        """The data's plane: the box of the training and test points with a margin (as the app plots it)."""
        d = self.data
        return box(np.concatenate([d.X, d.X_test]) if len(d.X_test) else d.X)

    def _plane_summary(self) -> dict:
        """surface_class1 and neuron_on over the SUMMARY_GRID, computed again only when a weight changed."""
        kernels = self.kernels_now()
        return _copied(kept(self, "_summary_kept", kernels.name, lambda: self._summary(kernels)))

    def _summary(self, kernels) -> dict:
        n = SUMMARY_GRID
        found = self.over_plane(grid(self.plane(), n, n), (n, n), kernels)
        on = [(maps.reshape(len(maps), -1) > centre).mean(axis=1)
              for maps, (centre, _) in zip(found["units"][:-1], found["unit_scales"][:-1])]
        summary = {"surface_class1": float(np.mean(found["surface"] > 0.5 + TIE))}
        if on:
            summary["neuron_on"] = _padded(on)
        return summary

    # --- the sample in hand ---------------------------------------------------------------------
    def sample_in_hand(self, last, trace=None) -> int | None:
        """The sample (row of data.X) whose forward, loss or backward pass `last` belongs to. The
        cursor says which; `trace` is taken only to be asked as the perceptron is, which needs it."""
        if last is None or last.level >= Level.BATCH or last.phase not in ("forward", "loss", "backward"):
            return None
        rows = self.batch_rows()
        k = self.sample if last.closes < Level.SAMPLE else self.sample - 1   # the cursor moved on
        return int(rows[k]) if 0 <= k < len(rows) else None

    def _traced(self, trace, op: str) -> list[np.ndarray]:
        """Per layer, each neuron's value in the trace's latest `op` event (weighted_sum: its z,
        activation: its a, delta: its δ), NaN where there is none yet."""
        key = {"weighted_sum": "z", "activation": "a", "delta": "delta"}[op]
        layers = []
        for l, n in enumerate(int(n) for n in self.sizes[1:]):
            row = np.full(n, np.nan)
            soft = trace.get(("softmax", f"mlp.layer[{l}]")) if op == "activation" else None
            if soft is not None:
                row[:] = soft.values["a"]
            for j in range(n):
                event = trace.get((op, f"mlp.layer[{l}].neuron[{j}]"))
                if event is not None:
                    row[j] = event.values[key]
            layers.append(row)
        return layers

    def _slopes(self, sums: list[np.ndarray], activations: list[np.ndarray]) -> list[np.ndarray]:
        """Per layer, f'(z) of each neuron whose z and a are computed, by the kernel the backward pass
        uses; NaN elsewhere and for a softmax layer (its Jacobian is not one slope per neuron)."""
        layers = []
        for kind, z, a in zip(self.acts, sums, activations):
            row = np.full(len(z), np.nan)
            if kind != act.SOFTMAX:
                for j in range(len(z)):
                    if np.isfinite(z[j]) and np.isfinite(a[j]):
                        row[j] = self.act.derivative(z[j], a[j], kind)
            layers.append(row)
        return layers

    # --- what the pictures show, by name --------------------------------------------------------
    def inspect(self, last=None, trace=None):
        out = {}
        if self.sizes[0] == 2:
            out.update(self._plane_summary())
        s = self.sample_in_hand(last, trace)
        if s is None or not trace:
            return out
        out["sample"], out["x"] = s, self.X[s].copy()
        sums = self._traced(trace, "weighted_sum")
        out["sums"] = _padded(sums)
        activations = self._traced(trace, "activation")
        out["activations"] = _padded(activations)
        out["slopes"] = _padded(self._slopes(sums, activations))
        deltas = self._traced(trace, "delta")
        if any(np.isfinite(d).any() for d in deltas):
            out["deltas"] = _padded(deltas)
        y_hat = activations[-1]
        if np.isfinite(y_hat).all():   # the output layer is computed
            out["sample_probabilities"] = np.array([1.0 - y_hat[0], y_hat[0]]) if len(y_hat) == 1 else y_hat
        return out

    def exercise(self):
        """Compile what the pictures and inspect() call beyond training: a forward pass over points,
        the probabilities, the plane's summary."""
        super().exercise()
        points = grid(self.plane(), 3, 2)
        self.over_plane(points, (2, 3), kernels=self.kernels)
        self.probabilities(points)
        self.inspect()
