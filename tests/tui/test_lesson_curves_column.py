"""Beside a lesson's narration (80×24, the compact layout) the weights and the curves give way to
the pictures. DQN's and tabular Q-learning's right column holds no picture, so it was blank while
dqn-target quoted the return of the last 100 episodes and the TD loss, and qlearn-cliff the mean
return while exploring: a column that holds the curves and no picture keeps them."""
import pytest

from dlsim.tui.app import DlsimApp
from dlsim.tui.lesson_session import open_lesson

from .conftest import settle, text_of


@pytest.mark.parametrize("name", ["dqn-target", "qlearn-cliff"])
async def test_the_return_curve_fills_the_right_column_beside_the_lesson_at_80x24(name):
    app = DlsimApp(prewarm=False, lesson=open_lesson(name))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.5)
        curves = app.screen.query_one("#curves")
        assert curves.display and curves.region.height >= 6
        assert "return" in text_of(curves)
