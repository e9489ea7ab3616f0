"""The network unrolled in time: a column per step with its input x_t, the hidden state h_t as a
neurons × time heatmap (and the LSTM's cell c_t), the output ŷ_t and the target y_t; the current
step under ▼; the selected cell's number and the step's on the last line. Reads the model's pictures
(the view's extras["trace"]: Model.inspect's names, with the task's layout words).

A cell of the h (and c) heatmap is selected with ↑ ↓ (unit) and ⇧← ⇧→ (step) while the timeline has
focus, or by a click; its value is read out below, and the LSTM's cell diagram shows that unit and step.
"""
import numpy as np
from rich.style import Style

from dlsim.protocol.numbers import num
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.panel import Cells, Panel, UiState, cell_moves
from dlsim.tui.widgets.timeline.heat import CURRENT, DIM, LABEL, glyph, heat_lines, label, ruler, window

PICKED = st.plain(bold=True, reverse=True)
MARK = st.rgb((255, 214, 90))   # the selected half of a half-block cell


def _mark_half(drawn: list, pixel: int, column: int, per: int) -> None:
    """Mark the selected cell of a half-block heatmap: pixel row `pixel` of its lines (two a line),
    in the marker's colour, the other half of the cell left as it was (its value still shown)."""
    line, lower = divmod(pixel, 2)
    if line >= len(drawn):
        return
    cells = drawn[line]
    ch, style = cells[column]
    if style is None or style.bgcolor is None:   # glyphs, not colours: the whole cell
        cells[column] = ((ch.strip() or "·") * per, PICKED)
    elif lower:   # ▄ in the marker's colour over the upper pixel's
        cells[column] = ("▄" * per, Style(color=MARK, bgcolor=style.color))
    else:
        cells[column] = ("▀" * per, Style(color=MARK, bgcolor=style.bgcolor))


def symbol(row: np.ndarray, vocabulary: str) -> str:
    """One step's one-hot (or class scores) as a character: the text's own, or the class number."""
    k = int(np.argmax(row))
    if vocabulary:
        ch = vocabulary[k]
        return "⏎" if ch == "\n" else "·" if ch == " " else ch
    return str(k) if k < 10 else "+"


