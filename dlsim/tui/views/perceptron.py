"""The perceptron's view: inputs (and the constant 1 of the bias) → their weights → z → ŷ, the
weights' heatmap, and the line w·x + b = 0 over the data."""
import numpy as np

from dlsim.protocol.events import Level
from dlsim.tui.views.base import LayeredView, latest
from dlsim.tui.widgets.network.graph import Column, Graph, Node
from dlsim.tui.widgets.network.weights import Matrix


class PerceptronView(LayeredView):
    name = "perceptron"
    level_help = {Level.OP: "one weighted sum, one threshold, one weight's update"}
    phases = "forward → loss (the error) → update"
    without_gradient = "∂L/∂w: none (learns from the error)"
    chart_order = ("errors per epoch", "accuracy")
    matrix_word = ""   # one neuron's weights: no layers to page through, no tabs
    help_readings = {
        "surface": "two pixels a cell: blue where the neuron fires (ŷ = 1), orange where it does not; a "
                   "threshold has no shades and no ties. ─ ╱ ╲ the line w·x + b = 0, dotted · where it was "
                   "before the update; without colour █ ▀ ▄ mark ŷ = 1",
        "neurons": "x the sample's inputs and the constant 1 (its weight is b), then each one's weight w and "
                   "b, z = w·x + b, ŷ = step(z); the one in hand highlighted, a weight while the rule updates "
                   "it (no backward pass: the rule learns from the error)",
        "heatmap": "row i = input i (w[i]), b the last row; one column: the neuron; +7 / −3: the sign, "
                   "and the size 1–9 relative to the largest (· ≈ 0)",
    }

    def extras(self, model) -> dict:
        # the line now and, drawn dotted once the rule has moved it, where it was when the sample came in
        seen = model.inspect(self.session.sim.last, self.session.sim.trace.events)
        return {**super().extras(model), "line": seen.get("line"),
                "line_before": seen["line_before"] if seen.get("line_moved") else None}

    def sample(self, model, last):
        return model.sample_in_hand(last, self.session.sim.trace.events)

    def cursor(self, model, last) -> str:
        # every event before the one that closes a sample (its updates too) is inside that sample
        inside = last is not None and last.closes < Level.SAMPLE
        return f"sample {model.index + inside}/{model.X.shape[0]}"

    def graph(self, frame, ui) -> Graph:
        """x → w → z → ŷ: each input, the weight it is multiplied by (the bias that of the constant
        1), their sum and its threshold. The weights are a column of their own, in numbers, so that
        the w and b a lesson quotes after an epoch (when no sample is in hand) are on the screen."""
        trace, last = frame.trace, frame.last
        ws, th = latest(trace, "weighted_sum"), latest(trace, "threshold")
        w = frame.params["w"]
        weights = np.concatenate([w, frame.params["b"]])
        inputs = list(ws.values["inputs"]) if ws else [None] * len(w)
        op = last.op if last else ""
        path = last.path if last else ""
        k = (len(w) if path.endswith(".b") else int(path.rsplit("[", 1)[1].rstrip("]"))) if op == "update" else None
        x_nodes = [Node(v) for v in inputs] + [Node(1.0, text="1 (b)")]
        w_nodes = [Node(float(v), active=i == k) for i, v in enumerate(weights)]
        z = Node(ws.values["z"] if ws else None, "z", active=op == "weighted_sum")
        y_hat = Node(th.values["output"] if th else None, "ŷ", active=op in ("threshold", "error"))
        return Graph([Column("x", x_nodes), Column("w, b", w_nodes), Column("z=w·x+b", [z]),
                      Column("ŷ=step", [y_hat])],
                     [np.diag(weights), weights[:, None], None], (1, k, 0) if k is not None else None, "")

    def matrices(self, frame, ui) -> list[Matrix]:
        w, b = frame.params["w"], frame.params["b"]
        last = frame.last
        cells = set()
        if last is not None and last.op == "update":
            cells = {(len(w), 0)} if last.path.endswith(".b") else {(int(last.path.rsplit("[", 1)[1].rstrip("]")), 0)}
        elif last is not None and last.op == "weighted_sum":
            cells = {(r, 0) for r in range(len(w) + 1)}

        def element(row: int, col: int):
            return ("w", (row,)) if row < len(w) else ("b", (0,))
        # one column: the neuron; a row per input, like an MLP layer's W
        return [Matrix(f"{len(w)}→1", np.asarray(w)[:, None], np.asarray(b), element, "w", cells, "x", "z")]
