"""The autoencoder's screen: SVG snapshots at 80×24 and 120×40 (the digits, with and without
colour, stopped inside a denoised sample's forward pass; a 2-1-2 bottleneck on points), and what a
learner reads in them: the code plane's glyphs are the test inputs' classes, at the model's codes."""
import numpy as np
import pytest

from dlsim.sim import warmup
from dlsim.tui.widgets.ae import decoded_grid as dg
from dlsim.tui.widgets.ae.code_plane import CodePlane
from dlsim.tui.widgets.ae.rebuilt import Rebuilt

from .conftest import make_app, settle, text_of
from .test_snapshots import SIZES

SMALL = {"samples": 200, "test": 60}
INTO_SAMPLE = ("5", "right", "3", "right", "right", "2", "right", "right", "right")   # an epoch; a sample's corruption, hidden layer, code


@pytest.fixture(scope="module", autouse=True)
def warm_ae():
    warmup.warm("ae")


def _keys(*keys):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_ae_digits(snap_compare, size):
    app = make_app("ae", denoise=0.3, **SMALL)
    assert snap_compare(app, terminal_size=size, run_before=_keys(*INTO_SAMPLE))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_ae_without_colour(snap_compare, size, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app("ae", **SMALL)
    assert snap_compare(app, terminal_size=size, run_before=_keys(*INTO_SAMPLE))


def test_ae_points_bottleneck(snap_compare):
    app = make_app("ae", dataset="moons", encoder=0, code=1, samples=64, test=32)
    assert snap_compare(app, terminal_size=(120, 40), run_before=_keys(*INTO_SAMPLE))


async def test_the_code_plane_draws_each_test_input_as_its_class(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app("ae", **SMALL)
    async with app.run_test(size=(120, 40)) as pilot:
        await _keys("5", "right")(pilot)
        sim = app.screen.simview.session.sim
        codes = sim.inspect()["test_codes"]
        assert np.array_equal(app.screen.simview.frame.extras["codes"], codes)
        panel = app.screen.query_one(CodePlane)
        plane = dg.plane_width(panel.size.width)   # the codes only: not the picked point's z beside them
        shown = "\n".join(line[:plane] for line in text_of(panel).splitlines())
        digits = [c for c in shown if c.isdigit()]
        assert set(digits) <= {str(c) for c in sim.data.y_test}
        assert len(set(digits)) >= 8 and 20 <= len(digits) <= len(codes)   # points may share a cell


async def test_the_rebuilt_panel_shows_the_sample_in_hand(monkeypatch):
    app = make_app("ae", denoise=0.3, **SMALL)
    async with app.run_test(size=(120, 40)) as pilot:
        await _keys(*INTO_SAMPLE)(pilot)
        sim = app.screen.simview.session.sim
        shown = sim.inspect()
        panel = app.screen.query_one(Rebuilt)
        assert f"sample {shown['sample']}" in panel.border_title
        lines = text_of(panel).splitlines()
        assert lines[0].split() == ["input", "corrupted", "rebuilt"]
        assert np.isfinite(shown["sample_code"]).all()
        assert "code (" in text_of(panel)
