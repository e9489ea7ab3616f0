"""The weight inspector of every network that trains with an optimizer writes what momentum or Adam
remembers of the selected weight (v; m and v), as the model holds it: only the MLP's did, and a
learner who chose Adam for a CNN, an autoencoder or a GAN saw nothing of its moments. A GAN's weight
shows its own network's optimizer (D's velocity, G's moments); an RBM's CD step, which has no loss
gradient, shows the state in the place of the CD words (which say plain SGD's step)."""
import re

import pytest

from dlsim.protocol.numbers import num
from dlsim.sim import warmup
from dlsim.tui.widgets.network.weights import WeightsPanel

from .conftest import make_app, settle, sim_view, text_of

DOWN20 = ("down",) * 20   # the digits' pixel 0 is blank in every image: its weights never move
# (network, options, stepping level key, keys after w that select a weight the steps moved, size)
CASES = [
    pytest.param("ae", {"optimizer": "adam"}, "4", DOWN20, (80, 24), id="ae-adam"),
    pytest.param("vae", {"optimizer": "adam"}, "4", DOWN20, (80, 24), id="vae-adam"),
    pytest.param("cnn", {"optimizer": "adam", "kernels": [1]}, "4", (), (80, 24),
                 id="cnn-adam-24-wide"),   # the state on a line of its own, in the place of the last change
    pytest.param("cnn", {"optimizer": "momentum", "kernels": [1]}, "4", (), (120, 40), id="cnn-momentum"),
    pytest.param("dqn", {"optimizer": "adam", "hidden": [4], "learn_start": 4, "replay_batch": 4,
                         "steps_per_epoch": 8}, "5", (), (80, 24), id="dqn-adam"),
    pytest.param("diffusion", {"optimizer": "adam"}, "4", (), (120, 40),
                 id="diffusion-adam"),   # at 80×24 its weights leave no room for an inspector
    pytest.param("gan", {"d_optimizer": "momentum", "g_optimizer": "adam"}, "4", (), (80, 24), id="gan-D-momentum"),
    pytest.param("gan", {"d_optimizer": "momentum", "g_optimizer": "adam"}, "4", ("pageup",), (80, 24),
                 id="gan-G-adam"),   # PgUp from D's first layer: G's last
    pytest.param("rbf", {"optimizer": "adam", "placement": "learned", "fit": "delta"}, "4", (), (80, 24),
                 id="rbf-adam"),
    pytest.param("rbm", {"optimizer": "adam"}, "4", (), (80, 24), id="rbm-adam"),
    pytest.param("rbm", {"optimizer": "momentum"}, "4", (), (120, 40), id="rbm-momentum"),
    pytest.param("dbn", {"optimizer": "adam"}, "4", (), (80, 24), id="dbn-adam"),
    pytest.param("rnn", {"optimizer": "adam"}, "4", (), (80, 24), id="rnn-adam"),
    pytest.param("lstm", {"optimizer": "adam"}, "4", (), (80, 24), id="lstm-adam"),
]


def written(text: str, symbol: str) -> str | None:
    """The number the inspector writes after "m = " (or "m ", in a narrow panel); None: not written."""
    found = re.search(rf"(?<![∂/\w]){symbol}(?: = | )([−\d.,e]+)", text)
    return found[1] if found else None


async def inspected(name: str, options: dict, level: str, keys: tuple, size: tuple):
    """(the inspector's text, the selected weight's state as the model holds it) after three steps."""
    warmup.warm(name)
    app = make_app(name, **options)
    async with app.run_test(size=size) as pilot:
        await pilot.press(level, "right", "right", "right")
        await settle(pilot)
        await pilot.press("w", *keys)
        await settle(pilot)
        sim = sim_view(app)
        (param, index), model = sim.ui.selected, sim.session.model
        state = {symbol: float(named[param][index]) for symbol, named in model.optimizer_state().items()
                 if param in named}
        return text_of(app.screen.query_one(WeightsPanel)), state, param


@pytest.mark.parametrize("name, options, level, keys, size", CASES)
async def test_the_inspector_writes_the_models_optimizer_state_of_the_selected_weight(name, options, level, keys,
                                                                                    size):
    shown, state, param = await inspected(name, options, level, keys, size)
    optimizer = options.get(f"{param[0].lower()}_optimizer", options.get("optimizer"))   # a GAN's: D's or G's
    assert list(state) == (["v"] if optimizer == "momentum" else ["m", "v"])
    for symbol, value in state.items():
        assert value != 0.0, f"{param}: the steps left its {symbol} at 0 (choose a weight they moved)"
        assert written(shown, symbol) in (num(value, 6), num(value, 3)), (symbol, value, shown)
    if "m" not in state:   # momentum's velocity alone: no Adam moment written
        assert written(shown, "m") is None, shown


@pytest.mark.parametrize("name, said", [("ae", "(batch so far)"), ("rbm", "CD: ΔW = lr·(positive − negative)/batch")])
async def test_under_plain_sgd_the_inspector_writes_no_state(name, said):
    """Plain gradient descent remembers nothing between steps: the gradient (or CD's words) alone, as
    the MLP's inspector says it."""
    shown, state, _ = await inspected(name, {"optimizer": "sgd"}, "4", DOWN20 if name == "ae" else (), (120, 40))
    assert state == {} and said in shown
    assert written(shown, "m") is None and written(shown, "v") is None, shown
