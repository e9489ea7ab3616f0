"""The image networks' pictures as a learner reads them: without colour (NO_COLOR) a digit keeps every
pixel row (a shade glyph a pixel, a row a line: two rows averaged into one line lose the stroke),
and where a panel is too short it says how many rows are out of view instead of merging them; the
CNN's note on a matrix too wide is whole words; the DBN's heatmap is titled by what it shows."""
import numpy as np
import pytest

from dlsim.sim import warmup
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.ae import decoded_grid as dg
from dlsim.tui.widgets.ae.pictures import image_rows
from dlsim.tui.widgets.ae.rebuilt import Rebuilt
from dlsim.tui.widgets.image.classes import ClassesPanel
from dlsim.tui.widgets.network.weights import WeightsPanel
from dlsim.tui.widgets.rbm.pictures import Pictures

from .conftest import make_app, text_of
from .test_snapshots import _keys

STRIPES = np.tile(np.array([[1.0], [0.0]]), (4, 8))   # 8×8: ink on the even rows, none on the odd


def _text(lines) -> list[str]:
    return ["".join(text for text, _ in line) for line in lines]


def test_without_colour_a_striped_image_keeps_its_stripes():
    shown = _text(image_rows(STRIPES, 1.0, mono=True, wide=1))
    assert shown == ["█" * 8, " " * 8] * 4   # not four lines of ▒, the two rows' average


def test_without_colour_the_decoded_tiles_keep_their_rows():
    bands = np.kron(STRIPES[:4, :4], np.ones((2, 2)))   # 4×4 stripes once a short panel halves the tile
    decoded = np.broadcast_to(bands.ravel(), (2, 3, 64))
    shown = _text(dg.tiles(decoded, 8, (0, 0), True, 40, 12))
    assert [line[:4] for line in shown[:4]] == ["████", "    ", "████", "    "]


@pytest.fixture(scope="module")
def warm_image_networks():
    for name in ("ae", "vae", "rbm", "dbn"):
        warmup.warm(name)


async def test_without_colour_the_input_digit_has_a_line_per_pixel_row(monkeypatch, warm_image_networks):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app("ae", samples=200, test=60)
    async with app.run_test(size=(120, 40)) as pilot:
        await _keys("5", "right", "right")(pilot)
        x = app.screen.simview.frame.extras["x"].reshape(8, 8)
        lines = text_of(app.screen.query_one(Rebuilt)).splitlines()
        drawn = [[line[2 * c] != " " for c in range(8)] for line in lines[1:9]]   # two columns a pixel
        assert drawn == (np.rint(st.LEVELS * x) > 0).tolist()
        assert lines[9].startswith("code (")


async def test_a_short_panel_says_how_many_rows_are_out_of_view(monkeypatch, warm_image_networks):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app("ae", samples=200, test=60)
    async with app.run_test(size=(80, 24)) as pilot:
        await _keys("5", "right", "right")(pilot)
        lines = text_of(app.screen.query_one(Rebuilt)).rstrip("\n").splitlines()
        note = next((line for line in lines if line.startswith("▼")), None)
        assert note is not None, "the cut rows are not said"
        hidden = int(note.split()[1])
        shown = lines.index(note) - 1   # the pixel rows under the pictures' names
        assert "more rows" in note and shown + hidden == 8   # every row of the 8×8 digit accounted for
        assert lines[lines.index(note) + 1].startswith("code (")   # the code kept under the pictures


async def test_the_rbm_chain_is_whole_and_no_heading_is_left_without_its_pictures(monkeypatch,
                                                                                  warm_image_networks):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app("rbm")
    async with app.run_test(size=(80, 24)) as pilot:
        await _keys("right", "right", "right", "right")(pilot)
        lines = [line.rstrip() for line in text_of(app.screen.query_one(Pictures)).splitlines()]
        note = next((k for k, line in enumerate(lines) if line.startswith("▼")), None)
        assert note == 5 and lines[0].split() == ["v₀", "p(v|h₀)", "v1"]   # names, the 4×4 bars' 4 rows
        # the rest on the next page, the note says so (not a heading over no pictures)
        assert "dreams" in lines[note] and "PgDn" in lines[note]
        assert not any(line.startswith("dreams after") for line in lines)


async def test_the_vae_code_line_is_whole_at_80x24(warm_image_networks):
    app = make_app("vae", samples=200, test=60)
    async with app.run_test(size=(80, 24)) as pilot:
        await _keys("2", *["right"] * 8)(pilot)
        shown = " ".join(text_of(app.screen.query_one(Rebuilt)).split())
        z = app.screen.simview.frame.extras["code"]
        assert np.isfinite(z).all() and "→ z (" in shown
        assert shown.split("→ z (")[1].split(")")[0].count(",") == len(z) - 1   # every number of z shown


def test_the_confusion_matrix_note_is_whole_words_in_a_narrow_panel():
    ex = {"confusion": np.zeros((10, 10), int), "accuracy": 0.09}
    for width in (22, 31, 33):   # the matrix needs 34: a note in its place, however narrow
        note = _text(ClassesPanel._confusion(ex, [str(k) for k in range(10)], width))[-1]
        assert len(note) <= width and note.startswith("(") and note.endswith("34 columns)")


DBN = {"layers": (8, 4), "pretrain": 1, "samples": 40, "test": 20}


@pytest.mark.parametrize("keys, title, word", [
    (("2", "right", "right", "right", "right"), "the layer training: W · positive · negative · ΔW", "tab"),
    (("5", "right", "right", "2", "right", "right", "right"), "fine-tuning: every layer's W", "layer"),
])
async def test_the_dbn_heatmap_is_titled_by_what_it_shows(monkeypatch, warm_image_networks, keys, title, word):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app("dbn", **DBN)
    async with app.run_test(size=(120, 40)) as pilot:
        await _keys(*keys)(pilot)
        heatmap = app.screen.query_one(WeightsPanel)
        assert heatmap.border_title == heatmap.FOCUSED + title   # focused: no colour shows it, ▶ does
        assert text_of(heatmap).split()[0] == word   # its tabs: the RBM's statistics, or the layers


async def test_the_dbn_says_what_a_layer_above_learns_in_whole_words_at_80x24(warm_image_networks):
    app = make_app("dbn", **DBN)
    async with app.run_test(size=(80, 24)) as pilot:
        await _keys("5", "right", "2", "right", "right", "right", "right")(pilot)   # layer 2's chain
        shown = " ".join(text_of(app.screen.query_one(Pictures)).split())
        assert "learns p(h|v) of layer 1 (frozen), not images" in shown
        assert "the heatmaps and the math panel" in shown



@pytest.mark.parametrize("dataset, size", [("bars", (80, 24)), ("digits", (120, 40))])
async def test_where_the_completion_pictures_get_no_row_its_error_still_shows(dataset, size, warm_image_networks):
    # the panel has room for the dreams and one line more: that line is the completion's error (a
    # number the learner reads), not the "▼ more rows" note, which took it
    app = make_app("rbm", dataset=dataset)
    async with app.run_test(size=size) as pilot:
        await _keys("right", "right", "right", "right")(pilot)   # a sample's chain above the dreams
        lines = [line.rstrip() for line in text_of(app.screen.query_one(Pictures)).splitlines() if line.strip()]
        assert lines[-1].startswith("completion: ") and "wrong" in lines[-1]
