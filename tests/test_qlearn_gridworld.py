"""The gridworld picture (dlsim.tui.widgets.gridworld) as a learner reads it: walls, goal, pit and
start by their glyphs, four Q values a cell where they fit, the greedy arrow, the agent, the Q value
being updated, and smaller sizes that still fit the space given."""
import numpy as np

from dlsim.protocol.environments import ENVIRONMENTS
from dlsim.tui.widgets.gridworld import UPDATING, GridPicture, grid_rows


def text(rows):
    return ["".join(t for t, _ in row) for row in rows]


def picture(name="gridworld", **kw):
    env = ENVIRONMENTS[name]
    q = np.zeros((env.layout.size, 4))
    q[0] = (0.25, -0.5, 0.125, 0.75)   # the top-left cell: its best action is left
    return GridPicture(env.layout, q=q, greedy=q.argmax(axis=1), **kw)


def test_four_q_values_a_cell_with_the_greedy_arrow():
    lines = text(grid_rows(picture(agent=15), 120, 40, mono=True))
    assert "+0.25" in lines[0] and "−0.50" in lines[1] and "+0.75" in lines[1] and "+0.12" in lines[2]
    assert "←" in lines[1].split("│")[0]                     # the top-left cell's arrow: its largest Q
    assert "◎" in lines[1] and "█" in lines[5] and "✕" in lines[5]   # goal, walls, pit
    assert "◆" in lines[13] and "S" not in lines[13]        # the agent stands on the start (4×5: cell 15)
    assert all(len(line) <= 120 for line in lines)


def test_the_q_value_being_updated_is_reversed():
    rows = grid_rows(picture(highlight=(0, 3)), 120, 40)
    marked = [t for row in rows for t, s in row if s is UPDATING]
    assert marked == ["+0.75"]


def test_smaller_spaces_get_one_value_or_the_arrow_alone():
    for width, height in ((60, 20), (40, 8), (24, 6)):
        for name in ("gridworld", "cliff"):
            lines = text(grid_rows(picture(name), width, height, mono=True))
            assert len(lines) <= height and all(len(line) <= width for line in lines), (name, width)
            assert "◎" in "".join(lines)
    one_value = text(grid_rows(picture(), 60, 20, mono=True))
    assert "+0.75←" in one_value[0]   # the top-left cell's value (its largest Q) and its arrow
    assert text(grid_rows(picture("cliff"), 24, 6, mono=True))[3].count("✕") == 10
