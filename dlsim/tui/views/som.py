"""The SOM's view: the map itself (its colours, for RGB data, and its U-matrix), the grid drawn in
input space over the data, the node weights, and the quantization / topographic error curves.

The BMU is ◆ and the sample + wherever they show; while a sample's update pass runs, the grid edges
inside the neighbourhood (h ≥ 0.3) are drawn in orange in input space. Every number here is the
model's (SOM.inspect, dlsim.models.som_inspect): this file only lays them out.
"""
import re

import numpy as np
from rich.style import Style
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from dlsim.protocol.events import Level
from dlsim.tui.views.base import NetworkView
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.braille import Braille
from dlsim.tui.views.panels import curves, weight_heatmap
from dlsim.tui.widgets.network.weights import Matrix
from dlsim.tui.widgets.panel import Cells, Panel, UiState

NODE = re.compile(r"node\[(\d+),(\d+)\]")
NEAR = 0.3   # h at or above this counts as "in the neighbourhood" in the pictures
INK = {0: st.plain(dim=True), 1: st.ink(1, 5), 2: st.ink(-1, 8, bold=True)}   # points, grid, neighbourhood
MARK = st.plain(bold=True)
MAX_EDGES = 5000   # more grid edges than this are not drawn one by one: the nodes are drawn as dots


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

    def compose(self) -> ComposeResult:
        with Horizontal(id="sim-body", classes=self.name):
            with Vertical(id="left"):
                grid_map = MapPanel(self, id="graph")
                grid_map.border_title = "map · ◆ BMU"
                yield grid_map
                yield weight_heatmap(self, "node weights")
            with Vertical(id="right"):
                space = InputSpace(self, id="decision")
                space.border_title = "input space · ─ grid · ◆ BMU · + sample"
                yield space
                yield curves(self)

    def cursor(self, model, last) -> str:
        busy = last is not None and last.closes < Level.SAMPLE
        return f"sample {model.index + busy}/{model.X.shape[0]}"

    # --- computed with the frame (by the model: SOM.inspect, SOM.input_plane) ------------------------
    def extras(self, model) -> dict:
        X, sim = model.X, self.session.sim
        rgb = X.shape[1] == 3 and X.min() >= 0.0 and X.max() <= 1.0   # colours: drawn as themselves
        shown = model.inspect(sim.last, sim.trace.events,
                              names=("bmu", "sample", "umatrix", "neighbourhood") + (() if rgb else ("hits",)))
        points, nodes = model.input_plane()
        near = shown["neighbourhood"].ravel() >= NEAR if "neighbourhood" in shown else np.zeros(len(nodes), bool)
        return {"W": model.W.copy(), "rows": model.rows, "cols": model.cols, "pairs": model.grid_pairs,
                "umatrix": shown["umatrix"].ravel(), "hits": shown["hits"].ravel() if "hits" in shown else None,
                "bmu": shown.get("bmu"), "sample": shown.get("sample"), "near": near, "rgb": rgb,
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


class MapPanel(Panel):
    """The grid of nodes (a node row a line, or two in half blocks when space is short): its colours
    for RGB data, else the BMU hit counts; then the U-matrix (light = far from its grid neighbours:
    a border between clusters)."""
    READING = (("map", "a cell per node: its colour (RGB data) or how many samples it is the BMU of; ◆ the BMU"),
              ("U-matrix", "a cell per node, light = far from its grid neighbours: a border between clusters"))

    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        ex = frame.extras
        if "umatrix" not in ex:
            return []
        R, C, W = ex["rows"], ex["cols"], ex["W"]
        u = ex["umatrix"]
        scale = float(u.max()) if u.size and u.max() > 0 else 1.0
        grey = [st.blend(st.BACKGROUND, st.TEXT, 0.1 + 0.9 * v / scale) for v in u]
        pictures = [("U-matrix", grey)]
        if ex["rgb"]:
            pictures.insert(0, ("colours", [tuple(int(c) for c in np.clip(w, 0, 1) * 255) for w in W]))
        else:
            hits = ex["hits"]
            most = max(int(hits.max()), 1)
            pictures.insert(0, ("hits", [st.blend(st.BACKGROUND, st.POSITIVE, 0.1 + 0.9 * h / most) for h in hits]))
        cell_w = 2 if len(pictures) * (2 * C + 2) <= width else 1
        per_line = 1 if R <= height - 1 else 2   # a node row a line when it fits, else two (half blocks)
        out: list[Cells] = [[(title[:cell_w * C].ljust(cell_w * C + 2), st.plain(dim=True)) for title, _ in pictures]]
        for line in range(min(-(-R // per_line), height - 1)):
            row: Cells = []
            for _, colours in pictures:
                for c in range(C):
                    top = per_line * line * C + c
                    bottom = top + C if per_line == 2 and per_line * line + 1 < R else None
                    if ex["bmu"] is not None and ex["bmu"] in (top, bottom):
                        back = colours[ex["bmu"]]
                        fore = (10, 10, 10) if sum(back) > 380 else (255, 255, 255)
                        row.append(("◆".ljust(cell_w), _style(fore, back, True)))
                    elif per_line == 1:
                        row.append((" " * cell_w, _style(colours[top], colours[top])))
                    else:
                        lower = colours[bottom] if bottom is not None else st.BACKGROUND
                        row.append(("▀" * cell_w, _style(colours[top], lower)))
                row.append(("  ", None))
            out.append(row)
        return out


def _style(fore, back, bold=False):
    return Style(color=st.rgb(fore), bgcolor=st.rgb(back), bold=bold)


class InputSpace(Panel):
    """The data as dots and the grid's nodes joined to their grid neighbours, in input space (or
    in the plane of its first two principal components), in braille."""
    READING = (("input space", "the data as dots and the nodes joined to their grid neighbours (over 2-D data,\n"
                              "else its first two principal components); the neighbourhood in orange"),)

    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        ex = frame.extras
        if "pairs" not in ex or width < 2 or height < 1:
            return []
        px, pw = ex["points"], ex["nodes"]
        both = np.concatenate([px, pw])
        lo, hi = both.min(axis=0), both.max(axis=0)
        span = np.maximum(hi - lo, 1e-9)
        canvas = Braille(width, height)
        dw, dh = canvas.size_dots

        def to_dots(p):
            return (p[:, 0] - lo[0]) / span[0] * (dw - 1), (hi[1] - p[:, 1]) / span[1] * (dh - 1)
        canvas.dots(*to_dots(px), key=0, power=0)
        nx, ny = to_dots(pw)
        if len(ex["pairs"]) > MAX_EDGES:
            canvas.dots(nx, ny, key=1, power=1)
        near = ex["near"]
        for i, j in ex["pairs"] if len(ex["pairs"]) <= MAX_EDGES else ():   # else the nodes alone
            hot = bool(near[i] and near[j])
            canvas.line(nx[i], ny[i], nx[j], ny[j], key=2 if hot else 1, power=2 if hot else 1)
        marks = {}
        if ex["sample"] is not None:
            sx, sy = to_dots(px[ex["sample"]:ex["sample"] + 1])
            marks[(int(sy[0] // 4), int(sx[0] // 2))] = "+"
        if ex["bmu"] is not None:
            marks[(int(ny[ex["bmu"]] // 4), int(nx[ex["bmu"]] // 2))] = "◆"
        out = []
        for r in range(height):
            row: Cells = []
            for c in range(width):
                if (r, c) in marks:
                    row.append((marks[(r, c)], MARK))
                    continue
                ch = canvas.char(r, c)
                row.append((ch, INK[int(canvas.keys[r, c])]) if ch else (" ", None))
            out.append(row)
        return out
