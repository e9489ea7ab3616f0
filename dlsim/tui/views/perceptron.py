"""The perceptron's view: inputs (and the constant 1 of the bias) → z → ŷ, its weights, and its
line w·x + b = 0 over the data."""
import numpy as np

from dlsim.sim.events import Level
from dlsim.tui.views.base import NetworkView, latest
from dlsim.tui.widgets.curves import Chart
from dlsim.tui.widgets.network.graph import Column, Graph, Node
from dlsim.tui.widgets.network.weights import Matrix


class PerceptronView(NetworkView):
    name = "perceptron"
    charts = (Chart("errors per epoch", (("errors", "train"),)),
              Chart("accuracy", (("train_acc", "train"), ("test_acc", "test")), (0.0, 1.0)))

    def extras(self, model) -> dict:
        extras = super().extras(model)
        w, b = model.params["w"], model.params["b"]
        extras["line"] = (float(w[0]), float(w[1]), float(b[0])) if len(w) == 2 else None
        return extras

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
            cells = {(0, len(w))} if last.path.endswith(".b") else {(0, int(last.path.rsplit("[", 1)[1].rstrip("]")))}
        elif last is not None and last.op == "weighted_sum":
            cells = {(0, c) for c in range(len(w) + 1)}

        def element(row: int, col: int):
            return ("w", (col,)) if col < len(w) else ("b", (0,))
        return [Matrix(f"{len(w)}→1", np.asarray(w)[None, :], np.asarray(b), element, "w", cells)]
