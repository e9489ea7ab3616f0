"""The GAN's view: the data plane (D's verdict as the background, the real points, the fakes with
the push G's gradient gives each), G's map of a grid of z (folds visible), D's and G's weights, and
the D / G loss, D's accuracy and the distance between the real and generated points."""
import numpy as np
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from dlsim.kernels import gan_reference
from dlsim.protocol.events import Level
from dlsim.protocol.paths import parse
from dlsim.tui import warmup
from dlsim.tui.views.base import DecisionSurface, NetworkView, element_of, layer_of, neuron_of
from dlsim.tui.views.panels import curves, titled, weight_heatmap
from dlsim.tui.widgets.curves import Chart
from dlsim.tui.widgets.data.decision import extent
from dlsim.tui.widgets.gan.latent import LatentMap
from dlsim.tui.widgets.gan.plane import DataPlane
from dlsim.tui.widgets.network.weights import Matrix

SHOWN = 96     # generated points drawn (from the model's fixed evaluation z)
MESH = 11      # z grid lines per axis in G's map (a 1-D z: MESH · 4 points on its line)


class GANView(DecisionSurface, NetworkView):
    name = "gan"
    charts = (Chart("loss", (("d_loss", "D"), ("g_loss", "G"))),
              Chart("D accuracy · distance", (("d_acc", "D acc"), ("distance", "distance")), (0.0, 1.0)))
    curves_title = "curves"
    level_words = {Level.BATCH: "step", Level.EPOCH: "iteration"}
    level_help = {Level.OP: "one weighted sum, one δ, one gradient, one point's push from D",
                  Level.SAMPLE: "one point through D; a fake one through G first",
                  Level.BATCH: "one D step or one G step", Level.EPOCH: "k D steps, then one G step"}
    phases = "D step: forward → loss → backward → update D; G step: forward through G and D → loss → back through D into G → update G"

    def compose(self) -> ComposeResult:
        with Horizontal(id="sim-body", classes=self.name):
            with Vertical(id="left"):
                yield titled(LatentMap(self, id="graph"), "G's map of z · ─ z₁ rows, z₂ columns")
                yield weight_heatmap(self, "weights of D and G")
            with Vertical(id="right"):
                yield titled(DataPlane(self, id="decision"), "data · o real · → fake, G's push")
                yield curves(self)

    def cursor(self, model, last) -> str:
        plan = model.plan()
        if model.sub >= len(plan):
            return f"iteration {model.epoch + 1} done"
        net = plan[model.sub]
        points = 2 * model.batch if net == "D" else model.batch
        return f"{net} step {model.sub + 1}/{len(plan)} point {min(model.sample + self.in_sample(last), points)}/{points}"

    # --- computed with the frame --------------------------------------------------------------
    def _kernels(self, model):
        """The compiled kernels once warm (the NumPy reference while they compile)."""
        return model.kernels.gan if warmup.is_warm("gan") or not model.kernels.compiles else gan_reference

    def extras(self, model) -> dict:
        out = NetworkView.extras(self, model)
        k = self._kernels(model)
        Z = np.ascontiguousarray(model.z_eval[:SHOWN])
        fakes, grads = np.empty((len(Z), 2)), np.empty((2, len(Z)))
        k.generate(*model.net("G"), Z, fakes)
        k.g_gradients(model.part(model.theta, "G").copy(), np.zeros(model.count["G"]), model.sizes["G"],
                      model.acts["G"], *model.net("D"), model.g_kind(), Z, grads)
        ext = _extent(model.X, fakes)
        mesh_z = _mesh(model.config["z_dim"], model.config["latent"])
        mesh = np.empty((len(mesh_z), 2))
        k.generate(*model.net("G"), mesh_z, mesh)
        if model.config["z_dim"] == 2:
            mesh = mesh.reshape(MESH, MESH, 2)
        return {**out, "X": model.X, "fakes": fakes, "push": -grads.T, "extent": ext, "mesh": mesh,
                "current": self._current(model, k), **self._over_grid(model, ext)}

    def scores(self, model, X):
        probs = np.empty(len(X))
        self._kernels(model).discriminate(*model.net("D"), np.ascontiguousarray(X), np.empty(len(X)), probs)
        return probs

    def exercise(self, model) -> None:
        self.extras(model)

    def _current(self, model, k):
        """(point, fake?, push or None) of the point the last event is about, if inside one."""
        last = self.session.sim.last
        if last is None or last.level >= Level.BATCH or last.phase == "update" or model.sub >= len(model.plan()):
            return None
        net = model.plan()[model.sub]
        s = model.sample if last.closes < Level.SAMPLE else model.sample - 1   # the cursor moved on
        Xb, Zb = model.step_inputs(net)
        if net == "D" and s < model.batch:
            return tuple(Xb[s]), False, None
        z = Zb[s - model.batch if net == "D" else s][None, :]
        point = np.empty((1, 2))
        k.generate(*model.net("G"), np.ascontiguousarray(z), point)
        found = self.session.trace.get("fake_grad", f"gan.fake[{s}]") if net == "G" else None
        return tuple(point[0]), True, tuple(-g for g in found.values["grad"]) if found else None

    # --- the weight heatmap ---------------------------------------------------------------------
    def matrices(self, frame, ui) -> list[Matrix]:
        last = frame.last
        path = parse(last.path) if last else None
        where = (path.parts[0][0] if path and path.parts else None, layer_of(last.path if last else None))
        hot = element_of(last.path if last else None)
        out = []
        for net in ("D", "G"):
            # a network's gradient while its own backward pass runs (D's is not touched in a G step)
            backward = frame.phase == "backward" and frame.grads is not None and where[0] == net
            source = frame.grads if backward else frame.params
            count = sum(1 for name in source if name.startswith(f"{net}.") and name.endswith(".W"))
            names = (["x"] if net == "D" else ["z"]) + [f"h{l + 1}" for l in range(count - 1)] + (
                ["D"] if net == "D" else ["x̂"])
            for l in range(count):
                W, b = source[f"{net}.layer[{l}].W"], source[f"{net}.layer[{l}].b"]
                n_in, n_out = W.shape
                cells = set()
                if where == (net, l) and last is not None:
                    if hot and hot[0] == "W":
                        cells = {hot[1]}
                    elif hot and hot[0] == "b":
                        cells = {(n_in, hot[1][0])}
                    elif last.op == "weighted_sum" and neuron_of(last.path) is not None:
                        cells = {(r, neuron_of(last.path)) for r in range(n_in + 1)}
                out.append(Matrix(f"{net} {n_in}→{n_out}", np.asarray(W), np.asarray(b), _element(net, l, n_in),
                                  "∂L/∂W" if backward else "W", cells, names[l], names[l + 1]))
        return out

    def shown_layer(self, frame, ui, count: int) -> int:
        if ui.selected is not None and ui.layer is not None:
            return min(ui.layer, count - 1)
        last = frame.last
        path = parse(last.path) if last else None
        layer = layer_of(last.path if last else None)
        if path is None or layer is None or not path.parts:
            return 0
        d_layers = sum(1 for name in frame.params if name.startswith("D.") and name.endswith(".W"))
        return min(layer + (d_layers if path.parts[0][0] == "G" else 0), count - 1)


