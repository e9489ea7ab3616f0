"""A weight-matrix heatmap per layer (any size), and the inspector of the selected weight.

Laid out as W is stored: W has shape (inputs, neurons) and W[i, j] connects input i to neuron j,
so row i is input i and column j is neuron j; the bias b[j] is the last row. The corner names the
axes (`x╲h1`: rows are x, columns h1) and a line says which rows or columns are out of view. A cell
reads `+7` or `−3`: the sign, then the size from 1 to 9 relative to the largest in the layer (`·`
for about zero); the background repeats both in colour. During the backward pass the cells show
∂L/∂W as it accumulates. Keys (when focused): ↑ ↓ rows, ⇧← ⇧→ columns, PgUp PgDn layers, Enter
edits. Or click a cell.
"""
import textwrap
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from textual.binding import Binding
from textual.message import Message

from dlsim.protocol.numbers import num
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.network.heatmap_cells import column_labels, plain_cells
from dlsim.tui.widgets.panel import Cells, Panel, UiState, cell_moves

INSPECTOR = 3
HEADER = 2          # the layer tabs, the column numbers


@dataclass
class Matrix:
    title: str                                   # "16→16"
    values: np.ndarray                           # (I, O): row = input i, column = neuron j
    bias: np.ndarray | None                      # (O,): the last row
    element: Callable[[int, int], tuple[str, tuple]]   # (row, col) → (parameter, index); row I = bias
    kind: str = "W"                              # or "∂L/∂W"
    hot: set = field(default_factory=set)        # (row, col) the current event touched
    inputs: str = "i"                            # what the rows are ("x", "h1")
    outputs: str = "j"                           # what the columns are ("h1", "out")
    names: Callable[[int, int], str] | None = None   # (row, col) → "W[i,j]" as the heatmap shows it,
    #   where the parameter is stored otherwise (the RNN's W_x[j, i]); else the element's own name
    columns: tuple[str, ...] | None = None       # a name over each column (at most two characters),
    #   where the columns are different quantities (the RBF's c σ w), not numbered neurons

    def name(self, row: int, col: int) -> str:
        """The cell's name for the learner: row i, column j, as the heatmap lays them out."""
        if self.names is not None:
            return self.names(row, col)
        return element_name(*self.element(row, col))

    @property
    def rows(self) -> int:
        return self.values.shape[0] + (1 if self.bias is not None else 0)

    @property
    def cols(self) -> int:
        return self.values.shape[1]

    def value(self, row: int, col: int) -> float:
        return float(self.bias[col] if row == self.values.shape[0] else self.values[row, col])

    def row_label(self, row: int) -> str:
        return "b" if row == self.values.shape[0] else str(row)

    @property
    def corner(self) -> str:
        return f"{self.inputs}╲{self.outputs}"

    @property
    def label_width(self) -> int:
        return max(len(self.corner), len(str(self.values.shape[0] - 1)) + 1) + 1


@dataclass
class View:
    """Which part of a matrix fits: rows top..top+shown_rows, columns left..left+shown_cols."""
    top: int
    shown_rows: int
    left: int
    shown_cols: int
    note: bool         # a line saying what is out of view


