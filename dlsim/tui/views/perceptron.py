"""The perceptron's view: inputs (and the constant 1 of the bias) → z → ŷ, its weights, and its
line w·x + b = 0 over the data."""
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

    def extras(self, model) -> dict:
        extras = super().extras(model)
        w, b = model.params["w"], model.params["b"]
        extras["line"] = (float(w[0]), float(w[1]), float(b[0])) if len(w) == 2 else None
        # where the line was when this sample came in: drawn dotted once the rule has moved it
        ws = self._sample_sum(model)
        if ws is not None and extras["line"] is not None:
            before = (float(ws.values["weights"][0]), float(ws.values["weights"][1]), float(ws.values["bias"]))
            extras["line_before"] = before if before != extras["line"] else None
        return extras

    def _sample_sum(self, model):
        """The weighted sum that opened the sample the last event belongs to, if it does."""
        last = self.session.sim.last
        if last is None or last.level > Level.SAMPLE:
            return None
        ws = self.session.trace.get("weighted_sum", "perceptron.neuron")
        if ws is None or last.values.get("sample", ws.values["sample"]) != ws.values["sample"]:
            return None   # a step that skipped the trace (a coarse one) ended on another sample
        return ws

    def sample(self, model, last):
        if last is not None and last.level <= Level.SAMPLE and "sample" in last.values:
            return int(last.values["sample"])
        ws = self._sample_sum(model)
        return int(ws.values["sample"]) if ws is not None else None

    def cursor(self, model, last) -> str:
        # every event before the one that closes a sample (its updates too) is inside that sample
        inside = last is not None and last.closes < Level.SAMPLE
        return f"sample {model.index + inside}/{model.X.shape[0]}"

    def graph(self, frame, ui) -> Graph:
        trace, last = frame.trace, frame.last
        ws, th = latest(trace, "weighted_sum"), latest(trace, "threshold")
        w = frame.params["w"]
        inputs = list(ws.values["inputs"]) if ws else [None] * len(w)
        op = last.op if last else ""
        path = last.path if last else ""
        x_nodes = [Node(v, active=path == f"perceptron.w[{i}]") for i, v in enumerate(inputs)]
        x_nodes.append(Node(1.0, active=path == "perceptron.b", text="1 (b)"))
        z = Node(ws.values["z"] if ws else None, "z", active=op == "weighted_sum")
        y_hat = Node(th.values["output"] if th else None, "ŷ", active=op in ("threshold", "error"))
        links = np.concatenate([w, frame.params["b"]])[:, None]   # (I + 1, 1)
        hot = None
        if op == "update":
            k = len(w) if path.endswith(".b") else int(path.rsplit("[", 1)[1].rstrip("]"))
            hot = (0, k, 0)
        return Graph([Column("x", x_nodes), Column("z=w·x+b", [z]), Column("ŷ=step(z)", [y_hat])],
                     [links, None], hot, "")

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
