"""SVG snapshots of the CNN's screen at 80×24 and 120×40: the kernel sliding over the image with the
window's arithmetic (forward), the δ routed through the max-pool and masked (backward), and the
confusion matrix with misclassified test images after an epoch."""
import pytest

from dlsim.sim import warmup

from .conftest import make_app, settle
from .test_snapshots import SIZES


@pytest.fixture(scope="module", autouse=True)
def warm_cnn():
    warmup.warm("cnn")


def _keys(*keys):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
    return run_before


# one whole image, then into the second one's convolution (kernel 0 at its ninth position)
SLIDING = ("3", "right", "1", *["right"] * 17)
# one whole image, then map by map into the second one's backward pass, three routings in
ROUTING = ("3", "right", "2", *["right"] * 14, "1", "right", "right", "right")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_cnn_kernel_sliding(snap_compare, size):
    assert snap_compare(make_app("cnn"), terminal_size=size, run_before=_keys(*SLIDING))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_cnn_backward_through_the_pool(snap_compare, size):
    assert snap_compare(make_app("cnn"), terminal_size=size, run_before=_keys(*ROUTING))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_cnn_28_by_28_kernel_sliding(snap_compare, size):
    """A 28×28 image: a window of the image, map and pooled map around the kernel (the title says
    which rows and columns), each kernel beside a window of its map."""
    assert snap_compare(make_app("cnn", image=28), terminal_size=size, run_before=_keys(*SLIDING))


def test_cnn_28_by_28_without_colour(snap_compare, monkeypatch):
    """NO_COLOR at 80×24, a 28×28 image: a line a pixel row, the window around the chosen cell."""
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(make_app("cnn", image=28), terminal_size=(80, 24), run_before=_choose_a_cell_then("pagedown"))


def test_cnn_digits_after_an_epoch(snap_compare):
    app = make_app("cnn", dataset="digits", samples=300, test=100, optimizer="adam", lr=0.01)
    assert snap_compare(app, terminal_size=(120, 40), run_before=_keys("5", "right"))


def _choose_a_cell_then(*keys):
    """After an epoch: a feature-map cell chosen on the stage (its value shown, marked), then `keys`."""
    async def run_before(pilot):
        from dlsim.tui.widgets.image.stage import StagePanel
        await settle(pilot)
        await pilot.press("5", "right", "3", "right")
        await settle(pilot)
        pilot.app.screen.query_one(StagePanel).focus()
        await pilot.press("down", "down", "shift+right", *keys)
        await settle(pilot)
    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_cnn_a_chosen_cell_and_the_next_page(snap_compare, size):
    """The chosen cell's numbers under the maps; the class panel turned to its next page (at 80×24:
    the confusion matrix or the misclassified images; at 120×40 everything fits on one)."""
    async def run_before(pilot):
        from dlsim.tui.widgets.image.classes import ClassesPanel
        await _choose_a_cell_then()(pilot)
        await pilot.click(ClassesPanel)
        await settle(pilot)
    assert snap_compare(make_app("cnn"), terminal_size=size, run_before=run_before)


def test_cnn_without_colour(snap_compare, monkeypatch):
    """NO_COLOR at 80×24: maps as shade glyphs, the chosen cell ◉, the window and winners as glyphs."""
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(make_app("cnn"), terminal_size=(80, 24), run_before=_choose_a_cell_then("pagedown"))


def test_cnn_the_layers_gradient_step(snap_compare):
    """At layer level, the ∂K step: the math panel lists every kernel's ∂K and ∂b."""
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("3", "right", "2")
        session = pilot.app.screen.simview.session
        for _ in range(60):
            await pilot.press("right")
            last = session.sim.last
            if last.op == "db" and "kernel_grads" in last.values:
                break
        await settle(pilot)
    assert snap_compare(make_app("cnn"), terminal_size=(120, 40), run_before=run_before)
