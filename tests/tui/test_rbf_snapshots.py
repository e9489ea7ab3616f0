"""The RBF network's screen: SVG snapshots at 80×24 and 120×40 (the sine fitted, the units drawn
over it; a 2-D set with the decision surface and the centres; one without colour), and what a
learner reads in them, glyph by glyph."""
import pytest

from dlsim.protocol.numbers import num
from dlsim.sim import warmup
from dlsim.tui.widgets.rbf import fit_plot
from dlsim.tui.widgets.rbf.fit_plot import FitPlot

from .conftest import make_app, settle, text_of
from .test_snapshots import SIZES


@pytest.fixture(scope="module", autouse=True)
def warm_rbf():
    warmup.warm("rbf")


def _keys(*keys):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
    return run_before


# to the solve (k-means passes, then the least-squares epoch), then into the next sample's Gaussians
SOLVED = ("5", "right", "right", "right", "right", "right", "right", "1", "right", "right", "right")
CIRCLE = {"dataset": "circle", "centres": 9, "placement": "grid", "sigma": 0.4}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_rbf_sine(snap_compare, size):
    assert snap_compare(make_app("rbf"), terminal_size=size, run_before=_keys(*SOLVED))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_rbf_points(snap_compare, size):
    assert snap_compare(make_app("rbf", **CIRCLE), terminal_size=size, run_before=_keys("5", "right", "1", "right"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_rbf_without_colour(snap_compare, size, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(make_app("rbf"), terminal_size=size, run_before=_keys(*SOLVED))


async def test_the_sine_shows_each_centre_the_data_and_the_sample_in_hand():
    app = make_app("rbf")
    async with app.run_test(size=(120, 40)) as pilot:
        await _keys(*SOLVED)(pilot)
        picture = app.screen.query_one(FitPlot)
        shown = text_of(picture).splitlines()
        sim = app.screen.simview.session.sim
        model = sim.model
        assert 1 < shown[-1].count(fit_plot.CENTRE) <= model.K   # on the bottom row (two may share a cell)
        assert sum(line.count(fit_plot.SAMPLE) for line in shown) == 1
        sample = sim.inspect()["sample"]
        assert f"sample #{sample}: x = {num(model.X[sample, 0])}" in picture.border_subtitle


async def test_the_decision_surface_marks_every_centre():
    app = make_app("rbf", **CIRCLE)
    async with app.run_test(size=(120, 40)) as pilot:
        await _keys("5", "right")(pilot)
        shown = text_of(app.screen.query_one(FitPlot))
        assert shown.count(fit_plot.CENTRE) == 9
