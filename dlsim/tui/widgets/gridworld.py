"""A gridworld drawn in the terminal: its walls, goal, pit and start, and, per cell, what an agent has
learnt there (four Q values, or one value) with the greedy action's arrow; the agent's cell, and the
Q value being updated now. Tabular Q-learning and DQN draw their gridworld with it.

The model computes every number (views only draw): the caller hands a `GridPicture` (the layout, the
values, the arrows, the agent, the highlight) and `grid_rows` lays it out at the largest of three
sizes that fits: four Q values a cell (a cell is 3 lines), one value and the arrow a cell (one line),
or the arrow alone (one line, shaded by the value). Colour never carries meaning alone: walls are █,
the goal ◎, the pit ✕, the start S, the agent ◆, and the Q value being updated is drawn reversed
(and bold), which NO_COLOR keeps.
`GridworldPanel` is the panel that draws `frame.extras["gridworld"]`.
"""
from dataclasses import dataclass

import numpy as np

from dlsim.protocol.environments import GOAL, PIT, START, WALL
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.panel import Cells, Panel, UiState

ARROWS = "↑→↓←"   # actions up, right, down, left (the environment's order)
AGENT, GOAL_GLYPH, PIT_GLYPH, START_GLYPH, WALL_GLYPH = "◆", "◎", "✕", "S", "█"
GLYPHS = {GOAL: GOAL_GLYPH, PIT: PIT_GLYPH}
LEGENDS = (f"{AGENT} agent  {GOAL_GLYPH} goal  {PIT_GLYPH} pit  {START_GLYPH} start  {WALL_GLYPH} wall  reversed: updating",
           f"{AGENT} agent {GOAL_GLYPH} goal {PIT_GLYPH} pit {START_GLYPH} start {WALL_GLYPH} wall",
           f"{AGENT}agent {GOAL_GLYPH}goal {PIT_GLYPH}pit")   # the longest that fits is shown
UPDATING = st.plain(bold=True, reverse=True)
NUMBER = 5        # characters of a number in the four-Q cell (style.short)
FOUR_W = 2 * NUMBER + 4   # "−0.10 ◆↑ +0.30": left value, agent, arrow, right value


@dataclass(frozen=True)
class GridPicture:
    """What a gridworld picture shows; every array is by cell (row·cols + col)."""
    layout: np.ndarray                    # (rows, cols) int64 cell kinds (dlsim.protocol.environments)
    q: np.ndarray | None = None           # (cells, actions): each cell's Q values, drawn four a cell
    value: np.ndarray | None = None       # (cells,): one value a cell, where there are no Q values to show
    greedy: np.ndarray | None = None      # (cells,) the arrow's action (−1: none), as the model breaks ties
    agent: int | None = None              # the cell the agent stands on
    highlight: tuple[int, int] | None = None   # (cell, action): the Q value being updated

    def values(self) -> np.ndarray:
        """(cells,) the one value a cell of the smaller sizes: the given value, else max over actions."""
        if self.value is not None:
            return np.asarray(self.value, float)
        if self.q is not None:
            return np.asarray(self.q, float).max(axis=1)
        return np.zeros(self.layout.size)


def _scale(values: np.ndarray) -> float:
    finite = np.abs(values[np.isfinite(values)])
    return float(finite.max()) if finite.size else 0.0


def _number(value: float, scale: float, mono: bool, width: int = NUMBER, mark: bool = False) -> list:
    """A number centred in `width`, shaded by sign and size; the one being updated reversed."""
    text = st.short(float(value), NUMBER).strip()
    left = (width - len(text)) // 2
    if mark:
        return [(" " * left, None), (text, UPDATING), (" " * (width - left - len(text)), None)]
    style = st.plain() if mono else st.ink(st.sign_of(value), st.strength(value, scale))
    return [(text.center(width), style)]


def _kind(pic: GridPicture, cell: int) -> int:
    return int(pic.layout.flat[cell])


def _arrow(pic: GridPicture, cell: int) -> str:
    if pic.greedy is None or _kind(pic, cell) in (WALL, GOAL, PIT):
        return " "
    a = int(pic.greedy[cell])
    return ARROWS[a] if 0 <= a < len(ARROWS) else " "


def _centre(pic: GridPicture, cell: int) -> str:
    """Three characters (then a space): the agent (or the start's S), the arrow, or the goal's / pit's glyph."""
    kind = _kind(pic, cell)
    if kind in GLYPHS:
        return (AGENT if pic.agent == cell else " ") + GLYPHS[kind] + " "
    first = AGENT if pic.agent == cell else START_GLYPH if kind == START else " "
    return first + _arrow(pic, cell) + " "


