"""The GAN's view: the data plane (D's verdict as the background, the real points, the fakes with
the push G's gradient gives each), G's map of a grid of z (folds visible), D's and G's weights, and
the D / G loss, D's accuracy and the distance between the real and generated points."""
import numpy as np
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from dlsim.protocol.events import Level
from dlsim.protocol.paths import parse
from dlsim.tui.views.base import DecisionSurface, NetworkView, element_of, layer_of, neuron_of
from dlsim.tui.views.panels import curves, titled, weight_heatmap
from dlsim.tui.widgets.curves import Chart
from dlsim.protocol.plane import box
from dlsim.tui.widgets.gan.latent import LatentMap
from dlsim.tui.widgets.gan.plane import DataPlane
from dlsim.tui.widgets.network.weights import Matrix


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

    # --- laid out with the frame (the model computes it: dlsim/models/gan_inspect.py) ----------
    def extras(self, model) -> dict:
        out = NetworkView.extras(self, model)
        sim = self.session.sim
        shown = model.inspect(sim.last, sim.trace.events)
        ext = _extent(model.X, shown["fakes"])
        current = None
        if "point_xy" in shown:
            current = (shown["point_xy"], shown["point_kind"] == "fake", shown.get("point_push"),
                       shown.get("point_d"), shown.get("point_loss"))
        return {**out, "X": model.X, "fakes": shown["fakes"], "push": shown["push"], "extent": ext,
                "mesh": shown["g_map"], "current": current,
                "verdicts": (shown["d_real"], shown["d_fake"]), **self._over_grid(model, ext)}

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
    x0, x1, y0, y1 = box(real)
    span = max(x1 - x0, y1 - y0)
    lo = np.maximum(fakes.min(axis=0), [x0 - span, y0 - span]) if len(fakes) else (x0, y0)
    hi = np.minimum(fakes.max(axis=0), [x1 + span, y1 + span]) if len(fakes) else (x1, y1)
    return (float(min(x0, lo[0])), float(max(x1, hi[0])), float(min(y0, lo[1])), float(max(y1, hi[1])))
