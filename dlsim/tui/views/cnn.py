"""The CNN's view: the image with the kernel's window where it is now, the kernel's numbers, the
feature map filling in cell by cell and the pooled map with its winners (in the backward pass: the δ
routed through the pool, masked, and ∂K accumulating); every kernel of the layer with its map for this
image; the class probabilities, the test set's confusion matrix and misclassified images; the curves.
The model computes all of it (CNN.picture, dlsim.models.cnn_inspect); the view lays it out.
"""
import numpy as np
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from dlsim.models.cnn_focus import kernel_in
from dlsim.protocol.events import Level
from dlsim.tui.views.base import NetworkView
from dlsim.tui.views.panels import curves, titled, weight_heatmap
from dlsim.tui.widgets.network.weights import Matrix
from dlsim.tui.widgets.image.classes import ClassesPanel
from dlsim.tui.widgets.image.kernels import KernelsPanel
from dlsim.tui.widgets.image.stage import StagePanel


class CNNView(NetworkView):
    name = "cnn"
    level_words = {Level.LAYER: "map"}
    level_help = {Level.OP: "one kernel position, one cell, one pool window, one neuron, one kernel's update",
                  Level.LAYER: "a whole feature map, pool pass, δ map or dense layer"}
    misclassified_shown = 8   # test images shown that the network gets wrong
    help_readings = {"heatmap": "a tab per layer. Conv: a column per kernel, its weights a row each (channel, row, "
                                "column), its bias the last row; dense: row i = input i, column j = neuron j, the "
                                "bias the last row; +7 / −3: the sign, and the size 1–9 relative to the layer's largest"}

    def compose(self) -> ComposeResult:
        with Horizontal(id="sim-body", classes=self.name):
            with Vertical(id="left"):
                yield titled(StagePanel(self, id="graph"), StagePanel.TITLES)
                with Horizontal(id="cnn-lower"):
                    kernels = KernelsPanel(self, id="kernels")
                    kernels.border_title = "kernels · their maps"
                    yield kernels
                    yield weight_heatmap(self, ("weights · w to edit", "weights"))
            with Vertical(id="right"):
                classes = ClassesPanel(self, id="classes")
                classes.border_title = "class probabilities · test set"
                yield classes
                yield curves(self)

    # a lesson's @highlight of a map cell: the quantity it names → the stage's map the cell is chosen in
    highlighted_maps = {"feature_map": ("map", "feature map"), "pooled": ("pooled", "pooled map")}

    def __init__(self, session):
        super().__init__(session)
        self.lesson_cell: tuple[str, int, int] | None = None   # ("map" | "pooled", row, column) a lesson chose
        self.lesson_section: str | None = None   # the classes panel's section a lesson's step turns to

    def highlight(self, name, index) -> None:
        """feature_map[row, column] or pooled[row, column] (of the kernel in focus): that cell chosen in
        the stage, whose line under the pictures gives its numbers (z, a, δ), the numbers a lesson's
        text quotes; a step without one lets go of it (the stage's own choice, if any, comes back)."""
        if name in self.highlighted_maps and index is not None and len(index) == 2:
            self.lesson_cell = (self.highlighted_maps[name][0], *map(int, index))
        else:
            self.lesson_cell = None
        # confusion: the classes panel turns to the page of the confusion matrix and the test accuracy
        self.lesson_section = "confusion matrix" if name == "confusion" else None

    def highlight_place(self, name: str) -> str | None:
        if name == "confusion":
            return "confusion matrix"
        return self.highlighted_maps[name][1] if name in self.highlighted_maps else None

    def extras(self, model) -> dict:
        last = self.session.sim.last
        shown = model.picture(last, self.session.trace.events)
        wrong = shown.get("misclassified", np.zeros(0, np.int64))[:self.misclassified_shown]
        return {**shown, "names": model.class_names, "n_conv": model.n_conv,
                "wrong_images": model.data.X_test[wrong], "cursor": self.cursor(model, last)}

    def matrices(self, frame, ui) -> list[Matrix]:
        """A matrix per layer for the heatmap (and the weight editor): a conv layer's column f is kernel
        f's weights (channel, row, column in order) with its bias last; a dense layer's is W as stored.
        In the backward pass, the gradients accumulated so far."""
        backward = frame.phase == "backward" and frame.grads is not None
        source = frame.grads if backward else frame.params
        where = kernel_in(frame.last.path if frame.last is not None else None)
        out = []
        for name in source:
            if not name.endswith((".K", ".W")):
                continue
            l = int(name[6:name.index("]")])
            values, bias = source[name], source[f"layer[{l}].b"]
            hot = set()
            if name.endswith(".K"):
                F, shape = values.shape[0], values.shape[1:]
                flat = values.reshape(F, -1).T   # (C·k·k, F)
                if where is not None and where[0] == l:
                    hot = {(r, where[1]) for r in range(flat.shape[0] + 1)}
                out.append(Matrix(f"conv {l + 1}: {F} kernels", flat, bias, _kernel_element(l, shape),
                                  "∂L/∂K" if backward else "K", hot, "k", "K"))
            else:
                out.append(Matrix(f"dense {values.shape[0]}→{values.shape[1]}", values, bias,
                                  _dense_element(l, values.shape[0]), "∂L/∂W" if backward else "W", hot,
                                  "in", "out"))
        return out

    def sample(self, model, last):
        return model.current if self.in_sample(last) and model.current >= 0 else None

    def cursor(self, model, last) -> str:
        rows = len(model.batch_rows()) if model.batch_index < model.n_batches() else model.batch_size
        sample = f"image {model.sample + self.in_sample(last)}/{rows}"
        if model.n_batches() == 1:
            return sample
        return f"batch {min(model.batch_index + 1, model.n_batches())}/{model.n_batches()} {sample}"


def _kernel_element(l: int, shape: tuple):
    """Heatmap cell → parameter: row r < C·k·k is weight (c, i, j) of kernel `col`; the last row its bias."""
    def element(row: int, col: int):
        if row < int(np.prod(shape)):
            return f"layer[{l}].K", (col, *np.unravel_index(row, shape))
        return f"layer[{l}].b", (col,)
    return element


def _dense_element(l: int, n_in: int):
    def element(row: int, col: int):
        return (f"layer[{l}].W", (row, col)) if row < n_in else (f"layer[{l}].b", (col,))
    return element
