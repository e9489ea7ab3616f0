"""What a network shows on the simulation screen. The shell around it (status line, math panel,
stepping keys, run loop) is shared; each network brings its own view.

A view composes its panels and answers the questions they ask of a Frame: the graph of neurons,
the weight matrices, the layer to show, the chart series, and the extras (decision surface, data,
cursor text) computed with each frame on whichever thread owns the model at that moment.
"""
import re

import numpy as np
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from dlsim.protocol.events import Level
from dlsim.tui.widgets.curves import Chart, Curves
from dlsim.tui.widgets.data.decision import DecisionPlot, extent, grid
from dlsim.tui.widgets.network.graph import Graph, NetworkGraph
from dlsim.tui.widgets.network.neuron_maps import NeuronMaps
from dlsim.tui.widgets.network.weights import Matrix, WeightsPanel

LAYER = re.compile(r"layer\[(\d+)\]")
NEURON = re.compile(r"neuron\[(\d+)\]")
ELEMENT = re.compile(r"\.(W|b|w)\[([\d,]*)\]$")


def layer_of(path: str | None) -> int | None:
    match = LAYER.search(path or "")
    return int(match.group(1)) if match else None


def neuron_of(path: str | None) -> int | None:
    match = NEURON.search(path or "")
    return int(match.group(1)) if match else None


def element_of(path: str | None) -> tuple[str, tuple[int, ...]] | None:
    """("W", (i, j)) for "mlp.layer[0].W[1,3]"; ("b", (2,)) for "mlp.layer[0].b[2]"."""
    match = ELEMENT.search(path or "")
    if not match:
        return None
    return match.group(1), tuple(int(p) for p in match.group(2).split(",") if p)


class NetworkView:
    name = ""
    charts: tuple[Chart, ...] = ()
    neuron_maps = False            # a map per neuron of the selected layer beside the data

    def __init__(self, session):
        self.session = session
        self.surface_size = (40, 12)   # the decision plot's cells; set by the plot when it resizes
        self._grid_cache = None        # (model, extent, size, parameters, result) of the last grid
        self._extent = (None, None)    # (data, extent)

    def compose(self) -> ComposeResult:
        with Horizontal(id="sim-body", classes=self.name):
            with Vertical(id="left"):
                graph = NetworkGraph(self, id="graph")
                graph.border_title = "network"
                yield graph
                weights = WeightsPanel(self, id="weights")
                weights.border_title = "weights"
                yield weights
            with Vertical(id="right"):
                with Horizontal(id="plots"):
                    plot = DecisionPlot(self, id="decision")
                    plot.border_title = "data · o class 0, x 1"
                    yield plot
                    if self.neuron_maps:
                        yield NeuronMaps(self, id="neurons")
                curves = Curves(self, self.charts, id="curves")
                curves.border_title = "curves · ── train ┄┄ test"
                yield curves

    # --- computed with the frame --------------------------------------------------------------
    def extras(self, model) -> dict:
        data = model.data
        if self._extent[0] is not data:
            self._extent = (data, extent(np.concatenate([data.X, data.X_test]) if len(data.X_test) else data.X))
        ext = self._extent[1]
        last = self.session.sim.last
        return {"X": data.X, "y": data.y, "extent": ext, **self._over_grid(model, ext),
                "sample": self.sample(model, last), "cursor": self.cursor(model, last)}

    def _over_grid(self, model, ext) -> dict:
        """The model over a grid of two pixels per cell of the decision plot, computed again only
        when the model, its parameters, the data or the plot's size changed."""
        width, height = self.surface_size
        if width <= 0 or height <= 0:
            return {"surface": None}
        params = np.concatenate([np.ravel(v) for v in model.params.values()])
        cached = self._grid_cache
        if (cached is not None and cached[0] is model and cached[1] == ext and cached[2] == (width, height)
                and np.array_equal(cached[3], params)):
            return cached[4]
        result = self.over_grid(model, grid(ext, width, 2 * height), (2 * height, width))
        self._grid_cache = (model, ext, (width, height), params, result)
        return result

    def over_grid(self, model, points: np.ndarray, shape: tuple[int, int]) -> dict:
        """{"surface": class-1 score per pixel, shape (rows, cols)}; a view may add per-neuron maps."""
        return {"surface": self.scores(model, points).reshape(shape)}

    def scores(self, model, X: np.ndarray) -> np.ndarray:
        return model.scores(X)

    def sample(self, model, last) -> int | None:
        """The training sample (row of data.X) the last event is about, if it is about one."""
        return None

    def cursor(self, model, last) -> str:
        """Where in the epoch the model is, for the status line."""
        return ""

    @staticmethod
    def in_sample(last) -> bool:
        """True while a sample's forward, loss or backward pass is under way."""
        return last is not None and last.closes < Level.SAMPLE and last.phase in ("forward", "loss", "backward")

    # --- questions the panels ask -------------------------------------------------------------
    def graph(self, frame, ui) -> Graph:
        raise NotImplementedError

    def matrices(self, frame, ui) -> list[Matrix]:
        raise NotImplementedError

    def shown_layer(self, frame, ui, count: int) -> int:
        """The learner's chosen layer, else the one the current event is in."""
        if ui.selected is not None and ui.layer is not None:
            return min(ui.layer, count - 1)
        layer = layer_of(frame.last.path if frame.last else None)
        return min(layer, count - 1) if layer is not None else 0


def latest(trace: dict, op: str):
    """The latest event of `op` in a trace, whatever its path."""
    for (kind, _), event in reversed(trace.items()):
        if kind == op:
            return event
    return None
