"""The SOM's grid drawn over its data, as a learner draws it on paper: the data as small dots `·`,
the nodes as `●` joined to their grid neighbours by lines, the nodes within the neighbourhood
radius σ of the BMU as `◉` (their lines in orange), the BMU `◆` and the sample in hand `+`.

2-D data is drawn as it is; wider data (the colours) in the plane of its first two principal
components, which the title says. Over RGB data every node is drawn in its own colour.
The glyphs carry the meaning without colour (NO_COLOR). The positions are the model's
(SOM.input_plane, SOM.inspect): this file only lays them out.
"""
from functools import lru_cache

import numpy as np
from rich.style import Style

from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.panel import Cells, Panel, UiState
from dlsim.tui.widgets.som.glyph_canvas import GlyphCanvas
from dlsim.tui.widgets.som.kept_colours import colour

DATA, NODE, NEAR, SAMPLE, BMU = "·", "●", "◉", "+", "◆"
LEGEND = f"{DATA} data  {NODE} node  {NEAR} within σ of the BMU  {BMU} BMU  {SAMPLE} sample"
# layers, lowest first: a line < a data point < a node < a node within σ < the sample < the BMU
L_DATA, L_NODE, L_NEAR, L_SAMPLE, L_BMU = 2, 3, 4, 5, 6
GLYPH = {L_DATA: DATA, L_NODE: NODE, L_NEAR: NEAR, L_SAMPLE: SAMPLE, L_BMU: BMU}
LINE, HOT_LINE = st.ink(1, 3), st.ink(-1, 8)
STYLE = {L_DATA: st.plain(dim=True), L_NODE: st.ink(1, 8, bold=True), L_NEAR: st.ink(-1, 8, bold=True),
         L_SAMPLE: st.plain(bold=True), L_BMU: st.plain(bold=True)}


@lru_cache(maxsize=4096)
def _own_colour(rgb: tuple, bold: bool) -> Style:
    return Style(color=colour(rgb), bold=bold)


def _colour_steps(w: np.ndarray) -> np.ndarray:
    """RGB vectors in [0, 1] (rows) in 32 steps a channel (so the styles are few and kept)."""
    return (np.clip(w, 0.0, 1.0) * 31).round().astype(np.int64)


def _colours_of(w: np.ndarray) -> list[tuple]:
    return [tuple(c) for c in (_colour_steps(w) * 255 // 31).tolist()]


class InputSpace(Panel):
    READING = (("input space", "the data as · and the nodes ● joined to their grid neighbours (over 2-D data,\n"
                              "else its first two principal components); ◉ nodes within σ of the BMU ◆"),)

    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        ex = frame.extras
        if "pairs" not in ex or width < 2 or height < 1:
            return []
        title = "input space" if ex["plane"] == "inputs" else "input space on its 1st two principal components"
        self.set_titles(title if len(title) <= width - 4 else "input space (PCA)", LEGEND if len(LEGEND) <= width - 4
                        else f"{DATA}data {NODE}node {NEAR}within σ {BMU}BMU {SAMPLE}sample")
        points, nodes = ex["points"], ex["nodes"]
        both = np.concatenate([points, nodes])
        lo, hi = both.min(axis=0), both.max(axis=0)
        span = np.maximum(hi - lo, 1e-9)
        # every mark and every line's ends at a cell: what is drawn follows from these cells alone, so
        # a frame whose cells did not change (a settled map, still training) reuses the last picture
        px = np.rint((points[:, 0] - lo[0]) / span[0] * (width - 1))
        py = np.rint((hi[1] - points[:, 1]) / span[1] * (height - 1))
        nx = np.rint((nodes[:, 0] - lo[0]) / span[0] * (width - 1))
        ny = np.rint((hi[1] - nodes[:, 1]) / span[1] * (height - 1))
        own = ex["rgb"] and not getattr(self.app, "no_color", False)
        key = (width, height, own, ex["sample"], ex["bmu"], px.tobytes(), py.tobytes(), nx.tobytes(), ny.tobytes(),
               ex["near"].tobytes(), ex["pairs"].tobytes(), _colour_steps(ex["W"]).tobytes() if own else None)
        if key == getattr(self, "_drawn_key", None):
            return self._drawn_rows
        self._drawn_key, self._drawn_rows = key, self._picture(ex, px, py, nx, ny, width, height, own)
        return self._drawn_rows

    def _picture(self, ex, px, py, nx, ny, width: int, height: int, own: bool) -> list[Cells]:
        canvas = GlyphCanvas(width, height)
        near = ex["near"]
        pairs = ex["pairs"]
        if len(pairs) <= width * height:   # else the nodes alone: too many lines to read
            i, j = pairs[:, 0], pairs[:, 1]
            canvas.lines(nx[i], ny[i], nx[j], ny[j], hot=near[i] & near[j])
        canvas.marks(px, py, L_DATA)
        canvas.marks(nx, ny, L_NODE)
        if near.any():
            canvas.marks(nx[near], ny[near], L_NEAR, np.flatnonzero(near))
        if ex["sample"] is not None:
            canvas.marks(px[ex["sample"]:ex["sample"] + 1], py[ex["sample"]:ex["sample"] + 1], L_SAMPLE)
        if ex["bmu"] is not None:
            canvas.marks(nx[ex["bmu"]:ex["bmu"] + 1], ny[ex["bmu"]:ex["bmu"] + 1], L_BMU)
        return self._cells(canvas, ex, own)

    def _cells(self, canvas: GlyphCanvas, ex, own: bool) -> list[Cells]:
        """The canvas as runs of cells of one style. Blank cells share the data points' style, so
        a line of sparse dots is a few runs: fewer segments for Textual to paint every frame."""
        glyphs = canvas.stroke_glyphs()
        ids = np.zeros(glyphs.shape, np.int64)   # an index into `table`: 0 blank or data
        table = [STYLE[L_DATA], LINE, HOT_LINE]
        stroke = canvas.layer == canvas.STROKE_LAYER
        ids[stroke] = 1
        ids[stroke & canvas.hot] = 2
        for layer, glyph in GLYPH.items():
            at = canvas.layer == layer
            if not at.any():
                continue
            glyphs[at] = glyph
            if layer == L_DATA:
                continue
            if own and layer == L_NODE:   # RGB data: each node in its own colour
                nodes = canvas.mark[at]
                ids[at] = len(table) + np.arange(len(nodes))
                table += [_own_colour(c, True) for c in _colours_of(ex["W"][nodes])]
            else:
                ids[at] = len(table)
                table.append(STYLE[layer])
        width = ids.shape[1]
        change = np.ones(ids.shape, bool)   # where a run starts
        change[:, 1:] = ids[:, 1:] != ids[:, :-1]
        out = []
        for text, starts, row in zip(("".join(g) for g in glyphs.tolist()), change.tolist(), ids.tolist()):
            cuts = [k for k, c in enumerate(starts) if c] + [width]
            out.append([(text[a:b], table[row[a]]) for a, b in zip(cuts, cuts[1:])])
        return out
