"""The perceptron lessons quote w and b after an epoch ("After epoch 5: w = (1.000, 0.500), b =
−1.500"), when no sample is in hand: the network panel drew the weights only as lines, its nodes
read "·", and at 80×24 no panel wrote them. The graph now has a column of the weights, in numbers."""
import re

from dlsim.tui.app import DlsimApp
from dlsim.tui.lesson_session import open_lesson

from .conftest import settle, text_of

NUMBER = re.compile(r"[−+-]?\d+\.\d+")


async def test_the_weights_a_perceptron_step_quotes_are_in_the_network_panel_at_80x24(data_dir):
    player, session, note = open_lesson("perceptron-and")
    player.goto(7)                                        # "Four more epochs": w and b after epoch 5
    app = DlsimApp(prewarm=False, lesson=(player, session, note))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.3)
        shown = [float(n.replace("−", "-")) for n in NUMBER.findall(text_of(app.screen.query_one("#graph")))]
        params = player.sim.model.params
        quoted = [*params["w"], *params["b"]]
        assert len(set(quoted)) == 3                      # three different numbers, each to be found
        for value in quoted:
            assert any(abs(value - s) < 0.005 for s in shown), (value, shown)
