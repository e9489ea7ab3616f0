"""Beside a lesson's narration (80×24, the compact layout) the weights and the curves give way to
the pictures. DQN's right column holds only those two, so it was blank while dqn-target quoted the
return of the last 100 episodes and the TD loss: a column of weights over curves keeps its curves."""
from dlsim.tui.app import DlsimApp
from dlsim.tui.lesson_session import open_lesson

from .conftest import settle, text_of


async def test_the_return_curve_fills_the_right_half_beside_a_dqn_lesson_at_80x24():
    app = DlsimApp(prewarm=False, lesson=open_lesson("dqn-target"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.5)
        curves = app.screen.query_one("#curves")
        assert curves.display and curves.region.height >= 6
        assert "return" in text_of(curves)