def _element(net: str, l: int, n_in: int):
    """Heatmap cell → parameter: row i < n_in is W[i, j], row n_in is b[j]."""
    def element(row: int, col: int):
        return (f"{net}.layer[{l}].W", (row, col)) if row < n_in else (f"{net}.layer[{l}].b", (col,))
    return element


def _extent(real: np.ndarray, fakes: np.ndarray) -> tuple:
    """The real points' extent, widened to take in the fakes (up to twice the real span away, so a
    generator that flies off does not shrink the data to a dot)."""
    x0, x1, y0, y1 = extent(real)
    span = max(x1 - x0, y1 - y0)
    lo = np.maximum(fakes.min(axis=0), [x0 - span, y0 - span]) if len(fakes) else (x0, y0)
    hi = np.minimum(fakes.max(axis=0), [x1 + span, y1 + span]) if len(fakes) else (x1, y1)
    return (float(min(x0, lo[0])), float(max(x1, hi[0])), float(min(y0, lo[1])), float(max(y1, hi[1])))


def _mesh(z_dim: int, latent: str) -> np.ndarray:
    """The z grid G's map draws: MESH × MESH points (row-major) for a 2-D z, a line for a 1-D one,
    over [−1, 1] (uniform z) or ±2 standard deviations (normal z)."""
    reach = 1.0 if latent == "uniform" else 2.0
    if z_dim == 1:
        return np.ascontiguousarray(np.linspace(-reach, reach, 4 * MESH)[:, None])
    a = np.linspace(-reach, reach, MESH)
    return np.stack(np.meshgrid(a, a, indexing="ij"), axis=-1).reshape(-1, 2)
