"""CartPole drawn in a terminal: the cart and its pole at a state (braille: the track with its limits,
the cart as a box, the pole as a line at its angle θ), and a value over the pole's (θ, θ̇) plane
(half-blocks shaded by the value, the agent's own (θ, θ̇) marked with ◆, the greedy action as < or >
where there is room). The numbers are the model's (DQN.inspect: state, value, policy); these
panels only lay them out."""
import math

import numpy as np

from dlsim.protocol.numbers import num
from dlsim.tui.widgets import halfblock
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.braille import Braille
from dlsim.tui.widgets.panel import Cells, Panel, UiState

TRACK, CART, POLE, LIMIT = 0, 1, 2, 3
X_LIMIT, THETA_LIMIT = 2.4, 12 * math.pi / 180   # where an episode ends (the environment's defaults)
PLANE_THETA, PLANE_THETA_DOT = 0.21, 2.0         # the value plane's half-extents (the environment's probe)


def scene(state, width: int, height: int, mono: bool, x_limit: float = X_LIMIT) -> list[Cells]:
    """Rows of the cart and pole at `state` (x, ẋ, θ, θ̇, …): the track spans ±x_limit (the ends
    marked), the pole is drawn from the cart's top at θ from upright, half the canvas tall."""
    canvas = Braille(width, height)
    w, h = canvas.size_dots
    ground = h - 2
    to_x = lambda x: (x + x_limit) / (2 * x_limit) * (w - 1)   # noqa: E731 (dots across the track)
    canvas.line(0, ground, w - 1, ground, key=TRACK, power=0.0)
    for end in (0, w - 1):
        canvas.line(end, ground, end, ground - 3, key=LIMIT, power=1.0)
    cx, half = to_x(float(state[0])), max(2.0, w / 30)
    top = ground - 4
    for y in range(top, ground):
        canvas.line(cx - half, y, cx + half, y, key=CART, power=2.0)
    length = max(4.0, (h - 6) * 0.9)
    theta = float(state[2])
    canvas.line(cx, top, cx + length * math.sin(theta) * 0.5, top - length * math.cos(theta), key=POLE, power=3.0)
    styles = {TRACK: st.plain(dim=True), LIMIT: st.plain(dim=True),
              CART: st.plain(bold=True) if mono else st.ink(1, 6, bold=True),
              POLE: st.plain(bold=True) if mono else st.ink(-1, 8, bold=True)}
    return [canvas.cells(r, styles) for r in range(height)]


def value_plane(value: np.ndarray, policy: np.ndarray | None, here: tuple[float, float] | None, width: int,
                height: int, mono: bool, actions: tuple[str, ...] = ("left", "right")) -> list[Cells]:
    """Rows of `value` (side, side: θ across from −0.21 to 0.21 rad, θ̇ down from 2 to −2 rad/s)
    shaded around its mean, the agent's (θ, θ̇) (`here`) as ◆ where it falls on the plane. Without
    colour: the greedy action's glyph (< left, > right) per cell, the value's shade beside it."""
    if width < 2 or height < 1 or value is None or not np.isfinite(value).any():
        return []
    finite = value[np.isfinite(value)]
    centre = float(finite.mean())
    scale = float(np.abs(finite - centre).max()) or 1.0
    pixels = halfblock.resample(value, 2 * height, width)
    sign, level = halfblock.levels(pixels, centre, scale)
    if mono:
        moves = halfblock.resample(policy, height, width) if policy is not None else None
        rows = halfblock.shade_rows(sign, level)
        if moves is not None:
            glyphs = "<>" if len(actions) == 2 else "^>v<"
            rows = [[(glyphs[int(a)] if c % 2 == 0 else g, s) for c, ((g, s), a) in enumerate(zip(row, mrow))]
                    for row, mrow in zip(rows, moves.tolist())]
    else:
        rows = halfblock.colour_rows(sign, level)
    if here is not None:
        theta, theta_dot = here
        c = int(round((theta + PLANE_THETA) / (2 * PLANE_THETA) * (width - 1)))
        r = int(round((PLANE_THETA_DOT - theta_dot) / (2 * PLANE_THETA_DOT) * (height - 1)))
        if 0 <= r < height and 0 <= c < width:
            rows[r][c] = ("◆", st.plain(bold=True, reverse=not mono))
    return rows


class CartPoleScene(Panel):
    """The cart and pole at the state the agent stands in, with the step's numbers in the subtitle."""
    SUBTITLE_ROW = True   # at 80×24 the state's numbers, on the last row
    READING = (("cart and pole", "the track spans x = ±2.4 (│ its ends); the pole leans by θ: past 12° or "
                                 "off the track the episode ends; +1 a step it stands, 200 at most"),)

    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        shown = frame.extras.get("shown") or {}
        state = shown.get("state")
        if state is None or frame.extras.get("environment") != "cartpole":
            return []
        mono = getattr(self.app, "no_color", False)
        self.set_titles(None, f"x {num(state[0])} · θ {num(math.degrees(state[2]), 2)}° · t {int(state[4])} · "
                              f"return {num(shown.get('episode_return', 0.0))}")
        return scene(state, width, height, mono)


class ValuePlane(Panel):
    """max_a Q over CartPole's (θ, θ̇) plane (the cart at rest), the agent's own (θ, θ̇) marked."""
    SUBTITLE_ROW = True   # at 80×24 the shades' range (max Q, min), on the last row
    READING = (("value over (θ, θ̇)", "max_a Q(s, a) with the cart at rest: θ across (−12° … 12°), θ̇ down "
                                      "(2 … −2 rad/s); blue above the plane's mean, orange below; ◆ the "
                                      "pole now; without colour < > the greedy push"),)

    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        shown = frame.extras.get("shown") or {}
        value = shown.get("value")
        if value is None or frame.extras.get("environment") != "cartpole":
            return []
        state = shown.get("state")
        mono = getattr(self.app, "no_color", False)
        self.set_titles(None, f"max Q {num(float(np.nanmax(value)))} · min {num(float(np.nanmin(value)))}")
        here = (float(state[2]), float(state[3])) if state is not None else None
        return value_plane(value, shown.get("policy"), here, width, height, mono)
