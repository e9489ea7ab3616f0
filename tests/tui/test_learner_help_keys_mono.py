"""What a learner found trying the app: a help screen describing panels and options a network does not
have (the SOM's help read out an MLP's heatmap), Tab advertised where it does nothing, PgDn in a
one-layer heatmap losing the selection, and pictures without colour (NO_COLOR) showing only half their
rows."""
import io

import numpy as np
import pytest
from rich.console import Console
from textual.widgets import Static

from dlsim.models import MODELS
from dlsim.tui.screens.help import HelpScreen
from dlsim.tui.widgets.image.pixels import SHADES as IMAGE_SHADES
from dlsim.tui.widgets.image.stage import StagePanel
from dlsim.tui.widgets.network.neuron_maps import NeuronMaps
from dlsim.tui.widgets.network.weights import WeightsPanel
from dlsim.tui.widgets.som.map_panel import MapPanel, glyphs_of, _steps

from .conftest import make_app, settle, sim_view, text_of


async def _help_text(app, pilot) -> str:
    """The help as drawn, its lines unwrapped."""
    await pilot.press("question_mark")
    await settle(pilot)
    assert isinstance(app.screen, HelpScreen)
    console = Console(width=400, record=True, file=io.StringIO())
    for static in app.screen.query(Static):
        console.print(static.content)
    return console.export_text()


def _row(text: str, key: str) -> str:
    """The help's line for `key` (its keys column, then what it does)."""
    return next(line.strip() for line in text.splitlines() if line.split(maxsplit=1)[:1] == [key])


def _reading(text: str, part: str) -> str:
    """The help's "Reading the screen" entry for `part`, its wrapped lines joined."""
    lines = text.split("Reading the screen")[1].splitlines()
    start = next(k for k, line in enumerate(lines) if line.strip().startswith(part + "  "))
    out = [lines[start]]
    for line in lines[start + 1:]:
        if line[:len(lines[start]) - len(lines[start].lstrip()) + len(part) + 2].strip():
            break   # the next part's name
        out.append(line)
    return " ".join(" ".join(out).split())


# --- 1, 2: every network's help describes its own screen, options and keys -----------------------
@pytest.mark.parametrize("name", list(MODELS))
async def test_the_help_lists_this_networks_own_options_keys_and_lines(name):
    app = make_app(name, backend="numpy")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        view = sim_view(app)
        heatmap = view.heatmap()
        one_matrix = heatmap is not None and len(view.view.matrices(view.frame, view.ui)) == 1
        text = await _help_text(app, pilot)
        options = [option.name for option in MODELS[name].options]
        assert _row(text, "o").split(maxsplit=1)[1] == "options: " + ", ".join(options)
        assert "hidden sizes" not in text or "hidden" in options
        assert "tab tab" not in text
        tested = any(label == "test" for chart in view.view.shown_charts() for _, label in chart.series)
        assert ("┄┄ test" in text) == tested   # no dashed test line to read where none is drawn
        if one_matrix:   # nothing to page to, no tabs to click
            assert "PgUp PgDn" not in _row(text, "w") and "tab" not in _row(text, "click")


async def test_the_soms_help_reads_its_own_heatmap_not_an_mlps():
    app = make_app("som", backend="numpy", rows=4, cols=5)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        heatmap = _reading(await _help_text(app, pilot), "heatmap")
        assert "a row per node" in heatmap and "a column per input" in heatmap
        assert "neuron" not in heatmap and "bias the last row" not in heatmap


async def test_the_perceptrons_help_has_no_backward_pass_and_no_shades():
    app = make_app("perceptron", backend="numpy")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = await _help_text(app, pilot)
        neurons = _reading(text, "neurons")
        assert "δ" not in neurons and "during the backward pass" not in neurons and "ŷ = step(z)" in neurons
        assert "tie" not in _reading(text, "surface").replace("no ties", "")
        assert "w[i]" in _reading(text, "heatmap") and "neuron j" not in _reading(text, "heatmap")


async def test_the_rnns_help_has_no_lstm_gates():
    app = make_app("rnn", backend="numpy")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = await _help_text(app, pilot)
        assert "LSTM" not in text and "‖δh_t‖" in text