class Timeline(Panel):
    READING = (("unrolled", "a column per time step: x_t, the hidden state h_t (a row per unit: ░▒▓█ positive,\n"
                            "·-=≡ negative), ŷ_t and the target y_t; ▼ the current step;\n"
                            "↑ ↓ ⇧← ⇧→ or a click select a cell: its value is written below"),)
    can_focus = True
    BINDINGS = cell_moves("unit", "step")
    _blocks: dict = {}          # "h"/"c" → (first line, lines, rows of values, first row, rows a line) as drawn
    _span = (0, 1, 1)

    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        tr = frame.extras.get("trace")
        if not tr:
            return []
        x, h, logits = tr["x"], tr["h"][1:], tr["outputs"]
        T, t = x.shape[0], tr.get("t")
        span = window(T, width - 5, t)
        first, shown, per = span
        known = tr["known"]
        mono = getattr(self.app, "no_color", False)
        out: list[Cells] = [ruler(span, t)]
        out.append(self._inputs(x, span, tr["vocabulary"]))
        extra = tr.get("c")
        H, maps = h.shape[1], 1 if extra is None else 2
        fixed = len(out) + 3                               # ŷ, y, the numbers line
        # a gap under them only where the maps show every unit without it (a line per unit without
        # colour, where half blocks cannot hold two)
        whole = maps * (H if mono else -(-H // 2))
        budget = max(1, height - fixed - (1 if height > 8 and height - fixed - 1 >= whole else 0))
        h_lines = budget if extra is None else max(1, budget // 2)   # (c as many: the same units)
        row, at = self.view.picked_row(tr)
        blocks = {}
        blocks["h"] = self._heat(out, "h", h.T, 1.0, h_lines, span, mono, known, row, at, row % H)
        if extra is not None:
            c = extra[1:]
            scale = max(1.0, float(np.nanmax(np.abs(c[:known]))) if known else 1.0)
            blocks["c"] = self._heat(out, "c", c.T, scale, h_lines, span, mono, known,
                                     row - H, at, row % H)
        self._blocks, self._span = blocks, span
        out.append(self._outputs("ŷ", logits, span, known, tr, predicted=True))
        out.append(self._outputs("y", tr["y"], span, T, tr, predicted=False))
        out.append(self._numbers(tr, width))
        return out[:height]

    @staticmethod
    def _heat(out, name, values, scale, lines, span, mono, known, row, at, unit) -> tuple[int, int, int, int, int]:
        """Append a heatmap's lines (the rows around the selected unit where not all fit: h and c
        show the same units), the selected cell (row, at) marked; returns (first line, lines, rows
        of values, first row shown, rows a line) for a click to find its row."""
        first, shown, per = span
        start = len(out)
        rows = values.shape[0]
        block = heat_lines(name, values, scale, lines, span, mono, known, focus=unit)
        drawn = block.lines
        if block.top <= row < min(rows, block.top + block.per * len(drawn)) and first <= at < first + shown:
            if block.per == 1:   # a line per row
                cells = drawn[row - block.top]
                ch, _ = cells[1 + at - first]
                cells[1 + at - first] = ((ch.strip() or "·") * per, PICKED)
            else:                # two rows a line (half blocks)
                _mark_half(drawn, row - block.top, 1 + at - first, per)
        out += drawn
        return start, len(drawn), rows, block.top, block.per

    # --- selecting a cell ----------------------------------------------------------------------
    def _rows_and_steps(self) -> tuple[int, int] | None:
        tr = self.frame.extras.get("trace") if self.frame is not None else None
        if not tr:
            return None
        return tr["h"].shape[1] * (2 if "c" in tr else 1), tr["x"].shape[0]

    def _pick(self, row: int, t: int) -> None:
        sizes = self._rows_and_steps()
        if sizes is None:
            return
        self.view.pick = (row % sizes[0], max(0, min(t, sizes[1] - 1)))
        for panel in self.screen.query(Panel):   # this heatmap and the cell diagram show the choice
            panel._rebuild()

    def action_move(self, dr: int, dt: int) -> None:
        tr = self.frame.extras.get("trace") if self.frame is not None else None
        if tr:
            row, t = self.view.picked_row(tr)
            self._pick(row + dr, t + dt)

    def on_click(self, event) -> None:
        offset = event.get_content_offset(self)
        if offset is None or self.frame is None:
            return
        x, y = offset
        first, shown, per = self._span
        if x < LABEL or x >= LABEL + shown * per:
            return
        t = first + (x - LABEL) // per
        for name, (start, lines, rows, top, per_line) in self._blocks.items():
            if start <= y < start + lines:
                row = min(rows - 1, top + (y - start) * per_line)   # (a half block: its upper row)
                self._pick(row + (0 if name == "h" else self._blocks["h"][2]), t)

    def _inputs(self, x, span, vocabulary) -> Cells:
        first, shown, per = span
        cells = [label("x")]
        for t in range(first, first + shown):
            if x.shape[1] > 2:
                cells.append((symbol(x[t], vocabulary).ljust(per), st.plain()))
            elif x.shape[1] == 2:     # the adding problem: the number, marked where it counts
                ch, style = glyph(x[t, 0], 1.0)
                cells.append((("◆" if x[t, 1] > 0 else ch) * per, style))
            else:
                ch, style = glyph(x[t, 0], 2.0)
                cells.append((ch * per, style))
        return cells

    def _outputs(self, name, values, span, known, tr, predicted) -> Cells:
        first, shown, per = span
        T = tr["x"].shape[0]
        per_step = tr["per_step"]
        cells = [label(name)]
        for t in range(first, first + shown):
            row = values[t] if (predicted or per_step) else (values[0] if t == T - 1 else None)
            if row is None or t >= known or (predicted and not per_step and t != T - 1):
                cells.append((" " * per, None))
            elif tr["classes"]:
                cells.append((symbol(row, tr["vocabulary"]).ljust(per), CURRENT if t == tr.get("t") else st.plain()))
            else:
                ch, style = glyph(float(row[0]), 1.0)
                cells.append((ch * per, style))
        return cells

    def _numbers(self, tr, width) -> Cells:
        """The selected cell's value, then its step's input and output: ŷ_t always the logits (the
        scores before any softmax) and, for classes, the class they pick. The unit is named by its
        index, as the weight heatmap's rows (h0 …) and the README's counting rule name it (h[0]); t is
        the step's index, as the ruler, the status line and the formulas write it. What does not fit
        is left out whole, never cut inside a word or a number."""
        row, t = self.view.picked_row(tr)
        H = tr["h"].shape[1]
        name, unit = ("h", row) if row < H else ("c", row - H)
        if t >= tr["known"]:
            return [(fit([f"{name}[{unit}] at t={t}: not computed yet", f"{name}[{unit}] t={t}: –"], width), DIM)]
        value = tr[name][t + 1, unit]
        x = tr["x"][t]
        xs = symbol(x, tr["vocabulary"]) if x.shape[0] > 2 else ", ".join(num(v) for v in x)
        ys = tr["outputs"][t]
        parts = [f" · x {xs}"]
        if tr["classes"]:
            parts.append(f" · ŷ → {symbol(ys, tr['vocabulary'])}")
            parts.append(f" logits {' '.join(num(v) for v in ys[:3])}{' …' if len(ys) > 3 else ''}")
        else:
            parts.append(f" · ŷ {num(ys[0])}")
        head = f"{name}[{unit}] at t={t}: {num(float(value))}"
        if len(head) > width:
            head = f"{name}[{unit}] t={t}: {num(float(value))}"
        tail = ""
        for part in parts:
            if len(head) + len(tail) + len(part) > width:
                break
            tail += part
        return [(head, st.plain(bold=True)), (tail, st.plain())]


def fit(texts: list[str], width: int) -> str:
    """The first of the texts that fits the width (the last one, cut, where none does)."""
    for text in texts:
        if len(text) <= width:
            return text
    return texts[-1][:width]
