"""The autoencoder's weight tiles (each first-layer unit's weights as an image) a page at a time where
they do not all fit: at 120×40 the last rows had been cut ("▼ 3 more rows: a taller terminal shows
them") and at 80×24 they were left out, with no way to see them. Now every unit's tile is on some page,
the title says what the next page holds and how to turn it (a click, or Tab then PgDn)."""
import pytest

from dlsim.sim import warmup
from dlsim.tui.widgets.ae.rebuilt import Rebuilt

from .conftest import every_page, make_app, settle, tab_to, text_of


@pytest.fixture(scope="module", autouse=True)
def warm():
    warmup.warm("ae")


@pytest.mark.parametrize("no_color, size", [(False, (120, 40)), (True, (120, 40)), (False, (80, 24))],
                         ids=["colour-120x40", "no-colour-120x40", "colour-80x24"])
async def test_every_units_weight_tile_is_on_a_page_the_title_says_how_to_turn_to(no_color, size, monkeypatch):
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    app = make_app("ae")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(Rebuilt)
        units = app.screen.simview.frame.extras["first_weights"].shape[1]
        title = str(panel.border_title)
        assert "click/PgDn" in title and len(title) <= panel.label_room(), title
        # what the next page holds: in the title, or where it is narrow, in a note under the pictures
        assert "weight tiles" in title or "▼ first layer's weights" in text_of(panel), (title, text_of(panel))

        async def click():
            await pilot.click(Rebuilt)
        turned = await every_page(pilot, panel, click)
        assert len(turned) > 1
        shown = "\n".join(text for _, text in turned)
        assert "first layer's weights (±" in shown and "taller terminal" not in shown
        names = [word for line in shown.splitlines() for word in line.split() if word[:1] == "h" and word[1:].isdigit()]
        assert sorted(names) == sorted(f"h{j + 1}" for j in range(units))   # each unit's tile, once
        assert all(text.splitlines()[0].split() == ["input", "rebuilt"] for _, text in turned[:1])


async def test_tab_then_pgdn_turns_the_page():
    app = make_app("ae")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(Rebuilt)
        before = text_of(panel)
        await tab_to(pilot, panel, 6)
        await pilot.press("pagedown")
        await settle(pilot)
        assert text_of(panel) != before and "h16" in text_of(panel) and "input" not in text_of(panel)
