"""What the pictures show a learner: two pixels per cell, a tie drawn as a tie, the sample being
processed, the perceptron's line moving, a map per neuron, and the heatmap laid out as W is stored."""
import numpy as np

from dlsim.protocol.numbers import num
from dlsim.tui.widgets import halfblock as hb
from dlsim.protocol.plane import grid
from dlsim.tui.widgets.data.decision import SAMPLE_MARK, DecisionPlot, surface_pixels, tie_note
from dlsim.tui.widgets.network.neuron_maps import NeuronMaps, tile_layout
from dlsim.tui.widgets.network.weights import WeightsPanel

from .conftest import make_app, settle, sim_view, text_of


def _marked(panel, bgcolor) -> list[tuple[int, int, str]]:
    """(row, column, text) of every cell drawn on `bgcolor`."""
    found = []
    for r, strip in enumerate(panel._strips):
        x = 0
        for segment in strip:
            if segment.style is not None and segment.style.bgcolor == bgcolor:
                found += [(r, x + i, ch) for i, ch in enumerate(segment.text)]
            x += segment.cell_length
    return found


# --- drawing helpers -------------------------------------------------------------------------------
def test_a_cell_holds_two_pixels_of_the_surface():
    surface = np.array([[0.9, 0.1], [0.1, 0.9]])          # one cell row: class 1 over 0, 0 over 1
    sign, level = surface_pixels(surface, 1, 2)
    (g0, s0), (g1, s1) = hb.colour_rows(sign, level)[0]
    assert g0 == g1 == "▀"
    assert s0.color == s1.bgcolor and s0.bgcolor == s1.color and s0.color != s0.bgcolor
    assert [g for g, _ in hb.bitmap_rows(sign)[0]] == ["▀", "▄"]   # without colour: the same edge


def test_rounding_noise_around_one_half_is_a_tie_not_a_boundary():
    noise = 0.5 + np.random.default_rng(0).choice([-2.2e-16, -1.1e-16, 0.0, 1.1e-16], (8, 6))
    sign, level = surface_pixels(noise, 4, 6)
    assert (sign == 0).all()
    assert {g for row in hb.bitmap_rows(sign) for g, _ in row} == {"░"}
    assert tie_note(sign, level) == "ŷ = 0.5 everywhere: a tie, no boundary"
    decided = surface_pixels(np.array([[0.5, 0.51], [0.49, 0.5]]), 1, 2)[0]
    assert decided.tolist() == [[0, 1], [-1, 0]]


def test_maps_are_square_and_as_large_as_fit():
    assert tile_layout(16, 28, 17).rows == 3 and tile_layout(16, 28, 17).per_page >= 16
    assert tile_layout(4, 28, 17).rows > 3                        # fewer neurons, bigger maps
    small = tile_layout(16, 17, 11)
    assert small.rows == 2 and small.per_page < 16                # 80×24: paged
    assert tile_layout(3, 2, 2) is None


# --- in the app ------------------------------------------------------------------------------------
async def test_the_sample_being_processed_is_marked_on_the_data():
    app = make_app("mlp", hidden=[3], dataset="circle")
    async with app.run_test(size=(120, 40)) as pilot:
        sim = sim_view(app)
        await pilot.press("right")                                 # z of neuron 0 for the first sample
        inputs = sim.session.sim.last.values["inputs"]
        plot = app.screen.query_one(DecisionPlot)
        marked = _marked(plot, SAMPLE_MARK.bgcolor)
        assert len(marked) == 1 and marked[0][2] in "ox"
        assert f"({num(inputs[0])}, {num(inputs[1])})" in plot.border_subtitle
        await pilot.press("3", "right", "1", "right")               # the next sample's first z
        nxt = sim.session.sim.last.values["inputs"]
        assert nxt != inputs and f"({num(nxt[0])}, {num(nxt[1])})" in plot.border_subtitle
        assert _marked(plot, SAMPLE_MARK.bgcolor) != marked
        await pilot.press("5", "right")                            # an epoch: about no one sample
        assert not _marked(plot, SAMPLE_MARK.bgcolor) and "sample" not in plot.border_subtitle


async def test_the_perceptrons_line_moves_and_shows_where_it_was():
    app = make_app("perceptron", dataset="or")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3", *["right"] * 6)   # 4 samples, the epoch's end, then (0, 0) lowers b: y = 0 → y = 1
        frame = sim_view(app).frame
        assert frame.extras["line"] == (0.0, 0.5, -0.5) and frame.extras["line_before"] == (0.0, 0.5, 0.0)
        rows = text_of(app.screen.query_one(DecisionPlot)).splitlines()
        now = [r for r, row in enumerate(rows) if "─" in row]
        before = [r for r, row in enumerate(rows) if row.count("·") > 5]
        assert now and before and now[0] < before[0]               # y = 1 is above y = 0


