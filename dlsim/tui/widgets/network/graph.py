"""The network: neurons by layer with their current values, and, between layers of up to 8 neurons,
connections drawn in braille, coloured by the sign and size of their weight.

A positive weight is a solid line, a negative one a dashed line (so sign reads without colour);
weak ones are not drawn. The neuron the current event touched is shown in reverse video.
"""
from dataclasses import dataclass

import numpy as np

from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.braille import Braille
from dlsim.tui.widgets.panel import Cells, Panel, UiState

MAX_LINKED = 8


@dataclass
class Node:
    value: float | None          # what the label shows
    prefix: str = ""             # "δ" during the backward pass
    active: bool = False         # touched by the current event
    text: str = ""               # shown instead of the value (the bias input's constant 1)


@dataclass
class Column:
    title: str
    nodes: list[Node]


@dataclass
class Graph:
    columns: list[Column]
    links: list[np.ndarray | None]     # (I, O) weights between column k and k+1, or None
    active_link: tuple[int, int, int] | None = None   # (gap, i, j) to emphasise
    note: str = ""


class _LinkInk(dict):
    """A link's style by its canvas key (sign · strength, +100 when emphasised), made once."""

    def __missing__(self, key: int):
        style = self[key] = st.ink(1 if key > 0 else -1, abs(key) % 100, bold=abs(key) >= 100)
        return style


_LINK_INK = _LinkInk()


def _rows_for(n: int, top: int, height: int) -> list[int]:
    return [top + int((k + 0.5) * height / n) for k in range(n)]


class NetworkGraph(Panel):
    READING = (("connections", "solid = positive weight, dashed = negative; brighter = larger"),
              ("neurons", "their activation; δ… during the backward pass; z… before the activation"))

    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        graph: Graph = self.view.graph(frame, ui)
        body_h = max(1, height - 1)
        label_w = 6
        layout = []   # per column: (x, node width, per column rows, sub columns)
        for col in graph.columns:
            n = max(1, len(col.nodes))
            subs = -(-n // body_h)
            node_w = label_w if subs == 1 else 2
            layout.append((subs, node_w, min(n, body_h)))
        used = sum(s * w for s, w, _ in layout)
        gaps = len(layout) - 1
        gap = max(1, (width - used) // gaps) if gaps else 0
        grid = [[(" ", None) for _ in range(width)] for _ in range(height)]
        xs, x = [], 0
        for subs, node_w, _ in layout:
            xs.append(x)
            x += subs * node_w + gap
        canvas = Braille(width, body_h)
        for k, links in enumerate(graph.links):
            if links is None or k + 1 >= len(graph.columns):
                continue
            left, right = graph.columns[k].nodes, graph.columns[k + 1].nodes
            if len(left) > MAX_LINKED or len(right) > MAX_LINKED or not len(left) or not len(right):
                continue
            if layout[k][0] > 1 or layout[k + 1][0] > 1:   # a column too short for its neurons wraps
                continue                                  # them side by side: no line would meet them
            self._links(canvas, links, k, graph, xs, layout, body_h)
        for r in range(body_h):   # a row at once: a call per cell cost more than the links
            grid[r + 1] = canvas.cells(r, _LINK_INK)
        for k, col in enumerate(graph.columns):
            subs, node_w, per = layout[k]
            title = col.title[: max(3, subs * node_w + gap - 1)]
            for i, ch in enumerate(title):
                if xs[k] + i < width:
                    grid[0][xs[k] + i] = (ch, st.plain(dim=True))
            rows = _rows_for(per, 1, body_h)
            for n, node in enumerate(col.nodes):
                r, c = rows[n % per], xs[k] + (n // per) * node_w
                text = self._label(node, node_w)
                sign, level = st.sign_of(node.value or 0.0), st.strength(node.value or 0.0, 1.0)
                style = st.cell(sign, level, bold=node.active, reverse=node.active)
                for i, ch in enumerate(text):
                    if c + i < width:
                        grid[r][c + i] = (ch, style)
        self.set_titles(subtitle=graph.note)
        return grid

    @staticmethod
    def _label(node: Node, width: int) -> str:
        if node.text:
            return node.text[:width].rjust(width)
        if width <= 2:
            v = node.value
            glyph = "·" if v is None or abs(v) < 0.05 else "+" if v > 0 else st.MINUS
            return (node.prefix[:1] if node.active and node.prefix else glyph) + " "
        text = st.short(node.value, width - len(node.prefix))
        return (node.prefix + text)[:width]

    @staticmethod
    def _links(canvas, W, k, graph, xs, layout, body_h) -> None:
        subs, node_w, per = layout[k]
        left_rows = _rows_for(per, 0, body_h)
        right_rows = _rows_for(layout[k + 1][2], 0, body_h)
        x0 = (xs[k] + node_w) * 2
        x1 = xs[k + 1] * 2 - 1
        scale = float(np.nanmax(np.abs(W))) if W.size else 0.0
        for i in range(W.shape[0]):
            for j in range(W.shape[1]):
                w = float(W[i, j])
                level = st.strength(w, scale)
                if w != w or level < 2:
                    continue
                hot = graph.active_link == (k, i, j)
                key = (level + (100 if hot else 0)) * (1 if w > 0 else -1)
                canvas.line(x0, left_rows[i] * 4 + 2, x1, right_rows[j] * 4 + 2, key=key,
                            power=level + (100 if hot else 0), dash=0 if w > 0 else 2)
