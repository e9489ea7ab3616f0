"""A small map per neuron of the selected layer: what the neuron outputs at each point of the input
plane (as in TensorFlow Playground), redrawn as the weights change.

The maps come with the frame: the model computes them (one forward pass over the decision plot's
grid gives every unit's activation: MLP.over_plane, models/mlp_inspect.py); this panel only lays
them out. Blue where the neuron's output is above its neutral value (0 for tanh, 0.5 for σ), orange
below, deeper for further; without colour, shade
glyphs by sign and size. The layer is the heatmap's (the learner's choice, else the one being
computed); the tile of the neuron being computed or selected is labelled in reverse video, and the
current sample is a dot on every map. When not all fit, the page holding that neuron is shown
(when it becomes that neuron); a click, or PgDn / PgUp with the panel focused (Tab), turns the page.
"""
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rich.style import Style

from dlsim.tui.widgets import halfblock as hb
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.data.decision import to_pixels
from dlsim.tui.widgets.image.paging import HINT, Paged
from dlsim.tui.widgets.panel import Cells, UiState

MAX_ROWS = 8          # cell rows of the largest map
MIN_ROWS = 2
DOT = Style(color=st.rgb((255, 214, 90)), bold=True)


@dataclass(frozen=True)
class Tiles:
    rows: int          # cell rows per map (its pixels: 2·rows tall, 2·rows wide: square)
    across: int
    down: int

    @property
    def cols(self) -> int:
        return 2 * self.rows

    @property
    def per_page(self) -> int:
        return self.across * self.down


def tile_layout(n: int, width: int, height: int) -> Tiles | None:
    """The largest square maps (a label row above each, a column between) that fit all n neurons,
    else the smallest, paged. None if not even one fits."""
    best = None
    for rows in range(MAX_ROWS, MIN_ROWS - 1, -1):
        across, down = (width + 1) // (2 * rows + 1), height // (rows + 1)
        if across < 1 or down < 1:
            continue
        best = Tiles(rows, across, down)
        if best.per_page >= n:
            return best
    return best


def title(name: str, first: int, last: int, n: int, room: int, note: str = "") -> str:
    """"neurons · h1 tanh · 0–8 of 16", shortened to fit `room` (the range kept whole); a `note` on
    what the tiles' numbers are ("on: share > 0") goes first where it fits."""
    if first == 0 and last == n - 1:
        options = (f"neurons · {name}", name.split()[0])
    else:
        options = (f"neurons · {name} · {first}–{last} of {n}", f"{name.split()[0]} · {first}–{last} of {n}",
                   f"{first}–{last} of {n}", f"{first}–{last}/{n}")
    if note:
        options = tuple(f"{text} · {note}" for text in options) + options
    return next((text for text in options if len(text) <= room), options[-1])


