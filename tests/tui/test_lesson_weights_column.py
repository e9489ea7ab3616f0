"""Beside a lesson's narration (80×24, the compact layout) the weights give way to the graph. The
RBM's and the DBN's left column holds only the weights, so that half of the picture was blank while
rbm-cd1 spoke of the weights W_ij: a column whose one picture is the weights keeps them."""
import pytest

from dlsim.tui.app import DlsimApp
from dlsim.tui.lesson_session import open_lesson

from .conftest import settle, text_of


@pytest.mark.parametrize("name", ["rbm-cd1", "dbn-frozen"])
async def test_the_weights_fill_the_left_half_beside_the_lesson_at_80x24(name):
    app = DlsimApp(prewarm=False, lesson=open_lesson(name))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.5)
        weights = app.screen.query_one("#weights")
        assert weights.display and weights.region.height >= 6
        assert text_of(weights).strip()                 # drawn, not an empty box
