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


async def test_the_whole_4x2_w_shows_where_the_hint_would_leave_one_row():
    """rbm-cd1 speaks of every W_ij of its 4 visible and 2 hidden units; at 80×24 the heatmap showed
    row 0 alone, the two lines of the select-a-weight hint taking the room of rows 1–3 and b."""
    app = DlsimApp(prewarm=False, lesson=open_lesson("rbm-cd1"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.5)
        rows = text_of(app.screen.query_one("#weights")).splitlines()
        labels = [line.split()[0].lstrip("▸") for line in rows[2:] if line.strip()]
        assert labels[:5] == ["0", "1", "2", "3", "b"]
        assert not any("▼" in line for line in rows)     # nothing out of view