class NeuronMaps(Paged):
    """Tab reaches it (after the heatmap, the screen's first focus): PgDn / PgUp turn its pages."""
    READING = (("neuron maps", "each neuron's output over the input plane, blue above neutral, orange below\n"
                              "(without colour ░▒▓█ / ·-=≡); the dot is the current sample; more pages:\n"
                              "click, or Tab here and PgDn / PgUp"),)

    def __init__(self, view, **kw):
        super().__init__(view, **kw)
        self._followed = None   # the neuron the page last turned to: a new one turns the page again
        self.border_title = "neurons"

    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        units = frame.extras.get("units")
        if not units:
            return []
        layer = self.view.shown_layer(frame, ui, len(units))
        maps = units[layer]
        centre, scale = frame.extras["unit_scales"][layer]
        n = maps.shape[0]
        tiles = tile_layout(n, width, height)
        if tiles is None:
            return []
        columns = self.view.graph(frame, ui).columns
        column = columns[layer + 1] if layer + 1 < len(columns) else None
        nodes = column.nodes if column is not None else []
        focus = self._focus(ui, nodes, layer)
        marked = frame.extras.get("marked_neuron")   # a lesson step's neuron (@highlight neuron_on[l, j])
        if focus is None and marked is not None and marked[0] == layer:
            focus = marked[1]
        shares = frame.extras.get("neuron_on")       # the model's share of the plane each map is on
        shares = shares[layer] if shares is not None and layer < len(shares) else None
        self.pages = pages = -(-n // tiles.per_page)
        if focus is not None and focus != self._followed:   # else the learner's page stays
            self.page = focus // tiles.per_page
        self._followed = focus
        self.page %= pages
        first = self.page * tiles.per_page
        shown = range(first, min(n, first + tiles.per_page))
        name = column.title.split(" (")[0] if column is not None else f"layer {layer}"
        sides = self.styles.border_left[0] not in ("", "none", "hidden")
        note = "" if shares is None else f"on: share > {centre:g}"
        self.set_titles(title(name, first, shown[-1], n, width - (4 if sides else 2), note),
                        HINT if pages > 1 else "a(x) over the plane")
        mono = getattr(self.app, "no_color", False)
        pixels = hb.resample(maps[first:shown[-1] + 1], 2 * tiles.rows, tiles.cols)   # (k, 2r, 2r)
        dot = self._dot(frame, tiles)
        # every map at once: the tiles stacked are one tall map, two pixel rows per cell row
        sign, level = hb.levels(pixels, centre, scale)
        flat_sign, flat_level = sign.reshape(-1, tiles.cols), level.reshape(-1, tiles.cols)
        cells = hb.shade_rows(flat_sign, flat_level) if mono else hb.colour_rows(flat_sign, flat_level)
        grid: list[Cells] = [[(" ", None)] * width for _ in range(height)]
        for k, j in enumerate(shown):
            top, left = (k // tiles.across) * (tiles.rows + 1), (k % tiles.across) * (tiles.cols + 1)
            node = nodes[j] if j < len(nodes) else None
            lit = j == focus
            label = self._share(j, shares[j], tiles.cols) if shares is not None else self._label(j, node, tiles.cols)
            grid[top][left:left + tiles.cols] = [(ch, _label_style(lit)) for ch in label]
            rows = cells[k * tiles.rows:(k + 1) * tiles.rows]
            if dot is not None:
                r, c = dot
                rows[r][c] = ("•", _dot_style(mono, int(sign[k, 2 * r, c]), int(level[k, 2 * r, c])))
            for r, row in enumerate(rows):
                grid[top + 1 + r][left:left + tiles.cols] = row
        return grid

    @staticmethod
    def _focus(ui: UiState, nodes: list, layer: int) -> int | None:
        """The neuron being computed, else the one whose weight is selected."""
        for j, node in enumerate(nodes):
            if node.active:
                return j
        if ui.selected is not None and ui.selected[0] in (f"layer[{layer}].W", f"layer[{layer}].b"):
            return ui.selected[1][-1]
        return None

    @staticmethod
    def _label(j: int, node, width: int) -> str:
        """The neuron's number, and its current value if there is room: "3 +.53"."""
        text = str(j)
        if node is not None and node.value is not None:
            room = width - len(text) - 1 - len(node.prefix)
            if room >= 4:
                text += " " + node.prefix + st.short(node.value, room).strip()
        return text[:width].ljust(width)

    @staticmethod
    def _share(j: int, share: float, width: int) -> str:
        """The neuron's number and the share of the plane it is on: "0 on 0.81", shorter if need be."""
        options = (f"{j} on {share:.2f}", f"{j} {share:.2f}", f"{j} {share:.2f}".replace(" 0.", " ."), str(j))
        return next((text for text in options if len(text) <= width), str(j))[:width].ljust(width)

    @staticmethod
    def _dot(frame, tiles: Tiles) -> tuple[int, int] | None:
        """The cell of every map where the current sample lies."""
        sample, X, ext = frame.extras.get("sample"), frame.extras.get("X"), frame.extras.get("extent")
        if sample is None or X is None or ext is None or not 0 <= sample < len(X):
            return None
        rows, cols = to_pixels(X[sample:sample + 1], ext, tiles.cols, 2 * tiles.rows)
        return int(rows[0]) // 2, int(cols[0])


@lru_cache(maxsize=8)
def _label_style(lit: bool) -> Style:
    return st.plain(bold=lit, reverse=lit, dim=not lit)


@lru_cache(maxsize=256)
def _dot_style(mono: bool, sign: int, level: int) -> Style:
    return DOT if mono else hb.pixel_style(sign, level) + DOT
