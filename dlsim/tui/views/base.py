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

from dlsim.sim.events import Level
from dlsim.tui.widgets.curves import Chart, Curves
from dlsim.tui.widgets.data.decision import DecisionPlot, extent, grid
from dlsim.tui.widgets.network.graph import Graph, NetworkGraph
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

    def __init__(self, session):
        self.session = session
        self.surface_size = (40, 12)   # the decision plot's cells; set by the plot when it resizes

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
                plot = DecisionPlot(self, id="decision")
                plot.border_title = "data · o class 0 · x class 1"
                yield plot
                curves = Curves(self, self.charts, id="curves")
                curves.border_title = "curves · ── train ┄┄ test"
                yield curves

    # --- computed with the frame --------------------------------------------------------------
    def extras(self, model) -> dict:
        data = model.data
        ext = extent(np.concatenate([data.X, data.X_test]) if len(data.X_test) else data.X)
        width, height = self.surface_size
        surface = None
        if width > 0 and height > 0:
            surface = self.scores(model, grid(ext, width, height)).reshape(height, width)
        return {"X": data.X, "y": data.y, "extent": ext, "surface": surface,
                "cursor": self.cursor(model, self.session.sim.last)}

    def scores(self, model, X: np.ndarray) -> np.ndarray:
        return model.scores(X)

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