async def test_a_tie_draws_no_boundary_and_says_so(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app("mlp", hidden=[4], dataset="circle")
    async with app.run_test(size=(120, 40)) as pilot:
        sim = sim_view(app)
        params = sim.session.model.params
        params["layer[1].W"][:] = 0.0
        params["layer[1].W"][0] = 1e-15   # ŷ = σ(1e-15·a₀) = 0.5 ± 2.2e-16 where a₀ changes sign
        params["layer[1].b"][:] = 0.0
        sim.redraw()
        await settle(pilot)
        plot = app.screen.query_one(DecisionPlot)
        assert not set(text_of(plot)) & set("█▀▄")                # no side is class 1 anywhere
        assert "a tie, no boundary" in plot.border_subtitle


async def test_each_neurons_map_is_its_output_over_the_plane():
    app = make_app("mlp", dataset="spiral")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("right")
        sim = sim_view(app)
        extras, params = sim.frame.extras, sim.session.model.params
        rows, cols = extras["surface"].shape
        points = grid(extras["extent"], cols, rows)
        h1 = np.tanh(points @ params["layer[0].W"] + params["layer[0].b"])        # (P, 16)
        assert np.allclose(extras["units"][0], h1.T.reshape(16, rows, cols), atol=1e-12)
        maps = app.screen.query_one(NeuronMaps)
        shown = text_of(maps)
        assert all(str(j) in shown for j in range(16)) and "h1 tanh" in maps.border_title
        assert shown.count("▀") >= 16 * 3 * 6 - 16                   # sixteen 6×3-cell maps


async def test_at_80x24_the_maps_page_to_the_neuron_being_computed():
    app = make_app("mlp", dataset="spiral")
    async with app.run_test(size=(80, 24)) as pilot:
        sim = sim_view(app)
        maps = app.screen.query_one(NeuronMaps)
        assert "0–8 of 16" in maps.border_title
        while sim.session.sim.last is None or sim.session.sim.last.path != "mlp.layer[0].neuron[12]":
            await pilot.press("right")
        assert "9–15 of 16" in maps.border_title and "12" in text_of(maps)


async def test_the_grid_is_computed_again_only_when_the_weights_change():
    app = make_app("mlp", hidden=[4], dataset="circle")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)                                        # laid out: the grid has its size
        sim = sim_view(app)
        calls = []
        original = sim.view.over_grid
        sim.view.over_grid = lambda *a: calls.append(1) or original(*a)
        await pilot.press("right", "right", "right")               # forward: the weights stay
        assert calls == []
        sim.session.model.params["layer[0].W"][0, 0] += 0.5
        sim.redraw()
        assert calls == [1]


async def test_the_heatmap_is_laid_out_as_W_is_stored():
    app = make_app("mlp", hidden=[4, 3], dataset="circle")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("right")
        W, b = sim_view(app).session.model.params["layer[0].W"], sim_view(app).session.model.params["layer[0].b"]
        lines = text_of(app.screen.query_one(WeightsPanel)).splitlines()
        assert lines[1].split() == ["x╲h1", "0", "1", "2", "3"]    # rows are x, columns h1's neurons
        scale = np.abs(np.concatenate([W.ravel(), b])).max()
        for i in range(2):                                          # row i: W[i, 0..3]
            assert lines[2 + i][5:5 + 8] == "".join(WeightsPanel._cell(w, scale) for w in W[i])
        assert lines[4].split()[0] == "b"


async def test_the_heatmap_says_which_rows_are_out_of_view():
    app = make_app("mlp", dataset="spiral")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("w", "down", "pagedown")                 # layer 1: 16 inputs and b
        shown = text_of(app.screen.query_one(WeightsPanel))
        assert "▼ rows" in shown and "b" in shown.split("▼ rows")[1].splitlines()[0]


async def test_without_colour_the_maps_read_by_shade_glyphs(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app("mlp", dataset="spiral")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("right")
        shown = text_of(app.screen.query_one(NeuronMaps))
        assert "▀" not in shown                                     # no colour-only cells
        assert set(shown) & set(hb.POSITIVE_SHADES) and set(shown) & set(hb.NEGATIVE_SHADES[1:])
