"""A weight-matrix heatmap per layer (any size), and the inspector of the selected weight.

Row j holds neuron j's incoming weights, then its bias after `│`. A cell reads `+7` or `−3`: the
sign, then the size from 1 to 9 relative to the largest in the layer (`·` for about zero); the
background repeats both in colour. During the backward pass the cells show ∂L/∂W as it accumulates.
Keys (when focused): ↑ ↓ rows, ⇧← ⇧→ columns, PgUp PgDn layers, Enter edits. Or click a cell.
"""
import textwrap
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from textual.binding import Binding
from textual.message import Message

from dlsim.sim.formulas import num
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.panel import Cells, Panel, UiState

INSPECTOR = 3


@dataclass
class Matrix:
    title: str                                   # "layer 1 · 16→16"
    values: np.ndarray                           # (O, I): row = neuron, column = input
    bias: np.ndarray | None                      # (O,)
    element: Callable[[int, int], tuple[str, tuple]]   # (row, col) → (parameter, index); col I = bias
    kind: str = "W"                              # or "∂L/∂W"
    hot: set = field(default_factory=set)        # (row, col) the current event touched

    @property
    def cols(self) -> int:
        return self.values.shape[1] + (1 if self.bias is not None else 0)


class WeightsPanel(Panel):
    can_focus = True
    BINDINGS = [
        Binding("up", "move(-1, 0)", "row ↑", show=False),
        Binding("down", "move(1, 0)", "row ↓", show=False),
        Binding("shift+left", "move(0, -1)", "column ←", show=False),
        Binding("shift+right", "move(0, 1)", "column →", show=False),
        Binding("pageup", "layer(-1)", "layer ↑", show=False),
        Binding("pagedown", "layer(1)", "layer ↓", show=False),
        Binding("enter", "edit", "edit weight", show=False),
    ]

    class Selected(Message):
        def __init__(self, layer: int, element: tuple[str, tuple] | None):
            super().__init__()
            self.layer, self.element = layer, element

    class Edit(Message):
        pass

    def _state(self):
        matrices = self.view.matrices(self.frame, self.ui)
        layer = self.view.shown_layer(self.frame, self.ui, len(matrices))
        return matrices, layer

    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        matrices, layer = self._state()
        if not matrices:
            return []
        m = matrices[layer]
        tabs: Cells = [("layer ", st.plain(dim=True))]
        for k, other in enumerate(matrices):
            tabs.append((f" {k} ", st.plain(reverse=k == layer, bold=k == layer)))
        cursor = self._cursor(m, ui)
        every = np.concatenate([m.values.ravel(), m.bias if m.bias is not None else []])
        finite = np.abs(every[np.isfinite(every)])
        scale = float(finite.max()) if finite.size else 0.0
        # each cell is the sign and the size 1..9 of |w| relative to the layer's largest
        legend = f"+9 = {num(scale, 2)}, −9 = −{num(scale, 2)}" if scale > 0 else "all 0"
        tabs.append((f" {m.title} · {m.kind} · {legend}", st.plain(dim=True)))
        grid_h = max(1, height - 1 - INSPECTOR)
        top = self._top(m, cursor, grid_h)
        out = [tabs]
        label_w = len(str(m.values.shape[0] - 1)) + 1
        for r in range(top, min(m.values.shape[0], top + grid_h)):
            hot_row = any(h[0] == r for h in m.hot)
            row: Cells = [(("▸" if hot_row else " ") + str(r).rjust(label_w - 1) + " ", st.plain(dim=not hot_row))]
            for c in range(m.cols):
                if m.bias is not None and c == m.values.shape[1]:
                    row.append(("│", st.plain(dim=True)))
                    v = float(m.bias[r])
                else:
                    v = float(m.values[r, c])
                row.append((self._cell(v, scale), st.cell(st.sign_of(v), st.strength(v, scale),
                                                          bold=(r, c) in m.hot or (r, c) == cursor,
                                                          reverse=(r, c) == cursor,
                                                          underline=(r, c) in m.hot)))
            out.append(row)
        while len(out) < height - INSPECTOR:
            out.append([])
        out += self._inspector(frame, ui, width)
        return out

    @staticmethod
    def _top(m: Matrix, cursor, grid_h: int) -> int:
        """First row shown: keeps the cursor (or the row the current event touched) in view."""
        focus = cursor[0] if cursor else min((r for r, _ in m.hot), default=0)
        return min(max(0, focus - grid_h // 2), max(0, m.values.shape[0] - grid_h))

    @staticmethod
    def _cell(v: float, scale: float) -> str:
        if v != v:
            return "??"
        level = 0 if scale <= 0 else min(9, int(round(9 * abs(v) / scale)))
        if level == 0:
            return " ·"
        return ("+" if v > 0 else st.MINUS) + str(level)

    def _cursor(self, m: Matrix, ui: UiState) -> tuple[int, int] | None:
        if ui.selected is None:
            return None
        for r in range(m.values.shape[0]):
            for c in range(m.cols):
                if m.element(r, c) == ui.selected:
                    return r, c
        return None

    def _inspector(self, frame, ui: UiState, width: int) -> list[Cells]:
        if ui.selected is not None and not _exists(frame, *ui.selected):
            ui.selected = ui.layer = None   # the network was rebuilt under the selection
        if ui.selected is None:
            hint = "Select a weight: click it, or w then ↑ ↓ ⇧← ⇧→ (PgUp PgDn layers); e edits it."
            return [[(line, st.plain(dim=True))] for line in textwrap.wrap(hint, width)][:INSPECTOR]
        name, index = ui.selected
        label = f"{name}[{','.join(map(str, index))}]"
        value = float(frame.params[name][index])
        lines = [[(f"{label} = ", st.plain(bold=True)), (num(value, 6), st.plain(bold=True))]]
        if frame.grads is not None:
            lines.append([(f"∂L/∂w = {num(frame.grads[name][index], 6)}", st.plain()),
                          (" (batch so far)", st.plain(dim=True))])
        else:
            lines.append([("∂L/∂w: none (learns from the error)", st.plain(dim=True))])
        change = frame.changes.at(frame.layout.index(name, index))
        lines.append([("last: " + change.describe(), st.plain())])
        return lines

    # --- selecting -----------------------------------------------------------------------------
    def _select(self, layer: int, row: int, col: int) -> None:
        matrices = self.view.matrices(self.frame, self.ui)
        m = matrices[layer]
        row, col = max(0, min(row, m.values.shape[0] - 1)), max(0, min(col, m.cols - 1))
        self.post_message(self.Selected(layer, m.element(row, col)))

    def action_move(self, dr: int, dc: int) -> None:
        if self.frame is None:
            return
        matrices, layer = self._state()
        cursor = self._cursor(matrices[layer], self.ui) or (0, 0)
        if self.ui.selected is None:
            dr = dc = 0
        self._select(layer, cursor[0] + dr, cursor[1] + dc)

    def action_layer(self, step: int) -> None:
        if self.frame is None:
            return
        matrices, layer = self._state()
        self._select((layer + step) % len(matrices), 0, 0)

    def action_edit(self) -> None:
        self.post_message(self.Edit())

    def on_click(self, event) -> None:
        if self.frame is None:
            return
        offset = event.get_content_offset(self)
        if offset is None:
            return
        matrices, layer = self._state()
        x, y = offset
        if y == 0:   # the layer tabs: " 0 " " 1 " … after "layer "
            k = (x - 6) // 3
            if 0 <= k < len(matrices):
                self._select(k, 0, 0)
            return
        m = matrices[layer]
        top = self._top(m, self._cursor(m, self.ui), max(1, self.size.height - 1 - INSPECTOR))
        label_w = len(str(m.values.shape[0] - 1)) + 2
        col = (x - label_w) // 2
        if m.bias is not None and x - label_w >= 2 * m.values.shape[1]:
            col = m.values.shape[1] if x - label_w > 2 * m.values.shape[1] else -1
        row = top + y - 1
        if 0 <= row < m.values.shape[0] and 0 <= col < m.cols:
            self._select(layer, row, col)


def _exists(frame, name: str, index: tuple) -> bool:
    value = frame.params.get(name)
    return value is not None and len(index) == value.ndim and all(0 <= i < n for i, n in zip(index, value.shape))
