"""The RNN's and the LSTM's weights as the shared heatmap's matrices (widgets/network/weights.py), one
per tab: per layer and gate (the LSTM's f, i, g, o; the RNN's one) the weights into that gate's units,
W_x over W_h as the gate's sum takes them (z = W_x·x_t + W_h·h_t−1 + b), the bias b the last row; then
the output layer W_y with b_y. Laid out as the heatmap lays out every network's: row = input, column
j = unit j. The parameters are stored a row per unit (W_x[q·H + j, i] for gate q), so each cell's
element is (W_x, (q·H + j, i)): what the selection holds, reads and edits (the model's flat theta
through it). The learner reads the cell as the heatmap shows it, row i and column j, W[i,j] as its
header says, with the gate named on an LSTM's tab: layer[0].Wh_i[0,1] is the input gate's weight
from h0 into unit 1 (stored at W_h[H + 1, 0]). While a backward pass runs, the cells show ∂L/∂W as
it accumulates."""
import re
from dataclasses import dataclass

import numpy as np

from dlsim.tui.widgets.network.weights import Matrix

GATES = ("f", "i", "g", "o")   # the LSTM's gate rows, in the model's order (one bias each)


@dataclass
class Stacked(Matrix):
    """A gate's W_x over its W_h: rows x0… then h0… (the state entering the step), then b."""
    n_x: int = 0

    def row_label(self, row: int) -> str:
        if row == self.values.shape[0]:
            return "b"
        return f"x{row}" if row < self.n_x else f"h{row - self.n_x}"

    @property
    def label_width(self) -> int:
        return max(len(self.corner), len(self.row_label(self.values.shape[0] - 1)) + 1) + 1


def matrices(frame, gates: int) -> list[Matrix]:
    backward = frame.phase == "backward" and frame.grads is not None
    source = frame.grads if backward else frame.params
    kind = "∂L/∂W" if backward else "W"
    layers = sorted({int(m.group(1)) for name in source if (m := re.match(r"layer\[(\d+)\]\.Wx$", name))})
    out = []
    for l in layers:
        Wx, Wh, b = (np.asarray(source[f"layer[{l}].{k}"]) for k in ("Wx", "Wh", "b"))
        H, F = Wh.shape[1], Wx.shape[1]
        below = "x" if l == 0 else f"h{l}"
        layer = f" layer {l}" if len(layers) > 1 else ""
        for q in range(gates):
            rows = slice(q * H, (q + 1) * H)
            unit = GATES[q] if gates > 1 else "h"
            values = np.concatenate([Wx[rows].T, Wh[rows].T])   # (F + H, H)
            out.append(Stacked(f"[W_x; W_h]{layer}", values, b[rows], _element(l, q * H, F, H), kind,
                               inputs=f"{below},h", outputs=unit,
                               names=_names(l, f"_{GATES[q]}" if gates > 1 else "", F, H), n_x=F))
    Wy, by = np.asarray(source["Wy"]), np.asarray(source["by"])
    out.append(Matrix("W_y", Wy.T, by, _output_element(Wy.shape[1]), kind, inputs="h", outputs="ŷ",
                      names=_output_names(Wy.shape[1])))
    return out


def _element(l: int, first_row: int, n_x: int, n_h: int):
    """(row, col) of a gate's heatmap → (parameter, index): W_x or W_h at [first_row + col, input],
    or b[first_row + col] on the last row."""
    def element(row, col):
        if row < n_x:
            return f"layer[{l}].Wx", (first_row + col, row)
        if row < n_x + n_h:
            return f"layer[{l}].Wh", (first_row + col, row - n_x)
        return f"layer[{l}].b", (first_row + col,)
    return element


def _names(l: int, gate: str, n_x: int, n_h: int):
    """(row, col) of a gate's heatmap → its name as the heatmap shows it: row x_i or h_i, column j
    (layer[0].Wx[i,j], layer[0].Wh_f[i,j] on the LSTM's f tab), b[j] on the last row."""
    def name(row, col):
        if row < n_x:
            return f"layer[{l}].Wx{gate}[{row},{col}]"
        if row < n_x + n_h:
            return f"layer[{l}].Wh{gate}[{row - n_x},{col}]"
        return f"layer[{l}].b{gate}[{col}]"
    return name


def _output_names(n_in: int):
    def name(row, col):
        return f"by[{col}]" if row == n_in else f"Wy[{row},{col}]"
    return name


def _output_element(n_in: int):
    def element(row, col):
        return ("by", (col,)) if row == n_in else ("Wy", (col, row))
    return element
