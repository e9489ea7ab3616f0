"""The SOM's screen: SVG snapshots at 80×24 and 120×40 (the colour map with its U-matrix, the grid
drawn over 2-D points, one without colour), each stopped inside a sample's update pass (BMU and
neighbourhood shown); and what a learner reads in them, glyph by glyph."""
import pytest

from dlsim.sim import warmup
from dlsim.tui.widgets.som import input_space as space
from dlsim.tui.widgets.som.input_space import InputSpace
from dlsim.tui.widgets.som.map_panel import SHADES, MapPanel

from .conftest import make_app, settle, text_of
from .test_snapshots import SIZES


@pytest.fixture(scope="module", autouse=True)
def warm_som():
    warmup.warm("som")


def _keys(*keys):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
    return run_before


# three whole samples, the next sample's BMU search, then into its update pass
INTO_UPDATE = ("3", "right", "right", "right", "2", "right", "1", "right", "right", "right")
MOONS = {"dataset": "moons", "rows": 6, "cols": 6, "sigma": 2.0, "topology": "hexagonal"}
TRAINED = ("5", "right", "right")   # two epochs first: the grid has begun to unfold


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_som_colours(snap_compare, size):
    app = make_app("som", rows=8, cols=12)
    assert snap_compare(app, terminal_size=size, run_before=_keys(*INTO_UPDATE))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_som_points(snap_compare, size):
    app = make_app("som", **MOONS)
    assert snap_compare(app, terminal_size=size, run_before=_keys(*TRAINED, *INTO_UPDATE))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_som_without_colour(snap_compare, size, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app("som", rows=8, cols=12)
    assert snap_compare(app, terminal_size=size, run_before=_keys(*TRAINED, *INTO_UPDATE))


def test_som_before_the_first_step(snap_compare):
    # nothing computed yet: no BMU to mark, each node row on a line of its own
    assert snap_compare(make_app("som", rows=8, cols=10), terminal_size=(120, 40), run_before=_keys())


# --- what the pictures say, glyph by glyph -------------------------------------------------------

@pytest.mark.parametrize("options", [MOONS, {"rows": 8, "cols": 12}], ids=["points", "colours"])
async def test_in_input_space_data_nodes_lines_and_the_bmu_are_told_apart_by_glyph(options, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")   # by glyph alone
    app = make_app("som", **options)
    async with app.run_test(size=(120, 40)) as pilot:
        await _keys(*TRAINED, *INTO_UPDATE)(pilot)
        picture = app.screen.query_one(InputSpace)
        shown = text_of(picture)
        glyphs = (space.DATA, space.NODE, space.NEAR, space.BMU)
        assert len(set(glyphs)) == 4 and all(shown.count(g) for g in glyphs)
        assert shown.count(space.BMU) == 1
        assert set(shown) & set("─│╱╲")                                  # the grid's lines
        assert not set(shown) & {chr(c) for c in range(0x2801, 0x2900)}   # no braille tangle
        nodes = options["rows"] * options["cols"]
        assert shown.count(space.NODE) + shown.count(space.NEAR) + 1 <= nodes   # a glyph a node at most
        assert space.LEGEND == picture.border_subtitle


async def test_the_nodes_within_sigma_are_the_models_radius():
    app = make_app("som", **MOONS)
    async with app.run_test(size=(120, 40)) as pilot:
        await _keys(*TRAINED, *INTO_UPDATE)(pilot)
        near = app.screen.simview.frame.extras["near"]
        assert near.sum() == app.screen.simview.session.sim.inspect()["radius"].sum() > 1
        shown = text_of(app.screen.query_one(InputSpace))
        assert 1 <= shown.count(space.NEAR) <= near.sum() - 1   # the BMU is ◆, nodes may share a cell


@pytest.mark.parametrize("options", [MOONS, {"rows": 8, "cols": 12}], ids=["hits", "colours"])
async def test_without_colour_the_hit_map_and_u_matrix_read_by_shade_glyphs(options, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app("som", **options)
    async with app.run_test(size=(120, 40)) as pilot:
        await _keys(*TRAINED)(pilot)
        lines = text_of(app.screen.query_one(MapPanel)).splitlines()
        assert lines[0].startswith("hits") and "U-matrix" in lines[0]   # hits stand in for the colours
        rows, cols = options["rows"], options["cols"]
        cells = [line[:2 * cols] for line in lines[1:1 + rows]]
        umatrix = [line[2 * cols + 2:4 * cols + 2] for line in lines[1:1 + rows]]
        assert all(set(c) <= set(SHADES + "◆") for c in cells + umatrix)
        assert len(set("".join(umatrix)) - {" "}) >= 3                  # borders and clusters differ
        assert set("".join(cells)) - {" "}                               # some nodes are hit


def test_lines_are_drawn_by_direction_and_marks_win_their_cells():
    from dlsim.tui.widgets.som.glyph_canvas import GlyphCanvas
    canvas = GlyphCanvas(9, 5)
    canvas.lines([0, 0, 0, 8], [0, 0, 0, 0], [8, 0, 4, 4], [0, 4, 4, 4])   # ─ along the top, │ down, ╲ and ╱
    canvas.marks([0, 8], [0, 0], layer=3)
    lines = ["".join(row) for row in canvas.stroke_glyphs().tolist()]
    assert lines[0][1:8] == "───────" and lines[2][0] == "│" and lines[2][2] == "╲" and lines[2][6] == "╱"
    assert canvas.layer[0, 0] == canvas.layer[0, 8] == 3 and canvas.layer[0, 4] == canvas.STROKE_LAYER
    assert canvas.layer[4, 4] == canvas.STROKE_LAYER and lines[4][4] == "╳"   # two diagonals meet
