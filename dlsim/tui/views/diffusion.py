"""The diffusion model's view: the plane at the t the learner chooses (the data noised forward, the
generated points backward, −ε̂ as arrows, the point in hand), the schedule's ᾱ_t with the loss at
each t, the weights of the denoiser (an MLP's heatmap and cursor) and the curves (ε loss, the
distance to the data). Every number is the model's (Diffusion.inspect, .clouds, .chain, .fields):
this file only lays them out (widgets/diffusion/)."""
import numpy as np
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from dlsim.protocol.events import Level
from dlsim.protocol.plane import box
from dlsim.tui.views.base import NetworkView
from dlsim.tui.views.mlp import MLPView
from dlsim.tui.views.panels import curves, titled, weight_heatmap
from dlsim.tui.widgets.curves import Chart
from dlsim.tui.widgets.diffusion.plane import DiffusionPlane
from dlsim.tui.widgets.diffusion.schedule import SchedulePlot

ARROWS = (13, 7)   # columns × rows of the arrows' grid over the plane
REACH = 2.5        # the plane shows at least ±REACH: where the noised data ends up at t = T


class DiffusionView(NetworkView):
    name = "diffusion"
    # the ε loss on the evaluation's fixed draws (every t alike), not the epoch's running mean
    charts = (Chart("loss", (("train_loss", "ε, fixed draws"),)),
              Chart("distance", (("distance", "generated ↔ data"),), (0.0, 1.0)))
    curves_title = "ε loss · distance real ↔ generated"
    level_help = {Level.OP: "one draw, one coordinate noised, one time feature, one weighted sum, one gradient",
                  Level.LAYER: "the draw and x_t, the time features, a layer, the loss, a layer's gradients"}
    phases = "draw t, ε → x_t → ε̂(x_t, t) → MSE on ε → backward → update"

    # the denoiser is an MLP: its heatmap of each weight matrix, its cursor
    matrices = MLPView.matrices
    _layers = MLPView._layers
    cursor = MLPView.cursor

    def __init__(self, session):
        super().__init__(session)
        self.t = 0        # the time step the plane shows (the plane's keys move it)
        self.T = None     # the model's T, once a frame has been computed
        self._lesson_t = None   # the learner's t, kept while a lesson's @highlight shows its own

    def highlight(self, name, index) -> None:
        """alpha_bar[t], or loss_per_t[i] (the loss at t = i + 1): the plane and the schedule move to
        that t, whose ᾱ_t and loss the schedule's last row writes; a step without one gives the
        learner's t back."""
        if name in ("alpha_bar", "loss_per_t") and index is not None and len(index) == 1:
            if self._lesson_t is None:
                self._lesson_t = self.t
            self.t = int(index[0]) + (name == "loss_per_t")
        elif self._lesson_t is not None:
            self.t, self._lesson_t = self._lesson_t, None

    def highlight_place(self, name: str) -> str | None:
        return "plot of ᾱ_t and loss per t" if name in ("alpha_bar", "loss_per_t") else None

    def compose(self) -> ComposeResult:
        with Horizontal(id="sim-body", classes=self.name):
            with Vertical(id="left"):
                yield titled(DiffusionPlane(self, id="decision"), "plane at t")
                yield weight_heatmap(self, "weights of ε̂")
            with Vertical(id="right"):
                yield titled(SchedulePlot(self, id="graph"), "ᾱ_t · loss per t")
                yield curves(self)

    def sample(self, model, last):
        return model.sample_in_hand(last)

    def extras(self, model) -> dict:
        sim = self.session.sim
        shown = model.inspect(sim.last, sim.trace.events)
        self.T = model.T
        self.t = min(self.t, model.T)
        x0, x1, y0, y1 = box(model.X)
        ext = (min(x0, -REACH), max(x1, REACH), min(y0, -REACH), max(y1, REACH))
        gx, gy = np.meshgrid(np.linspace(ext[0], ext[1], ARROWS[0] + 2)[1:-1],
                             np.linspace(ext[3], ext[2], ARROWS[1] + 2)[1:-1])
        points = np.column_stack([gx.ravel(), gy.ravel()])   # (G, 2)
        kernels = model.kernels_now()
        hand = (shown["x0"], shown["x_t"], shown["t"]) if "t" in shown else None
        return {**super().extras(model), "clouds": model.clouds(kernels), "chain": model.chain(kernels),
                "steps": model.sampler_steps(), "alpha_bar": shown["alpha_bar"], "loss_per_t": shown["loss_per_t"],
                "distance": shown["distance"],
                "arrow_points": points, "fields": model.fields(points, kernels), "extent": ext, "in_hand": hand}
