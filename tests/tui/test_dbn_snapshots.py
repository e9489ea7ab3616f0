"""The DBN's screen: SVG snapshots at 80×24 and 120×40 (the first layer pre-training, stopped in a
sample's chain; the second layer pre-training on the first's probabilities; fine-tuning; without
colour), and what a learner reads in them: the stage in the status line and the heatmap of the
layer that trains."""
import pytest

from dlsim.sim import warmup
from dlsim.tui.widgets.network.weights import WeightsPanel

from .conftest import make_app, text_of
from .test_snapshots import SIZES, _keys

SMALL = {"layers": (8, 4), "pretrain": 1, "samples": 40, "test": 20}
FIRST_LAYER = ("2", "right", "right", "right", "right")                 # into the first sample's chain
SECOND_LAYER = ("5", "right", "2", "right", "right", "right", "right")   # an epoch, then layer 2's chain
FINE_TUNING = ("5", "right", "right", "2", "right", "right", "right")    # two epochs, then forward


@pytest.fixture(scope="module", autouse=True)
def warm_dbn():
    warmup.warm("dbn")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_dbn_first_layer(snap_compare, size):
    assert snap_compare(make_app("dbn", **SMALL), terminal_size=size, run_before=_keys(*FIRST_LAYER))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_dbn_without_colour(snap_compare, size, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(make_app("dbn", **SMALL), terminal_size=size, run_before=_keys(*SECOND_LAYER))


def test_dbn_fine_tuning(snap_compare):
    assert snap_compare(make_app("dbn", **SMALL), terminal_size=(120, 40), run_before=_keys(*FINE_TUNING))


@pytest.mark.parametrize("keys, stage, heatmap", [
    (FIRST_LAYER, "layer 1/2 CD-1", "layer 1 and b"),
    (SECOND_LAYER, "layer 2/2 CD-1", "layer 2 and b"),
    (FINE_TUNING, "fine-tuning 2 layers + softmax", "layer 1"),
])
async def test_the_status_says_the_stage_and_the_heatmap_is_the_training_layer(monkeypatch, keys, stage, heatmap):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app("dbn", **SMALL)
    async with app.run_test(size=(120, 40)) as pilot:
        await _keys(*keys)(pilot)
        sim = app.screen.simview.session.sim
        assert stage in app.screen.simview.view.cursor(sim.model, sim.last)
        assert heatmap in text_of(app.screen.query_one(WeightsPanel))


def _plot_under(curves_text: str, title: str) -> list[str]:
    """The rows of a chart's plot, under its legend in the curves panel's text (each starts with its
    y axis, "0.13┤")."""
    lines = curves_text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.lstrip().startswith(title))
    plot = []
    for line in lines[at + 1:]:
        if "┤" not in line[:8]:
            break
        plot.append(line)
    return plot


@pytest.mark.parametrize("epochs, chart", [(1, "reconstruction"), (4, "loss")])
async def test_at_80x24_the_curve_of_the_stage_under_way_is_drawn(monkeypatch, epochs, chart):
    """`dlsim run dbn` at 80×24: four charts share six rows. The one of the stage under way (the
    reconstruction error while a layer pre-trains, the loss while the stack fine-tunes) gets plot rows
    with its curve; before, every chart got a legend and at most one plot row, fine-tuning's none."""
    from dlsim.tui.widgets.curves import Curves
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app("dbn", pretrain=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await _keys("5", *["right"] * epochs)(pilot)
        shown = text_of(app.screen.query_one(Curves))
        plot = _plot_under(shown, chart)
        assert len(plot) >= 2, shown   # a rise or fall over 8 dots, its top and bottom labelled
        assert any("\u2801" <= c <= "\u28ff" for row in plot for c in row), shown
        for title in ("reconstruction", "free-energy gap", "loss", "accuracy"):   # every legend stays
            assert any(line.lstrip().startswith(title) for line in shown.splitlines()), title
