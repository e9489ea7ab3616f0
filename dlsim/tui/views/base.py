"""What a network shows on the simulation screen. The shell around it (status line, math panel,
stepping keys, run loop, help) is shared; each network brings its own view.

The minimal view (NetworkView) is the curves plus the words and numbers the shell asks for: what
its levels are called, the cursor text, the sample in hand. Every other panel is opt-in
(views/panels.py): a view composes the ones it needs and answers the questions they ask of a Frame
(the graph of neurons, the weight matrices, the decision surface…), computed with each frame on
whichever thread owns the model at that moment. The shell never assumes a panel is there.
"""
import re

import numpy as np
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from dlsim.models import MODELS
from dlsim.protocol.events import Level
from dlsim.tui.views.panels import curves, decision_surface, network_graph, neuron_maps, weight_heatmap
from dlsim.tui.widgets.curve_points import CURVE_POINTS, CurvePoints
from dlsim.tui.widgets.curves import Chart, charts_for
from dlsim.protocol.plane import box, grid
from dlsim.tui.widgets.network.graph import Graph
from dlsim.tui.widgets.network.weights import Matrix

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
    """The minimal view: the curves of its declared charts, and the answers the shared shell asks
    for (status line, math panel, help, stepping keys). Everything else is an opt-in panel that the
    view composes (views/panels.py) and whose questions only that panel asks."""
    name = ""
    # the curves: one chart per chart its model's metrics name (curves.charts_for), in the order
    # they first appear there, or as chart_order lists them
    charts: tuple[Chart, ...] = ()
    chart_order: tuple[str, ...] = ()

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        if not cls.charts and cls.name in MODELS:   # declared here or by a parent view: kept
            charts = charts_for(MODELS[cls.name].metrics)
            rank = {title: k for k, title in enumerate(cls.chart_order)}
            cls.charts = tuple(sorted(charts, key=lambda c: rank.get(c.title, len(rank))))
    curves_title = "curves · ── train ┄┄ test"
    # what the stepping levels are called for this network, where not their plain names (a SOM's
    # "layer" is a whole BMU search or update pass), and what one unit of each is
    level_words: dict[Level, str] = {}
    level_help: dict[Level, str] = {Level.OP: "one weighted sum, one gradient"}
    phases = "forward → loss → backward → update"
    # the heatmap's words, for a view that composes one: its tabs ("" for no tabs), and what the
    # inspector says of a weight when the network has no gradient (a phrase, or its forms longest
    # first: the inspector writes the first that fits its width)
    matrix_word = "layer"
    without_gradient: str | tuple[str, ...] = ""
    # the help's "Reading the screen", where a shared panel's own words do not fit this network (a
    # SOM's heatmap is a row per node, not W[i, j] with a bias): by the part's name, this network's
    # words instead, or None where the part is not on its screen
    help_readings: dict[str, str | None] = {}

    def __init__(self, session):
        self.session = session
        self.curve_points = CurvePoints()   # the curves panel's points, worked out with each frame

    def frame_extras(self, model) -> dict:
        """What a frame carries besides the session's state: the view's extras and the curves'
        points, computed on the thread that builds the frame (the run worker while it runs)."""
        return {**self.extras(model), CURVE_POINTS: self.curve_points.update(self.session.sim.history),
                "unmeasured": model.unmeasured(), "before_training": model.before_training()}

    def compose(self) -> ComposeResult:
        with Horizontal(id="sim-body", classes=self.name):
            with Vertical(id="right"):
                yield curves(self)

    # --- words the shell uses ---------------------------------------------------------------------
    def shown_charts(self) -> tuple[Chart, ...]:
        """The charts its curves panel draws (the help names their lines): for the task as it is now,
        so a regression (the RBF's sine, an RNN's adding) draws no empty accuracy chart, and a dataset
        switched to classes brings it back. The model says whether its task has classes."""
        if self.session.sim.model.has_classes:
            return self.charts
        return tuple(chart for chart in self.charts if not chart.classes)

    def level_word(self, level: Level) -> str:
        return self.level_words.get(level, level.name.lower())

    def speed_label(self, label: str) -> str:
        """A play speed in this network's words: "8 layers/s" is "8 passes/s" for the SOM."""
        for level in Level:
            if self.level_word(level) != level.name.lower():
                label = label.replace(_plural(level.name.lower()), _plural(self.level_word(level)))
        return label

    def levels_text(self) -> str:
        """"op (one weighted sum, one gradient) < layer < sample < batch < epoch"."""
        return " < ".join(self.level_word(level) + (f" ({self.level_help[level]})" if level in self.level_help else "")
                          for level in Level)

    # --- computed with the frame --------------------------------------------------------------
    def extras(self, model) -> dict:
        last = self.session.sim.last
        return {"sample": self.sample(model, last), "cursor": self.cursor(model, last)}

    def highlight(self, name: str | None, index: tuple | None) -> None:
        """A lesson step draws the learner's eye to a quantity the model inspects (name[index]; None:
        the step has none). A view that can centre a picture on it does (the transformer's attention
        weight); the rest show it in the step's text alone."""

    def highlight_place(self, name: str) -> str | None:
        """Where `highlight(name, …)` shows it, as a lesson's narration names the panel (None: nowhere)."""
        return None

    def highlight_panel(self, name: str) -> str | None:
        """The id of the panel that shows `name`, where the lesson's layout would hide it (the MLP's
        neuron maps, which only the data plot's place has room for beside the narration): the lesson
        screen then carries the class `-shows-ID`, which the view's stylesheet answers."""
        return None

    def sample(self, model, last) -> int | None:
        """The training sample (row of data.X) the last event is about, if it is about one."""
        return None

    def cursor(self, model, last) -> str:
        """Where in the epoch the model is, for the status line."""
        return ""

    # the phases of the events inside one sample: a network with a phase of its own there (the RBF's
    # k-means assign) adds it, or its cursor would count the sample in hand as not yet begun
    sample_phases: tuple[str, ...] = ("forward", "loss", "backward")

    @classmethod
    def in_sample(cls, last) -> bool:
        """True while a sample's forward, loss or backward pass (or its own phase) is under way."""
        return last is not None and last.closes < Level.SAMPLE and last.phase in cls.sample_phases

    # --- asked only by the opt-in panel that needs it ------------------------------------------
    def graph(self, frame, ui) -> Graph:
        """For a network graph (NetworkGraph)."""
        raise NotImplementedError

    def matrices(self, frame, ui) -> list[Matrix]:
        """For a weight heatmap (WeightsPanel)."""
        raise NotImplementedError

    def shown_layer(self, frame, ui, count: int) -> int:
        """For a weight heatmap: the learner's chosen matrix, else the one the current event is in."""
        if ui.selected is not None and ui.layer is not None:
            return min(ui.layer, count - 1)
        layer = layer_of(frame.last.path if frame.last else None)
        return min(layer, count - 1) if layer is not None else 0


