"""The RBM's screen: SVG snapshots at 80×24 and 120×40 (bars-and-stripes after some epochs, stopped in
a sample's negative phase; the binarised digits; without colour), and what a learner reads in them:
the chain's images are the sample's own, and the heatmap shown is the phase's."""
import numpy as np
import pytest

from dlsim.sim import warmup
from dlsim.tui.widgets.network.weights import WeightsPanel
from dlsim.tui.widgets.rbm.pictures import Pictures

from .conftest import make_app, text_of
from .test_snapshots import SIZES, _keys

# 30 epochs, then into a sample: its positive phase's layers, the reconstruction, the first negative layers
INTO_SAMPLE = ("5", "right", "right", "right", "2", "right", "right", "right", "right", "right")
DIGITS = {"dataset": "digits", "samples": 100, "test": 30, "hidden": 10}


@pytest.fixture(scope="module", autouse=True)
def warm_rbm():
    warmup.warm("rbm")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_rbm_bars(snap_compare, size):
    assert snap_compare(make_app("rbm"), terminal_size=size, run_before=_keys(*INTO_SAMPLE))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_rbm_without_colour(snap_compare, size, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(make_app("rbm"), terminal_size=size, run_before=_keys(*INTO_SAMPLE))


def test_rbm_digits(snap_compare):
    assert snap_compare(make_app("rbm", **DIGITS), terminal_size=(120, 40), run_before=_keys(*INTO_SAMPLE))


async def test_the_pictures_show_the_sample_in_hand_and_the_heatmap_its_phase(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app("rbm")
    async with app.run_test(size=(120, 40)) as pilot:
        await _keys(*INTO_SAMPLE)(pilot)
        sim = app.screen.simview.session.sim
        shown = sim.inspect()
        assert sim.last.phase == "negative"
        panel = app.screen.query_one(Pictures)
        assert f"chain of sample {shown['sample']}" in panel.border_title
        lines = text_of(panel).splitlines()
        assert lines[0].split() == ["v₀", "p(v|h₀)", "v1"]
        assert "dreams after 20 Gibbs steps" in text_of(panel)
        heatmap = text_of(app.screen.query_one(WeightsPanel))
        assert "⟨vₖhₖ⟩[i,j]" in heatmap   # the negative phase's statistics
        assert np.array_equal(app.screen.simview.frame.extras["shown"]["v0"], sim.model.X[shown["sample"]])
