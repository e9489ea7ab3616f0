"""The SOM's map: a cell per node, a node row a line (two, in half blocks, when space is short):
its colours for RGB data, else how many samples each node is the BMU of; beside it the U-matrix
(light = far from its grid neighbours: a border between clusters; shaded from the map's least to
its largest value). ◆ marks the BMU.

Without colour (NO_COLOR) each cell is a shade glyph by size (` ░▒▓█`), the hit map stands in for
the colours, and the BMU stays ◆. The numbers are the model's (SOM.inspect).
"""
from functools import lru_cache

import numpy as np
from rich.style import Style

from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.panel import Cells, Panel, UiState

SHADES = " ░▒▓█"   # 0, then by size: the glyph of a cell without colour
STEPS = 16          # colour steps of a shaded map (few styles, kept)


@lru_cache(maxsize=4096)
def _style(fore: tuple, back: tuple, bold: bool = False) -> Style:
    return Style(color=st.rgb(fore), bgcolor=st.rgb(back), bold=bold)


@lru_cache(maxsize=64)
def _shade(base: tuple, step: int) -> tuple:
    return st.blend(st.BACKGROUND, base, 0.1 + 0.9 * step / STEPS)


def _steps(values: np.ndarray, top: float) -> np.ndarray:
    """0..STEPS: each value's size relative to `top`."""
    return np.rint(STEPS * np.clip(values / (top if top > 0 else 1.0), 0.0, 1.0)).astype(np.int64)


def glyphs_of(steps: np.ndarray) -> list[str]:
    """A shade glyph per cell by size (a non-zero value is never blank)."""
    return [SHADES[0] if s == 0 else SHADES[1 + min(3, (s - 1) * 4 // STEPS)] for s in steps.tolist()]


class MapPanel(Panel):
    READING = (("map", "a cell per node: its colour (RGB data) or how many samples it is the BMU of; ◆ the BMU;\n"
                       "without colour a shade by size ( ░▒▓█)"),
               ("U-matrix", "a cell per node, light (or █) = far from its grid neighbours: a border between clusters"))

    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        ex = frame.extras
        if "umatrix" not in ex:
            return []
        mono = getattr(self.app, "no_color", False)
        R, C = ex["rows"], ex["cols"]
        u = ex["umatrix"]
        low = float(u.min()) if u.size else 0.0   # from the map's closest neighbours to its widest border
        u_steps = _steps(u - low, float(u.max()) - low if u.size else 1.0)
        colour = ex["rgb"] and not mono
        if colour:   # 32 steps a channel: few styles, and a settled map is not drawn again
            first = (np.clip(ex["W"], 0.0, 1.0) * 31).round().astype(np.int64) * 255 // 31
        else:
            first = _steps(ex["hits"], float(max(int(ex["hits"].max()), 1)))
        # what is drawn follows from these steps alone: a frame that changes none of them (a settled
        # map, still training) reuses the last picture
        key = (width, height, mono, colour, R, C, ex["bmu"], first.tobytes(), u_steps.tobytes())
        if key != getattr(self, "_drawn_key", None):
            self._drawn_key, self._drawn_rows = key, self._picture(ex, first, u_steps, colour, mono, width, height)
        return self._drawn_rows

    def _picture(self, ex, first, u_steps, colour: bool, mono: bool, width: int, height: int) -> list[Cells]:
        R, C = ex["rows"], ex["cols"]
        pictures = [("U-matrix", [_shade(st.TEXT, s) for s in u_steps.tolist()], glyphs_of(u_steps))]
        if colour:
            pictures.insert(0, ("colours", [tuple(row) for row in first.tolist()], None))
        else:
            pictures.insert(0, ("hits", [_shade(st.POSITIVE, s) for s in first.tolist()], glyphs_of(first)))
        cell_w = 2 if len(pictures) * (2 * C + 2) <= width else 1
        per_line = 1 if R <= height - 1 else 2   # a node row a line when it fits, else two (half blocks)
        out: list[Cells] = [[(title[:cell_w * C].ljust(cell_w * C + 2), st.plain(dim=True))
                             for title, _, _ in pictures]]
        plain, bmu, blank, upper = st.plain(), ex["bmu"], " " * cell_w, "▀" * cell_w
        for line in range(min(-(-R // per_line), height - 1)):
            first = per_line * line * C
            nodes = range(first, first + C)
            lower = per_line == 2 and per_line * line + 1 < R   # a second node row in this line
            row: Cells = []
            for _, colours, glyphs in pictures:
                if mono:   # the larger of the two nodes a cell stands for
                    cells = [((max(glyphs[t], glyphs[t + C], key=SHADES.index) if lower else glyphs[t]) * cell_w, plain)
                             for t in nodes]
                elif per_line == 1:
                    cells = [(blank, _style(colours[t], colours[t])) for t in nodes]
                else:
                    cells = [(upper, _style(colours[t], colours[t + C] if lower else st.BACKGROUND)) for t in nodes]
                if bmu is not None and first <= bmu < first + (2 if lower else 1) * C:
                    back = st.BACKGROUND if mono else colours[bmu]
                    fore = (10, 10, 10) if sum(back) > 380 else (255, 255, 255)
                    cells[(bmu - first) % C] = ("◆".ljust(cell_w), plain if mono else _style(fore, back, True))
                row += cells
                row.append(("  ", None))
            out.append(row)
        return out