class DecisionSurface:
    """Opt-in, for a classifier of 2-D points: the data and the model's class-1 score over the
    plane (DecisionPlot), computed with the frame. Mix in before NetworkView."""

    def __init__(self, session):
        super().__init__(session)
        self.surface_size = (40, 12)   # the decision plot's cells; set by the plot when it resizes
        self._grid_cache = None        # (model, kernels, extent, size, parameters, result) of the last grid
        self._extent = (None, None)    # (data, extent)

    def extras(self, model) -> dict:
        data = model.data
        if self._extent[0] is not data:
            self._extent = (data, box(np.concatenate([data.X, data.X_test]) if len(data.X_test) else data.X))
        ext = self._extent[1]
        return {**super().extras(model), "X": data.X, "y": data.y, "extent": ext, **self._over_grid(model, ext)}

    def _over_grid(self, model, ext) -> dict:
        """The model over a grid of two pixels per cell of the decision plot, computed again only
        when the model, its parameters, the data, the plot's size or the kernels it computes with
        (the NumPy references until the compiled ones are ready: Model.kernels_now) changed."""
        width, height = self.surface_size
        if width <= 0 or height <= 0:
            return {"surface": None}
        params = np.concatenate([np.ravel(v) for v in model.params.values()])
        kernels, cached = model.kernels_now(), self._grid_cache
        if (cached is not None and cached[0] is model and cached[1] is kernels and cached[2] == ext
                and cached[3] == (width, height) and np.array_equal(cached[4], params)):
            return cached[5]
        result = self.over_grid(model, grid(ext, width, 2 * height), (2 * height, width))
        self._grid_cache = (model, kernels, ext, (width, height), params, result)
        return result

    def over_grid(self, model, points: np.ndarray, shape: tuple[int, int]) -> dict:
        """{"surface": class-1 score per pixel, shape (rows, cols)}, asked of the model; a view whose
        model computes more over the plane (per-neuron maps) asks for that instead."""
        return {"surface": self.scores(model, points).reshape(shape)}

    def scores(self, model, X: np.ndarray) -> np.ndarray:
        return model.scores(X)


class LayeredView(DecisionSurface, NetworkView):
    """A network of layers over 2-D points (the perceptron, the MLP): its graph and weight heatmap
    on the left; the data with the decision surface (and, opted in, a map per neuron) and the
    curves on the right."""
    neuron_maps = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="sim-body", classes=self.name):
            with Vertical(id="left"):
                yield network_graph(self)
                yield weight_heatmap(self)
            with Vertical(id="right"):
                with Horizontal(id="plots"):
                    yield decision_surface(self)
                    if self.neuron_maps:
                        yield neuron_maps(self)
                yield curves(self)


def _plural(word: str) -> str:
    # batches, passes; but epochs (a hard ch): "10 epochs/s" must become the GAN's "10 iterations/s"
    return word + ("es" if word.endswith(("s", "sh", "tch")) else "s")


def latest(trace: dict, op: str):
    """The latest event of `op` in a trace, whatever its path."""
    for (kind, _), event in reversed(trace.items()):
        if kind == op:
            return event
    return None