def _four_rows(pic: GridPicture, mono: bool) -> list[Cells]:
    """Three lines a cell row: up above, left and right beside the arrow, down below."""
    rows, cols = pic.layout.shape
    q = np.asarray(pic.q, float)
    scale, line = _scale(q), st.plain(dim=True)
    rule: Cells = [("─" * FOUR_W + ("┼" if c < cols - 1 else ""), line) for c in range(cols)]
    out: list[Cells] = []
    for r in range(rows):
        parts: list[Cells] = [[], [], []]
        for c in range(cols):
            cell = r * cols + c
            gap = [("│" if c < cols - 1 else "", line)]
            if _kind(pic, cell) == WALL:
                for part in parts:
                    part += [(WALL_GLYPH * FOUR_W, line if mono else st.plain())] + gap
                continue

            def number(action, width=NUMBER):
                mark = pic.highlight == (cell, action)
                if _kind(pic, cell) in GLYPHS and not mark:
                    return [(" " * width, None)]   # an episode ends there: its Q values are never used
                return _number(q[cell, action], scale, mono, width, mark)
            centre = [(" " + _centre(pic, cell), st.plain(bold=True))]
            parts[0] += number(0, FOUR_W) + gap
            parts[1] += number(3) + centre + number(1) + gap
            parts[2] += number(2, FOUR_W) + gap
        if r:
            out.append(rule)
        out += parts
    return out


def _value_rows(pic: GridPicture, mono: bool, number: int, gap: str = " ") -> list[Cells]:
    """One line a cell row: a cell is its marker, its value (`number` characters, 0: none) and its
    arrow, then `gap`."""
    rows, cols = pic.layout.shape
    values = pic.values()
    scale = _scale(values)
    out: list[Cells] = []
    for r in range(rows):
        row: Cells = []
        for c in range(cols):
            cell = r * cols + c
            kind = _kind(pic, cell)
            width = number + 2
            if kind == WALL:
                row.append((WALL_GLYPH * width, st.plain(dim=True)))
            else:
                marker = AGENT if pic.agent == cell else START_GLYPH if kind == START else " "
                end = GLYPHS.get(kind, _arrow(pic, cell))
                if mono or number:
                    style = st.plain(bold=pic.highlight is not None and pic.highlight[0] == cell)
                else:   # the arrow alone: its cell shaded by the value
                    v = float(values[cell])
                    style = st.cell(st.sign_of(v), st.strength(v, scale))
                row.append((marker, style))
                if number and kind in GLYPHS:
                    row.append((" " * number, None))   # an episode ends there: no value of its own
                elif number:
                    mark = pic.highlight is not None and pic.highlight[0] == cell
                    row += _number(values[cell], scale, mono, number, mark)
                row.append((end, style))
            row.append((gap, None))
        out.append(row)
    return out


def grid_rows(pic: GridPicture, width: int, height: int, mono: bool = False, legend: bool = True) -> list[Cells]:
    """The picture at the largest size that fits width × height (with a legend line below where it fits)."""
    rows, cols = pic.layout.shape
    if pic.q is not None and cols * (FOUR_W + 1) - 1 <= width and 4 * rows - 1 <= height:
        out = _four_rows(pic, mono)
    elif cols * (NUMBER + 3) <= width and rows <= height:
        out = _value_rows(pic, mono, NUMBER)
    else:
        out = _value_rows(pic, mono, 0, " " if 3 * cols <= width else "")
    fits = [text for text in LEGENDS if len(text) <= width]
    if legend and fits and len(out) + 2 <= height:
        out += [[], [(fits[0], st.plain(dim=True))]]
    return out[:height]


class GridworldPanel(Panel):
    """The panel drawing the GridPicture its view puts in `frame.extras["gridworld"]`."""
    READING = (("gridworld", "a cell per state: four Q values (↑ above, ← → beside, ↓ below) and the greedy arrow,\n"
                             "or its value and arrow where space is short; ◆ the agent, [q] the Q value being updated;\n"
                             "█ wall, ◎ goal, ✕ pit, S start"),)

    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        pic = frame.extras.get("gridworld")
        if pic is None:
            return []
        return grid_rows(pic, width, height, getattr(self.app, "no_color", False))
