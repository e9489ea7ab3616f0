"""Tabular Q-learning's screen: SVG snapshots at 80×24 and 120×40 (the gridworld after two epochs,
stepped into an update; the cliff without colour), and what a learner reads in them: the agent,
the arrows, the Q value being updated and the values the model holds."""
import pytest

from dlsim.sim import warmup
from dlsim.tui.widgets import gridworld
from dlsim.tui.widgets.gridworld import GridworldPanel

from .conftest import make_app, text_of
from .test_snapshots import SIZES, _keys

# two epochs, then into the next step op by op: its draw, choice, move, target and TD error
TRAINED = ("5", "right", "right", "1", "right", "right", "right", "right", "right")


@pytest.fixture(scope="module", autouse=True)
def warm_qlearn():
    warmup.warm("qlearn")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_qlearn_gridworld(snap_compare, size):
    assert snap_compare(make_app("qlearn"), terminal_size=size, run_before=_keys(*TRAINED))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_qlearn_cliff_without_colour(snap_compare, size, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(make_app("qlearn", dataset="cliff", gamma=1.0), terminal_size=size,
                        run_before=_keys(*TRAINED))


async def test_the_grid_shows_the_agent_the_arrows_and_the_update_in_progress():
    app = make_app("qlearn")
    async with app.run_test(size=(120, 40)) as pilot:
        await _keys(*TRAINED)(pilot)
        panel = app.screen.query_one(GridworldPanel)
        shown = text_of(panel)
        sim = app.screen.simview.session.sim
        seen = sim.inspect()
        assert shown.count(gridworld.AGENT) == 2   # the agent's cell, and the legend
        assert gridworld.GOAL_GLYPH in shown and gridworld.PIT_GLYPH in shown
        cell, action = seen["updating"]
        q = seen["q"].reshape(-1, 4)[cell, action]
        marked = [t for row in panel._rows for t, s in row if s is gridworld.UPDATING]
        assert marked == [gridworld.st.short(float(q)).strip()]   # the entry the step updates, as the table holds it
        assert any(arrow in shown for arrow in gridworld.ARROWS)
