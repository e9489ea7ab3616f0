"""The MLP's view: layers of neurons (activation forward, δ backward), a heatmap per layer, the
decision surface and loss / accuracy curves."""
import numpy as np

from dlsim.tui.views.base import LayeredView, element_of, latest, layer_of, neuron_of
from dlsim.tui.widgets.network.graph import Column, Graph, Node
from dlsim.tui.widgets.network.weights import Matrix

SHORT = {"sigmoid": "σ", "softmax": "softmax", "tanh": "tanh", "relu": "relu", "linear": "lin",
         "step": "step"}
MAX_NODES = 64


class MLPView(LayeredView):
    name = "mlp"
    neuron_maps = True

    maps_of: tuple[int, int] | None = None   # neuron_on[l, j] a lesson step highlights: layer l's maps

    def highlight(self, name, index) -> None:
        """neuron_on[l, j] (the share of the plane where hidden neuron j of layer l is positive): layer
        l's neuron maps, in the data plot's place beside the narration; a step without one gives the
        maps back to the layer being computed."""
        shown = name == "neuron_on" and index is not None and len(index) == 2
        self.maps_of = (int(index[0]), int(index[1])) if shown else None

    def highlight_place(self, name: str) -> str | None:
        return "neuron maps" if name == "neuron_on" else None

    def highlight_panel(self, name: str) -> str | None:
        return "neurons" if name == "neuron_on" else None

    def shown_layer(self, frame, ui, count: int) -> int:
        if self.maps_of is not None and ui.selected is None:
            return min(self.maps_of[0], count - 1)
        return super().shown_layer(frame, ui, count)

    def extras(self, model) -> dict:
        """With a step on neuron_on, the model's shares (each map's positive side over its plane) and
        the neuron the step is about, for the maps to write and mark."""
        out = super().extras(model)
        if self.maps_of is not None:
            out["neuron_on"] = model.inspect().get("neuron_on")
            out["marked_neuron"] = self.maps_of
        return out

    def over_grid(self, model, points, shape):
        """The model's decision surface and every neuron's map over the plot's grid (mlp_inspect)."""
        return model.over_plane(points, shape)

    def sample(self, model, last):
        return model.sample_in_hand(last, self.session.sim.trace.events)

    def cursor(self, model, last) -> str:
        rows = len(model.batch_rows()) if model.batch_index < model.n_batches() else model.batch_size
        sample = f"sample {model.sample + self.in_sample(last)}/{rows}"
        if model.n_batches() == 1:
            return sample
        return f"batch {min(model.batch_index + 1, model.n_batches())}/{model.n_batches()} {sample}"

    def _layers(self, frame) -> int:
        return sum(1 for name in frame.params if name.endswith(".W"))

    def graph(self, frame, ui) -> Graph:
        trace, last = frame.trace, frame.last
        n_layers = self._layers(frame)
        sizes = [frame.params["layer[0].W"].shape[0]] + [frame.params[f"layer[{l}].W"].shape[1] for l in range(n_layers)]
        fn = frame.config.get("activation", "tanh")
        out_fn = "softmax" if frame.config.get("loss") == "softmax_ce" else "sigmoid"
        active_layer, active_neuron = layer_of(last.path if last else None), neuron_of(last.path if last else None)
        first = latest({k: v for k, v in trace.items() if k[1].startswith("mlp.layer[0].")}, "weighted_sum")
        inputs = first.values["inputs"] if first else [None] * sizes[0]
        columns = [Column("x", [Node(v) for v in inputs])]
        for l in range(n_layers):
            title = f"h{l + 1} {SHORT.get(fn, fn)}" if l < n_layers - 1 else f"out {SHORT[out_fn]}"
            soft = trace.get(("softmax", f"mlp.layer[{l}]"))
            nodes = []
            for j in range(min(sizes[l + 1], MAX_NODES)):
                path = f"mlp.layer[{l}].neuron[{j}]"
                delta, act, ws = trace.get(("delta", path)), trace.get(("activation", path)), trace.get(("weighted_sum", path))
                active = active_layer == l and (active_neuron == j or (last.op == "softmax" if last else False))
                if delta is not None:
                    nodes.append(Node(delta.values["delta"], "δ", active))
                elif act is not None or soft is not None:
                    nodes.append(Node(act.values["a"] if act else soft.values["a"][j], "", active))
                elif ws is not None:
                    nodes.append(Node(ws.values["z"], "z", active))
                else:
                    nodes.append(Node(None, "", active))
            if sizes[l + 1] > MAX_NODES:
                title += f" ({MAX_NODES}/{sizes[l + 1]})"
            columns.append(Column(title, nodes))
        links = [frame.params[f"layer[{l}].W"] for l in range(n_layers)]
        hot = element_of(last.path if last else None)
        active_link = (active_layer, hot[1][0], hot[1][1]) if hot and hot[0] == "W" and active_layer is not None else None
        note = "" if max(sizes) <= 8 else "layers over 8 neurons: weights in the heatmap"
        return Graph(columns, links, active_link, note)

    def matrices(self, frame, ui) -> list[Matrix]:
        backward = frame.phase == "backward" and frame.grads is not None
        source = frame.grads if backward else frame.params
        last = frame.last
        active_layer, hot = layer_of(last.path if last else None), element_of(last.path if last else None)
        n_layers = self._layers(frame)
        names = ["x"] + [f"h{l + 1}" for l in range(n_layers - 1)] + ["out"]
        out = []
        for l in range(n_layers):
            W, b = source[f"layer[{l}].W"], source[f"layer[{l}].b"]
            n_in, n_out = W.shape
            cells = set()
            if active_layer == l and last is not None:
                if hot and hot[0] == "W":
                    cells = {hot[1]}
                elif hot and hot[0] == "b":
                    cells = {(n_in, hot[1][0])}
                elif last.op == "weighted_sum" and neuron_of(last.path) is not None:
                    cells = {(r, neuron_of(last.path)) for r in range(n_in + 1)}
            out.append(Matrix(f"{n_in}→{n_out}", np.asarray(W), np.asarray(b), _element(l, n_in),
                              "∂L/∂W" if backward else "W", cells, names[l], names[l + 1]))
        return out


def _element(l: int, n_in: int):
    """Heatmap cell → parameter: row i < n_in is W[i, j] (input i into neuron j), row n_in is b[j]."""
    def element(row: int, col: int):
        return (f"layer[{l}].W", (row, col)) if row < n_in else (f"layer[{l}].b", (col,))
    return element
