"""The LSTM cell as the classic diagram: the cell state c flowing along the top, the forget gate's
product ×, the input gate times the candidate added in (+), tanh of the new cell and the output gate's
product giving h_t; the gates σ, σ, tanh, σ drawn over the line that brings h_{t−1} and x_t to them.
Each place carries the live value of the selected unit at the selected step (the model's: inspect's
c, gate_f … gate_o, tanh_c and h). Narrower than the diagram, the same values as the two equations."""
from dlsim.protocol.numbers import fac, num
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.panel import Cells, Panel, UiState
from dlsim.tui.widgets.timeline.heat import DIM

WIDE = 55          # the diagram's width; narrower panels get the equations
VALUE = st.plain(bold=True)
WIRE = st.plain(dim=True)


def short(v: float | None) -> str:
    """A value as every panel writes it (the README's number rule: the math panel's c_2 = (−0.018, …)
    reads −0.018 here too); "–" for one not computed yet."""
    return num(v)


def factor(v: float | None) -> str:
    """A value in a product: negatives in brackets, so 0.770·(−0.020) never reads as a subtraction."""
    return "–" if v is None else fac(v)


def values(tr: dict, unit: int, t: int) -> dict | None:
    """The selected unit's numbers at step t (None for each not computed yet inside the step in
    hand), or None where the step is not reached yet."""
    if t >= tr["known"] or unit >= tr["c"].shape[1]:
        return None
    out = {"c_prev": tr["c"][t, unit], "c": tr["c"][t + 1, unit], "h_prev": tr["h"][t, unit],
           "h": tr["h"][t + 1, unit], "tanh_c": tr["tanh_c"][t, unit],
           **{q: tr[f"gate_{q}"][t, unit] for q in "figo"}}
    partial = tr.get("partial")
    if partial is None or partial[0] != t or unit < partial[1]:
        return out
    if unit > partial[1]:
        return None
    gate = partial[2]
    done = "figo"[:"figo".index(gate) + 1] if gate in ("f", "i", "g", "o") else "figo"
    for name in out:
        if name in "figo" and name not in done or name in ("c", "tanh_c", "h") and gate is not None:
            out[name] = None
    return out


class CellPanel(Panel):
    READING = (("LSTM cell", "the selected unit at the selected step: c_t = f·c_{t−1} + i·g, h_t = o·tanh(c_t);\n"
                             "select a unit and step in the timeline (↑ ↓ ⇧← ⇧→ or click)"),)

    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        tr = frame.extras.get("trace")
        if not tr or "gate_f" not in tr:
            return []
        unit, t = self.view.picked(tr)
        v = values(tr, unit, t)
        title = f"h[{unit}] and c[{unit}] at t={t}"   # the unit by its index, as the timeline and weights
        if v is None:
            return [[(title, VALUE)], [("not reached yet at this step", DIM)]]
        return ([[(title, VALUE), (note(v, width), DIM)]] + drawn(v, t, width))[:height]


def note(v: dict, width: int) -> str:
    return " · gate rows f i g o, one bias each" if width >= WIDE and fits(v) else ""


def drawn(v: dict, t: int, width: int) -> list[Cells]:
    """The diagram where the panel is wide enough and every value fits its place, else the equations."""
    return diagram(v, t) if width >= WIDE and fits(v) else equations(v, t)


def _canvas(rows: int, cols: int):
    return [[(" ", None) for _ in range(cols)] for _ in range(rows)]


def _put(canvas, r: int, c: int, text: str, style=WIRE) -> None:
    for k, ch in enumerate(text):
        if 0 <= c + k < len(canvas[r]):
            canvas[r][c + k] = (ch, style)


# the characters each value has in the diagram before the next wire or word (a space kept)
SLOTS = {"c": 9, "c_prev": 9, "tanh_c": 14, "h": 8, "f": 5, "i": 5, "g": 6, "o": 20, "h_prev": 6}


def fits(v: dict) -> bool:
    """Whether every value fits its place in the diagram (a tiny gate, 2.22e−11, does not: then the
    equations, whose numbers are never written over)."""
    return all(len(short(v[name])) <= room for name, room in SLOTS.items())


def diagram(v: dict, t: int) -> list[Cells]:
    """Nine lines, WIDE characters: the cell's wires with its values in place."""
    g = _canvas(8, WIDE)
    put = lambda r, c, text, style=WIRE: _put(g, r, c, text, style)   # noqa: E731
    # c along the top: × by f, + i·g, then on to c_t (and down through tanh to h_t)
    put(0, 0, "c_t−1 ───(×)─────────(+)──────────────┬─▶ c_t ")
    put(0, 46, short(v["c"]), VALUE)        # values up to 7 characters (−12.345) fit each slot
    put(1, 0, short(v["c_prev"]), VALUE)
    for r in (1, 2, 3):
        put(r, 10, "│")
    put(1, 22, "│")
    put(1, 38, "│")
    put(2, 18, "┌──(×)──┐")
    put(2, 36, "tanh ")
    put(2, 41, short(v["tanh_c"]), VALUE)
    put(3, 18, "│")
    put(3, 26, "│")
    put(3, 34, "└──(×)─▶ h_t ")
    put(3, 47, short(v["h"]), VALUE)
    # the gates, each squashing its own W_x·x_t + W_h·h_{t−1} + b
    for col, text in ((10, "σ"), (18, "σ"), (25, "tanh"), (34, "σ")):
        put(4, col, text)
    for col, q in ((7, "f"), (15, "i"), (23, "g"), (32, "o")):   # g may be negative: o one further
        put(5, col, q + " ")
        put(5, col + 2, short(v[q]), VALUE)
    put(6, 0, "──────────┴───────┴───────┴───────┘")
    put(7, 0, "h_t−1 ")
    put(7, 6, short(v["h_prev"]), VALUE)
    put(7, 13, "and x_t → each gate: W_x·x + W_h·h + b")
    return [_joined(row) for row in g]


def equations(v: dict, t: int) -> list[Cells]:
    """The same numbers as the two equations, for a narrow panel (≥ 38 characters): each result
    first, its arithmetic on the line below."""
    f, i, g, o = (short(v[q]) for q in "figo")
    F, I, G, O = (factor(v[q]) for q in "figo")
    return [
        [("f ", WIRE), (f, VALUE), ("  i ", WIRE), (i, VALUE), ("  g ", WIRE), (g, VALUE), ("  o ", WIRE), (o, VALUE)],
        [("c_t = f·c_t−1 + i·g = ", DIM), (short(v["c"]), VALUE)],
        [("    = ", WIRE), (F, VALUE), ("·", WIRE), (factor(v["c_prev"]), VALUE), (" + ", WIRE), (I, VALUE),
         ("·", WIRE), (G, VALUE)],
        [("h_t = o·tanh(c_t) = ", DIM), (short(v["h"]), VALUE)],
        [("    = ", WIRE), (O, VALUE), ("·", WIRE), (factor(v["tanh_c"]), VALUE), ("   h_t−1 ", WIRE),
         (short(v["h_prev"]), VALUE)],
    ]


def _joined(row) -> Cells:
    """Neighbouring characters of one style as one cell."""
    out: Cells = []
    for ch, style in row:
        if out and out[-1][1] is style:
            out[-1] = (out[-1][0] + ch, style)
        else:
            out.append((ch, style))
    return out
