"""A 40×40 SOM in the app (1,600 nodes): a run frame costs what the screen shows, not the whole grid.
The map builds no cell past its panel's edge (beside its U-matrix, a 40-column map is wider than the
panel), and a frame over colours drawn as colours does not search every sample's BMU again for a hit
map nobody sees; without colour, where the hit map stands in for the colours, it does."""
import re

import pytest
from rich.cells import cell_len

from dlsim.sim import warmup
from dlsim.tui.widgets.som.map_panel import MapPanel

from .conftest import make_app, settle, sim_view, text_of, until


@pytest.fixture(scope="module", autouse=True)
def warm_som():
    warmup.warm("som")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_a_40x40_map_builds_no_cell_past_its_panels_edge(size):
    app = make_app("som", rows=40, cols=40)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("4", "right", "right")   # two samples: a BMU on the map
        await settle(pilot)
        panel = app.screen.query_one(MapPanel)
        width, height = panel.content_size
        frame = sim_view(app).frame
        built = panel.rows(frame, sim_view(app).ui, width, height)
        assert all(sum(cell_len(text) for text, _ in row) <= width for row in built[1:])
        shown = text_of(panel).splitlines()
        assert shown[0].startswith("colours")
        bmu_row = frame.extras["bmu"] // 40
        if bmu_row < 2 * (height - 1) and frame.extras["bmu"] % 40 < width:   # its cell in view
            assert sum(line.count("◆") for line in shown) == 1


@pytest.mark.parametrize("options, no_color, searched", [
    ({}, False, False),                     # colours drawn as colours: no hit map asked for
    ({}, True, True),                       # without colour the hit map stands in for them
    ({"dataset": "moons"}, False, True),    # 2-D data: the map is the hit map
], ids=["colours", "colours-no-color", "moons"])
async def test_a_run_frame_searches_every_samples_bmu_only_for_a_hit_map_it_draws(options, no_color, searched,
                                                                                  monkeypatch):
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    app = make_app("som", rows=40, cols=40, **options)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        view = sim_view(app)
        som = view.session.model.kernels_now().som
        calls = []
        bmus = som.bmus
        monkeypatch.setattr(som, "bmus", lambda X, W: calls.append(len(X)) or bmus(X, W))
        view.session.run_chunk(1 / 90)
        frame = view.session.frame(view.view.extras, running=True)
        assert bool(calls) == searched
        assert (frame.extras["hits"] is not None) == searched
        view.draw(frame)
        await pilot.pause()
        first = text_of(app.screen.query_one(MapPanel)).splitlines()[0]
        assert first.startswith("hits" if searched else "colours")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_a_bmu_in_a_node_row_past_the_panels_height_is_shown_and_the_title_line_says_which_rows(size):
    """40 node rows in half blocks are 20 lines, and the panel has 16 (7 at 80×24): the last rows
    were left out without a word, and with them a BMU there."""
    app = make_app("som", rows=40, cols=12)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        view = sim_view(app)
        panel = app.screen.query_one(MapPanel)
        for bmu_row in (39, 0, 21):
            frame = view.session.frame(view.view.extras)
            frame.extras["bmu"] = bmu_row * 12 + 5
            view.draw(frame)
            await pilot.pause()
            shown = text_of(panel).splitlines()
            assert sum(line.count("◆") for line in shown) == 2, bmu_row   # in the colours and the U-matrix
            said = re.search(r"(\d+)–(\d+)(?: of |/)40", shown[0])   # "rows 24–39 of 40", or "24–39/40"
            first, last = int(said[1]), int(said[2])
            assert first <= bmu_row <= last
            lines = len([line for line in shown[1:] if line.strip()])
            assert last - first + 1 == 2 * lines     # two node rows a line, every line in use


@pytest.mark.parametrize("no_color", [False, True], ids=["colour", "no-color"])
async def test_the_run_workers_frames_carry_the_hit_map_only_without_colour(no_color, monkeypatch):
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    app = make_app("som", rows=12, cols=12)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        view = sim_view(app)
        await pilot.press("f")
        assert await until(pilot, lambda: view.runner is not None and view.runner.frames >= 2, timeout=30)
        built = view.runner.latest             # on the run worker's thread
        view.pause()
        assert await until(pilot, lambda: view.runner is None, timeout=30)
        assert (built.extras["hits"] is not None) == no_color
