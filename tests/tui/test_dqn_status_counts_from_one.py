"""The DQN's status line names the environment step in hand and the episode as Q-learning's does, from
1: while the first step was stepped op by op it said 'step 0/1,000 · episode 0' (the math panel beside
it: 'step 1: s = …'), and the first episode to end was 'episode 0 ended'."""
import pytest

import dlsim
from dlsim.sim import warmup
from dlsim.tui.widgets.status_bar import StatusBar

from .conftest import make_app, settle, text_of


@pytest.fixture(scope="module", autouse=True)
def warm_dqn():
    warmup.warm("dqn")


async def test_the_status_line_names_the_step_in_hand_and_the_episode_from_1():
    app = make_app("dqn")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("1", "right")                      # the first step's observation
        await settle(pilot)
        status = text_of(app.screen.query_one(StatusBar))
        assert "step 1/1,000" in status and "episode 1 " in status
        for _ in range(5):                                   # the rest of that step, then the next one begins
            await pilot.press("right")
        await settle(pilot)
        status = text_of(app.screen.query_one(StatusBar))
        assert "step 2/1,000" in status and "episode 1 " in status


def test_the_first_episode_to_end_is_episode_1():
    sim = dlsim.make("dqn", seed=0)
    for _ in range(2000):
        e = sim.step("op")
        if e.op == "episode":
            assert sim.model.formulas[e.op](e).startswith("episode 1 ended")
            return
    raise AssertionError("no episode ended")
