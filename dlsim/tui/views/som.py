"""The SOM's view: the map itself (its colours, for RGB data, or its hit map, and its U-matrix), the
grid drawn in input space over the data, the node weights, and the quantization / topographic
error curves.

The BMU is ◆ and the sample + wherever they show; once the BMU is found, the nodes within σ of it
on the grid are ◉ in input space (their lines orange). Every number here is the model's
(SOM.inspect, dlsim.models.som_inspect): this file only lays them out (widgets/som/).
"""
import re

import numpy as np
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from dlsim.protocol.events import Level
from dlsim.tui.views.base import NetworkView
from dlsim.tui.views.panels import curves, weight_heatmap
from dlsim.tui.widgets.network.weights import Matrix
from dlsim.tui.widgets.som.input_space import InputSpace
from dlsim.tui.widgets.som.map_panel import MapPanel

NODE = re.compile(r"node\[(\d+),(\d+)\]")


def node_of(path: str | None, cols: int) -> int | None:
    match = NODE.search(path or "")
    return int(match.group(1)) * cols + int(match.group(2)) if match else None


class SOMView(NetworkView):
    name = "som"
    curves_title = "curves"
    level_words = {Level.LAYER: "pass"}
    level_help = {Level.OP: "one distance, one neighbourhood value h, one node's update",
                  Level.LAYER: "the whole BMU search, or the whole update pass"}
    phases = "forward (the BMU search) → update (the pull towards the sample)"
    matrix_word = ""   # one matrix, no layers: no tabs
    without_gradient = "no gradient: pulled towards each sample"   # w ← w + lr·h·(x − w)
    help_readings = {"heatmap": "a row per node (node r, c is row r·cols + c), a column per input: the node's "
                                "weight vector, no bias; +7 / −3: the sign, and the size 1–9 relative to the largest "
                                "(· ≈ 0); ▸ the node an event is about"}

    map: MapPanel | None = None   # once composed: whether it is drawn without colour decides what is asked for

    def compose(self) -> ComposeResult:
        with Horizontal(id="sim-body", classes=self.name):
            with Vertical(id="left"):
                self.map = MapPanel(self, id="graph")
                yield self.map
                yield weight_heatmap(self, "node weights")
            with Vertical(id="right"):
                space = InputSpace(self, id="decision")
                yield space
                yield curves(self)

    def cursor(self, model, last) -> str:
        busy = last is not None and last.closes < Level.SAMPLE
        return f"sample {model.index + busy}/{model.X.shape[0]}"

    # --- computed with the frame (by the model: SOM.inspect, SOM.input_plane) ------------------------
    def extras(self, model) -> dict:
        X, sim = model.X, self.session.sim
        rgb = X.shape[1] == 3 and X.min() >= 0.0 and X.max() <= 1.0   # colours: drawn as themselves
        # the hit map where the map draws it: for data other than colours, and over colours without
        # colour (NO_COLOR), where it stands in for them. Over colours drawn as colours it is not asked
        # for: every sample's BMU searched again each frame (2 ms at 40×40, a quarter of an epoch)
        hits = not rgb or self.map is None or self.map.without_colour()
        shown = model.inspect(sim.last, sim.trace.events,
                              names=("bmu", "sample", "umatrix", "radius", "lr", "sigma") + (("hits",) if hits else ()))
        points, nodes = model.input_plane()
        near = shown["radius"].ravel() if "radius" in shown else np.zeros(len(nodes), bool)
        return {"W": model.W.copy(), "X": model.X, "rows": model.rows, "cols": model.cols,
                "pairs": model.grid_pairs, "umatrix": shown["umatrix"].ravel(),
                "hits": shown["hits"].ravel() if hits else None,
                "bmu": shown.get("bmu"), "sample": shown.get("sample"), "near": near, "rgb": rgb,
                "lr": shown["lr"], "sigma": shown["sigma"],
                "plane": "inputs" if X.shape[1] == 2 else "principal components",
                "points": points, "nodes": nodes, "cursor": self.cursor(model, sim.last)}

    # --- questions the shared panels ask ------------------------------------------------------
    def matrices(self, frame, ui) -> list[Matrix]:
        weights = frame.params["weights"]
        rows, cols, dim = weights.shape
        hot = set()
        j = node_of(frame.last.path if frame.last else None, cols)
        if j is not None:
            hot = {(j, k) for k in range(dim)}

        def element(row: int, col: int):
            return "weights", (row // cols, row % cols, col)
        return [Matrix(f"{rows}×{cols} nodes · {dim} inputs", weights.reshape(rows * cols, dim), None, element,
                       "w", hot)]
