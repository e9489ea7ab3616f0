"""At 80×24 the diffusion's heatmap is 40 columns wide: with rows out of view above and below and
columns to the right, the line that says which was cut ('▲ rows 0 · ▼ rows 2–7, b · ▶ columns 17–'),
so the learner lost where the hidden columns end. Its words give way before a number does."""
import pytest

from dlsim.sim import warmup
from dlsim.tui.widgets.network.weights import View, out_of_view
from dlsim.tui.widgets.network.weights import WeightsPanel

from .conftest import make_app, settle, text_of


@pytest.fixture(scope="module", autouse=True)
def warm_diffusion():
    warmup.warm("diffusion")


async def test_the_out_of_view_line_keeps_every_number_in_a_narrow_heatmap():
    app = make_app("diffusion")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("w", "down")
        await settle(pilot)
        panel = app.screen.query_one(WeightsPanel)
        note = next(line for line in text_of(panel).splitlines() if "▲" in line).rstrip()
        assert "▼" in note and "▶" in note and not note.endswith("–")
        assert note.endswith(str(panel.view.matrices(panel.frame, panel.ui)[0].cols - 1))


def test_words_give_way_only_where_the_line_is_too_long():
    import numpy as np
    from dlsim.tui.widgets.network.weights import Matrix
    m = Matrix("8→32", np.zeros((8, 32)), np.zeros(32), lambda r, c: ("W", (r, c)))
    v = View(top=1, shown_rows=1, left=0, shown_cols=17, note=True)
    assert out_of_view(m, v) == "▲ rows 0 · ▼ rows 2–7, b · ▶ columns 17–31"
    short = out_of_view(m, v, 40)
    assert len(short) <= 40 and short.endswith("17–31") and "▲" in short and "2–7, b" in short