# --- 3: Tab goes somewhere, or is not offered -------------------------------------------------------
async def test_tab_in_the_mlp_reaches_the_neuron_maps_and_pgdn_turns_their_pages():
    app = make_app("mlp", dataset="spiral", backend="numpy")   # 16 neurons: pages at 80×24
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        maps = app.screen.query_one(NeuronMaps)
        assert "0–8 of 16" in maps.border_title
        await pilot.press("tab")
        await settle(pilot)
        assert app.focused is maps
        await pilot.press("pagedown")
        await settle(pilot)
        assert "9–15 of 16" in maps.border_title
        await pilot.press("tab")
        assert isinstance(app.focused, WeightsPanel)


async def test_tab_is_not_offered_where_it_has_nowhere_to_go():
    app = make_app("perceptron", backend="numpy")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.focused, WeightsPanel)            # the one panel that takes keys
        assert "tab" not in app.screen.active_bindings          # not in the keys panel (Ctrl+P Keys)


# --- 5: PgDn in a heatmap of one matrix keeps the selection ----------------------------------------
async def test_pgdn_with_one_layer_keeps_the_selected_weight():
    app = make_app("perceptron", backend="numpy")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("w", "down")
        await settle(pilot)
        assert sim_view(app).ui.selected == ("w", (1,))
        await pilot.press("pagedown", "pageup")
        await settle(pilot)
        assert sim_view(app).ui.selected == ("w", (1,))


# --- 4: without colour, a picture keeps every row --------------------------------------------------
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_without_colour_each_som_node_row_is_a_line_of_its_own(size, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app("som", backend="numpy", rows=10, cols=10)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("5", "right", "3", "right")
        await settle(pilot)
        ex = sim_view(app).frame.extras
        hits = np.asarray(ex["hits"]).reshape(10, 10)
        panel = app.screen.query_one(MapPanel)
        lines = text_of(panel).splitlines()
        shown = lines[0].split("rows ")[1].split()[0] if "rows " in lines[0] else "0–9"
        first, last = (int(v) for v in shown.split("–"))
        assert last - first + 1 == min(10, panel.content_size.height - 1)
        glyphs = glyphs_of(_steps(hits.ravel(), float(max(int(hits.max()), 1))))
        for r in range(first, last + 1):   # the hit map's row r: its ten nodes' glyphs, nothing merged
            line = lines[1 + r - first]
            cell = 2 if size == (120, 40) else 1
            drawn = line[:10 * cell:cell]
            expected = "".join(glyphs[r * 10:(r + 1) * 10])
            bmu = ex["bmu"]
            if bmu is not None and bmu // 10 == r:
                expected = expected[:bmu % 10] + "◆" + expected[bmu % 10 + 1:]
            assert drawn == expected, (r, drawn, expected)
        if first > 0 or last < 9:   # the learner is told which rows are out of view
            assert f"rows {first}–{last} of 10" in lines[0]


async def test_without_colour_the_cnns_image_keeps_every_row_at_80x24(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app("cnn", backend="numpy")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("right", "right", "right")
        await settle(pilot)
        ex = sim_view(app).frame.extras
        image = ex["maps"]["x"].mean(axis=0)   # (8, 8)
        lines = text_of(app.screen.query_one(StagePanel)).splitlines()
        assert lines[0].startswith("image")
        shade = np.rint(image / image.max() * (len(IMAGE_SHADES) - 1)).astype(int)
        for y in range(image.shape[0]):   # every pixel row, each on its own line (window marks aside)
            drawn = lines[1 + y][:image.shape[1]]
            for x, ch in enumerate(drawn):
                assert ch == "▫" or ch == IMAGE_SHADES[shade[y, x]], (y, x, drawn)


async def test_without_colour_each_kernels_map_keeps_every_row_at_80x24(monkeypatch):
    from dlsim.tui.widgets.image.kernels import KernelsPanel
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app("cnn", backend="numpy")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2", "right")   # kernel 0's feature map, whole
        await settle(pilot)
        ex = sim_view(app).frame.extras
        fmap = ex["maps"]["a"][0]        # (6, 6)
        k = ex["kernels"].shape[-1]
        lines = text_of(app.screen.query_one(KernelsPanel)).splitlines()
        assert lines[0].startswith("K0")
        shade = np.rint(np.abs(fmap) / np.abs(fmap).max() * (len(IMAGE_SHADES) - 1)).astype(int)
        for y in range(fmap.shape[0]):   # every row of the map, beside the kernel where above it none fit
            expected = "".join(IMAGE_SHADES[s] for s in shade[y])
            assert lines[1 + y][k + 1:k + 1 + fmap.shape[1]] == expected, (y, lines[1 + y])
