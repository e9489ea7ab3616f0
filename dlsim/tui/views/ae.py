"""The autoencoder's view: the input beside its reconstruction and the first layer's weights as
image tiles (left, over the weight heatmap), the code plane of the test set coloured by class and
the reconstruction curves (right); PgDn there turns the plane into the decoded grid (AE.decoded_grid),
one point of it picked and decoded. Every number is the model's (AE.inspect, AE.reconstruct); the
heatmap, the cursor and the sample in hand are the MLP's, whose layers these are."""
import numpy as np
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from dlsim.tui.views.base import NetworkView
from dlsim.tui.views.mlp import MLPView
from dlsim.tui.views.panels import curves, titled, weight_heatmap
from dlsim.tui.widgets.ae.code_plane import CodePlane
from dlsim.tui.widgets.ae.rebuilt import Rebuilt


class AEView(NetworkView):
    name = "ae"
    curves_title = ("reconstruction loss · ── train ┄┄ test", "loss · ── train ┄┄ test", "── train ┄┄ test")
    phases = "(corrupt →) forward → loss → backward → (tie →) update"
    level_help = {**NetworkView.level_help}

    # the layers are an MLP's: its heatmap of each weight matrix, its cursor
    matrices = MLPView.matrices
    _layers = MLPView._layers
    cursor = MLPView.cursor

    def __init__(self, session):
        super().__init__(session)
        self.grid_size = (4, 3)   # (across, down): the decoded grid's points; set by the code plane's size

    def compose(self) -> ComposeResult:
        with Horizontal(id="sim-body", classes=f"{self.name} ae"):   # ae.tcss lays out the VAE's too
            with Vertical(id="left"):
                yield titled(Rebuilt(self, id="graph"), "input · rebuilt")
                yield weight_heatmap(self)
            with Vertical(id="right"):
                yield titled(CodePlane(self, id="decision"), "code plane")
                yield curves(self)

    def sample(self, model, last):
        return model.sample_in_hand(last)

    def extras(self, model) -> dict:
        sim = self.session.sim
        shown = model.inspect(sim.last, sim.trace.events)
        f = model.X.shape[1]
        side = int(round(f ** 0.5)) if f > 2 and int(round(f ** 0.5)) ** 2 == f else None
        if "x" in shown:
            which, x = f"sample {shown['sample']}", shown["x"]
            corrupted, code, rebuilt = shown.get("corrupted"), shown["sample_code"], shown["reconstruction"]
        else:
            test = model.data.X_test if len(model.data.X_test) else model.data.X
            x = test[:1].reshape(1, -1)
            kernels = model.kernels_now()
            which, corrupted = "test input 0" if len(model.data.X_test) else "training input 0", None
            code, rebuilt = (v[0] for v in model.encode_and_reconstruct(x, kernels))
            x = x[0]
        kernels = model.kernels_now()
        codes, labels, whose = model.plane_codes(kernels)
        return {**super().extras(model), "x": x, "corrupted": corrupted, "code": code, "rebuilt": rebuilt,
                "which": which, "side": side, "first_weights": np.array(model.params["layer[0].W"]),
                "codes": codes, "labels": labels, "codes_of": whose, "code_units": model.code,
                "grid": model.decoded_grid(*self.grid_size, kernels), "span": model.code_span(kernels),
                "data": (model.data.X_test if whose == "test" else model.data.X) if side is None else None}
