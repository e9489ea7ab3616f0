"""A 40×40 SOM's map and U-matrix do not fit side by side (a 40-column picture each, in a half of the
screen): the U-matrix was cut to its first columns at 120×40 and left out at 80×24. They are two
pages now, the title saying which and how to turn; a 10×10 map keeps both on one."""
import pytest

from dlsim.sim import warmup
from dlsim.tui.widgets.som.map_panel import MapPanel

from .conftest import every_page, make_app, settle, text_of


@pytest.fixture(scope="module", autouse=True)
def warm_som():
    warmup.warm("som")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_a_40x40_maps_u_matrix_is_a_page_of_its_own(size):
    app = make_app("som", rows=40, cols=40)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("5", "right")
        await settle(pilot)
        panel = app.screen.query_one(MapPanel)
        assert panel.pages == 2 and "click/PgDn" in str(panel.border_title)

        async def click():
            await pilot.click(MapPanel)
        pages = await every_page(pilot, panel, click)
        firsts = [text.splitlines()[0].split()[0] for _, text in pages]
        assert firsts == ["colours", "U-matrix"]
        assert "U-matrix" in pages[1][0]   # the title names the page shown


async def test_a_10x10_map_keeps_both_pictures_on_one_page():
    app = make_app("som")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(MapPanel)
        title = str(panel.border_title)   # no page to turn to: no "1/2", no PgDn
        assert panel.pages == 1 and title.startswith("map · ◆ BMU · σ ") and "/" not in title and "PgDn" not in title
        assert "U-matrix" in text_of(panel).splitlines()[0]
