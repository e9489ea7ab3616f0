"""Beside a lesson's narration (80×24, the compact layout) the weights give way to the graph. The
RBM's and the DBN's left column holds only the weights, so that half of the picture was blank while
rbm-cd1 spoke of the weights W_ij: a column whose one picture is the weights keeps them."""
import pytest

from dlsim.tui.app import DlsimApp
from dlsim.tui.lesson_session import open_lesson

from .conftest import settle, text_of, until


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


async def test_a_highlighted_weight_keeps_the_pictures_and_its_words_whole():
    """dbn-frozen asks whether the first layer's W[20,3] will change: the step selects it, and at 80×24
    the shared rule for a highlighted weight hid the graph, which here is the right column's one
    picture (the weights are the left's already), and the inspector's line on how a DBN learns was
    cut at the panel's 40 columns ('… lr·(positive − n')."""
    app = DlsimApp(prewarm=False, lesson=open_lesson("dbn-frozen"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.3)
        player = app.screen.player
        for index in (1, 2):
            await pilot.press("n")
            assert await until(pilot, lambda: player.index == index, timeout=60)
        await settle(pilot, 0.3)
        graph, weights = app.screen.query_one("#graph"), app.screen.query_one("#weights")
        assert graph.display and graph.region.height > 0 and text_of(graph).strip()
        shown = text_of(weights)
        assert "rbm[0].W[20,3] = " in shown
        assert "pre-training: CD, fine-tuning: backprop" in shown
