"""A lesson step that highlights a weight at 80×24: the shared rule hides the graph's panel and shows
the weights in its place, which works where the two share a column. Where they do not, half the
screen went blank and the weights stayed a strip too short to read the highlighted one out: the CNN
(its weights in a row a lesson hides), the RNN and LSTM (weights on the right, the timeline hidden
on the left), DQN (the curves kept under the weights), the diffusion model (the schedule hidden on the
right). Each network's view now gives the weights a column of their own, the selected one read out."""
import pytest

import dlsim
from dlsim.tui.app import DlsimApp
from dlsim.tui.lesson_session import open_lesson
from dlsim.tui.widgets.network.weights import WeightsPanel
from dlsim.tui.widgets.panel import Panel

from .conftest import settle, text_of, until


def lesson(network: str, weight: str) -> str:
    return (f"---\ntitle: T\nnetwork: {network}\nsummary: S.\nminutes: 5\n---\n## A\n\n"
            f"This weight is {{{weight}}}.\n\n@highlight {weight}\n")


@pytest.mark.parametrize("network", ["cnn", "rnn", "dqn", "diffusion"])
async def test_a_highlighted_weight_has_a_column_beside_the_lesson(network, tmp_path):
    name, values = next(iter(dlsim.make(network, seed=0).params.items()))
    weight = f"{name}[{','.join('0' * values.ndim)}]"
    path = tmp_path / f"{network}-weight.md"
    path.write_text(lesson(network, weight))
    app = DlsimApp(prewarm=False, lesson=open_lesson(str(path)))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(WeightsPanel)
        assert await until(pilot, lambda: f"{weight} =" in text_of(panel), timeout=10), text_of(panel)
        assert panel.region.height >= 6, panel.region
        shown = [w for w in app.screen.simview.query(Panel) if w.region.height > 2]
        assert {w.region.x < 40 for w in shown} == {True, False}   # neither half of the screen left blank