def fit(m: Matrix, focus: tuple[int, int] | None, width: int, grid_h: int) -> View:
    """The rows and columns shown, keeping `focus` (the cursor, or the cell being computed) in view."""
    cols_fit = max(1, (width - m.label_width) // 2)
    cut = m.rows > grid_h or m.cols > cols_fit
    rows_fit = max(1, grid_h - (1 if cut else 0))
    fr, fc = focus or (0, 0)
    top = min(max(0, fr - rows_fit // 2), max(0, m.rows - rows_fit))
    left = min(max(0, fc - cols_fit // 2), max(0, m.cols - cols_fit))
    return View(top, min(rows_fit, m.rows), left, min(cols_fit, m.cols), cut)


def out_of_view(m: Matrix, v: View, width: int | None = None) -> str:
    """"▲ rows 0–3 · ▼ rows 10–15, b · ▶ columns 18–63", or "" when everything shows. Where that is
    longer than `width` (a 40-column heatmap at 80×24), the words give way ("▲ 0–3 · ▼ 10–15, b ·
    ▶ 18–63": the arrows say rows or columns), so no number is cut."""
    parts = []
    if v.top > 0:
        parts.append(("▲ rows ", _span(m, 0, v.top - 1)))
    if v.top + v.shown_rows < m.rows:
        below = _span(m, v.top + v.shown_rows, m.rows - 1)
        parts.append(("▼ " if below == "b" else "▼ rows ", below))   # only the bias row: not "rows b"
    if v.left > 0:
        parts.append(("◀ columns ", _span(None, 0, v.left - 1)))
    if v.left + v.shown_cols < m.cols:
        parts.append(("▶ columns ", _span(None, v.left + v.shown_cols, m.cols - 1)))
    text = " · ".join(word + span for word, span in parts)
    if width is not None and len(text) > width:
        text = " · ".join(word[:2] + span for word, span in parts)
    return text


def _span(m: Matrix | None, first: int, last: int) -> str:
    label = (lambda r: m.row_label(r)) if m is not None else str
    if m is not None and last == m.values.shape[0] and first < last:   # the bias row after weights
        # by the rows' own labels (an LSTM's x0 h0 …), as the heatmap writes them
        return (f"{label(first)}–{label(last - 1)}, b" if first < last - 1 else f"{label(first)}, b")
    return label(first) if first == last else f"{label(first)}–{label(last)}"


class WeightsPanel(Panel):
    READING = (("heatmap", "row i = input i, column j = neuron j (W[i, j]), the bias the last row; +7 / −3:\n"
                          "the sign, and the size 1–9 relative to the layer's largest (· ≈ 0)"),)
    can_focus = True
    BINDINGS = [
        *cell_moves(),
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

    _several: bool | None = None   # more than one matrix to page to, as last drawn

    def _state(self):
        matrices = self.view.matrices(self.frame, self.ui)
        layer = self.view.shown_layer(self.frame, self.ui, len(matrices))
        if (len(matrices) > 1) != self._several:   # PgUp / PgDn offered or not (check_action)
            self._several = len(matrices) > 1
            self.refresh_bindings()
        return matrices, layer

    def check_action(self, action: str, parameters) -> bool | None:
        """PgUp / PgDn only where there is another matrix to page to: the keys panel (Ctrl+P Keys)
        listed them for a perceptron's or a SOM's one matrix, where they did nothing."""
        return bool(self._several) if action == "layer" else True

    def _fit(self, m: Matrix, width: int, height: int, below: int = INSPECTOR) -> View:
        cursor = self._cursor(m, self.ui)
        focus = cursor or min(m.hot, default=None)
        whole = fit(m, focus, width, max(1, height - HEADER))
        if self.ui.selected is None and not whole.note:
            # the select-a-weight hint gives way where its rows let every weight show: an RBM's
            # 4×2 W at 80×24 beside a lesson showed row 0 alone under the hint's two lines
            return whole
        return fit(m, focus, width, max(1, height - HEADER - below))

    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        matrices, layer = self._state()
        if not matrices:
            return []
        m = matrices[layer]
        word = self.view.matrix_word   # "layer"; none for a network of one matrix and no layers
        cursor = self._cursor(m, ui)
        every = np.concatenate([m.values.ravel(), m.bias if m.bias is not None else []])
        finite = np.abs(every[np.isfinite(every)])
        scale = float(finite.max()) if finite.size else 0.0
        tabs = self._tabs(word, len(matrices) if word else 0, layer, m, scale, width)
        inspector = self._inspector(frame, ui, width, matrices, layer)
        if len(inspector) > INSPECTOR and height < HEADER + 2 + len(inspector):
            # the optimizer's state on a line of its own, in a panel of a row of weights (a CNN's
            # kernels at 80×24): the last change gives way to it, or the inspector would not show
            inspector = inspector[:INSPECTOR]
        below = max(INSPECTOR, len(inspector))   # a fourth line where the state needs its own
        v = self._fit(m, width, height, below)
        label_w = m.label_width
        head: Cells = [(m.corner.ljust(label_w), st.plain(dim=True))]
        hot_rows, hot_cols = {h[0] for h in m.hot}, {h[1] for h in m.hot}
        shown = range(v.left, v.left + v.shown_cols)
        hot = [hot_cols == {c} or (cursor is not None and cursor[1] == c) for c in shown]
        labels = [m.columns[c].rjust(2) for c in shown] if m.columns else column_labels(shown, hot)
        for c, label, hot_col in zip(shown, labels, hot):
            head.append((label, st.plain(dim=not hot_col, bold=hot_col)))
        out = [tabs, head]
        grid = plain_cells(m, v, scale)
        for k, r in enumerate(range(v.top, v.top + v.shown_rows)):
            hot_row = hot_rows == {r}
            row: Cells = [(("▸" if hot_row else " ") + m.row_label(r).rjust(label_w - 2) + " ",
                           st.plain(dim=not hot_row))]
            if grid is not None and r not in hot_rows and (cursor is None or cursor[0] != r):
                row += grid[k]   # no cell of this row is marked: each as its value has it
            else:
                for c in range(v.left, v.left + v.shown_cols):
                    value = m.value(r, c)
                    row.append((self._cell(value, scale), st.cell(st.sign_of(value), st.strength(value, scale),
                                                                  bold=(r, c) in m.hot or (r, c) == cursor,
                                                                  reverse=(r, c) == cursor,
                                                                  underline=(r, c) in m.hot)))
            out.append(row)
        if v.note:
            out.append([(out_of_view(m, v, width)[:width], st.plain(dim=True))])
        if len(out) + len(inspector) <= height:   # else the weights took its rows (_fit): no half hint
            out += [[] for _ in range(height - below - len(out))] + inspector
        return out

    def _tabs(self, word: str | None, count: int, layer: int, m: Matrix, scale: float, width: int) -> Cells:
        """"layer  0  1  2  x→h1 2→3 · W[i,j] · ±9 = 2.820". Where the line is short, words give way
        in this order: "x→h1 2→3" (the corner says x→h1; the name "2→3" comes back without "[i,j]"
        where that makes room, as a GAN's "D 16→16" says which network the layer is in), then the
        name, the tabs' spaces, the separators and the legend's spaces, last the word "layer". Kept
        longest, what the numbers are: W or ∂L/∂W (never dropped for gradients, which would read as
        weights) and the legend's number, never cut."""
        legend = f"±9 = {num(scale)}" if scale > 0 else "all 0"   # cell = sign and size 1..9 of |w|
        tight = legend.replace(" = ", "=")
        kind = f"{m.kind}[i,j]"
        named = [m.title, m.kind, legend]
        tried = [(True, 3, [f"{m.inputs}→{m.outputs} {m.title}", kind, legend], " · "),   # (word, tab width,
                 (True, 3, [kind, legend], " · "),                                         #  parts, separator)
                 (True, 3, named, " · "), (True, 2, named, " · "), (True, 2, named, " "),
                 (True, 3, [m.kind, legend], " · "), (True, 2, [m.kind, legend], " · "),
                 (True, 2, [m.kind, legend], " "), (True, 2, [m.kind, tight], " "),
                 (False, 2, [m.kind, tight], " "), (False, 2, [tight], " ")]
        if count > 10:   # two cells a tab would run "10" into "11"
            tried = [(w, 3, parts, sep) for w, _, parts, sep in tried]
        if m.kind.startswith("∂"):   # gradients (∂L/∂W, a CNN's ∂L/∂K) are never shown unnamed
            tried = [form for form in tried if any(m.kind in part for part in form[2])]

        def length(with_word, tab_w, parts, sep):
            start = len(word) + 1 if word and with_word else 0
            return start + tab_w * count + (1 if count and tab_w == 3 else 0) + len(sep.join(parts))
        with_word, tab_w, parts, sep = next((form for form in tried if length(*form) <= width), tried[-1])
        start = len(word) + 1 if word and with_word else 0
        self._tabs_at, self._tab_w = (start if count else None), tab_w
        tabs: Cells = [(word + " ", st.plain(dim=True))] if word and start else []
        for k in range(count):
            tabs.append((f"{k} " if tab_w == 2 else f" {k} ",
                         st.plain(reverse=k == layer, bold=k == layer)))
        tabs.append(((" " if count and tab_w == 3 else "") + sep.join(parts), st.plain(dim=True)))
        return tabs

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
        for r in range(m.rows):
            for c in range(m.cols):
                if m.element(r, c) == ui.selected:
                    return r, c
        return None

    def _inspector(self, frame, ui: UiState, width: int, matrices: list[Matrix], layer: int) -> list[Cells]:
        if ui.selected is not None and not _exists(frame, *ui.selected):
            ui.selected = ui.layer = None   # the network was rebuilt under the selection
        if ui.selected is None:
            word = self.view.matrix_word
            tabs = f" (PgUp PgDn {word}s)" if word else ""
            hint = f"Select a weight: click it, or w then ↑ ↓ ⇧← ⇧→{tabs}; e edits it."
            return [[(line, st.plain(dim=True))] for line in textwrap.wrap(hint, width)][:INSPECTOR]
        name, index = ui.selected
        label = selected_name(matrices, ui.selected, layer)   # as the heatmap shows the cell
        value = float(frame.params[name][index])
        if len(f"{label} = {num(value, 6)}") > width:   # a narrow panel: the number whole, the name shorter
            label = label.rsplit(".", 1)[-1]
        lines = [[(f"{label} = ", st.plain(bold=True)), (num(value, 6), st.plain(bold=True))]]
        state = {symbol: float(values[name][index])                 # momentum's v, Adam's m and v
                 for symbol, values in frame.optimizer_state.items() if name in values}
        if frame.grads is not None:
            symbol = "b" if label.rsplit(".", 1)[-1].startswith("b") else "w"   # a bias: ∂L/∂b
            gradient = frame.grads[name][index]
            grad = f"∂L/∂{symbol} = {num(gradient, 6)}"
            beside = _with_state(f"∂L/∂{symbol}", gradient, state, width) if state else None
            if beside is not None:
                lines.append([(beside, st.plain())])
            else:   # the state, where there is one, on a line of its own (a narrow panel: a CNN's at 80×24)
                lines.append([(grad, st.plain())] + ([(" (batch so far)", st.plain(dim=True))]
                                                     if len(grad) + 15 <= width else []))
                if state:
                    lines.append([(_with_state("", None, state, width, cut=True), st.plain())])
        elif state:   # a step that is no loss's gradient (an RBM's CD) through momentum or Adam
            lines.append([(_with_state("", None, state, width, cut=True), st.plain())])
        elif self.view.without_gradient:   # the network's own words: how it learns instead
            forms = self.view.without_gradient   # longest first: the first that fits, never cut
            forms = (forms,) if isinstance(forms, str) else forms
            said = next((f for f in forms if len(f) <= width), None) or textwrap.shorten(forms[-1], width, placeholder=" …")
            lines.append([(said, st.plain(dim=True))])
        change = frame.changes.at(frame.layout.index(name, index))
        said = change.describe(frame.unit[0])
        # never a cut count ("at step 13," for 13,296): without "last:" where it is short, else whole words
        text = next((t for t in ("last: " + said, said) if len(t) <= width), None)
        if text is None:
            text = textwrap.shorten(said, width, placeholder=" …")
        lines.append([(text, st.plain())])
        return lines

    # --- selecting -----------------------------------------------------------------------------
    def _select(self, layer: int, row: int, col: int) -> None:
        matrices = self.view.matrices(self.frame, self.ui)
        m = matrices[layer]
        row, col = max(0, min(row, m.rows - 1)), max(0, min(col, m.cols - 1))
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
        if len(matrices) > 1:   # one matrix (a perceptron's, a SOM's): no other to page to, the selection stays
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
        tabs_at = getattr(self, "_tabs_at", None)
        if y == 0 and tabs_at is not None:   # the tabs: " 0 " " 1 " (or "0 " "1 ") … after "layer " where it fits
            k = (x - tabs_at) // getattr(self, "_tab_w", 3)
            if 0 <= k < len(matrices):
                self._select(k, 0, 0)
            return
        if y == 0:
            return
        m = matrices[layer]
        v = self._fit(m, self.size.width, self.size.height)
        row, col = v.top + y - HEADER, v.left + (x - m.label_width) // 2
        if x >= m.label_width and v.top <= row < v.top + v.shown_rows and v.left <= col < v.left + v.shown_cols:
            self._select(layer, row, col)


def _with_state(grad_symbol: str, gradient: float | None, state: dict[str, float], width: int,
                cut: bool = False) -> str | None:
    """"∂L/∂w = −0.200510 · v = −0.406999": the gradient and what the optimizer remembers of the
    weight: six digits where they fit, else three (a tiny v in three significant digits), the
    separators giving way next. Without a gradient (an RBM's CD step, or the state on a line of its
    own), the state alone. None where no form fits, or with `cut`, the shortest cut at `width`."""
    forms = []
    for digits, sep, eq in ((6, " · ", " = "), (3, " · ", " = "), (3, "  ", " = "), (3, " ", " = "), (3, " ", " ")):
        said = [f"{grad_symbol}{eq}{num(gradient, digits)}"] if gradient is not None else []
        parts = said + [f"{k}{eq}{num(x, digits)}" for k, x in state.items()]
        forms.append(sep.join(parts))
    return next((text for text in forms if len(text) <= width), forms[-1][:width] if cut else None)


def element_name(name: str, index: tuple) -> str:
    """"layer[0].W[1,2]": a parameter's element as it is stored."""
    return f"{name}[{','.join(map(str, index))}]"


def selected_name(matrices: list[Matrix], element: tuple[str, tuple], layer: int | None = None) -> str:
    """The selected weight's name as the heatmap shows its cell (the shown matrix's first, `layer`),
    else the stored element's."""
    if all(m.names is None for m in matrices):   # stored as shown (every network but the recurrent ones)
        return element_name(*element)
    order = ([matrices[layer]] if layer is not None and 0 <= layer < len(matrices) else []) + list(matrices)
    for m in order:
        for r in range(m.rows):
            for c in range(m.cols):
                if m.element(r, c) == element:
                    return m.name(r, c)
    return element_name(*element)


def _exists(frame, name: str, index: tuple) -> bool:
    value = frame.params.get(name)
    return value is not None and len(index) == value.ndim and all(0 <= i < n for i, n in zip(index, value.shape))
