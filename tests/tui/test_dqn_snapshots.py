"""DQN's screen: SVG snapshots at 80×24 and 120×40 (CartPole a few epochs in, then op by op into a
step; the gridworld the same; one without colour), and what a learner reads in them: the cart's
numbers and the agent's cell are the model's state."""
import pytest

from dlsim.protocol.numbers import num
from dlsim.sim import warmup
from dlsim.tui.widgets.cartpole import CartPoleScene

from .conftest import make_app
from .test_snapshots import SIZES, _keys

SMALL = {"steps_per_epoch": 200, "learn_start": 50, "replay": 500, "hidden": (16,), "epsilon_decay": 1000}
# three epochs, then into the next step op by op: observe, choose, the environment's step
TRAINED = ("5", "right", "right", "right", "1", "right", "right", "right")


@pytest.fixture(scope="module", autouse=True)
def warm_dqn():
    warmup.warm("dqn")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("dataset", ["cartpole", "gridworld"])
def test_dqn_screen(snap_compare, size, dataset):
    assert snap_compare(make_app("dqn", dataset=dataset, **SMALL), terminal_size=size, run_before=_keys(*TRAINED))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_dqn_without_colour(snap_compare, size, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(make_app("dqn", **SMALL), terminal_size=size, run_before=_keys(*TRAINED))


async def test_the_cart_drawn_is_where_the_model_says():
    app = make_app("dqn", **SMALL)
    async with app.run_test(size=(120, 40)) as pilot:
        await _keys(*TRAINED)(pilot)
        state = app.screen.simview.session.sim.model.env_state
        subtitle = app.screen.query_one(CartPoleScene).border_subtitle
        assert subtitle.startswith(f"x {num(state[0])} · θ ") and f"t {int(state[4])}" in subtitle
