"""The variational autoencoder's screen: SVG snapshots at 80×24 and 120×40 (the digits, with and
without colour, stopped inside a sample's forward pass after ε's draw; the decoded grid), and what
a learner reads there: the picked point's decoding is the decoder's output at its code, for the VAE
and the AE alike, picked by keys or by a click."""
import numpy as np
import pytest

from dlsim.sim import warmup
from dlsim.tui.widgets.ae.code_plane import CodePlane
from dlsim.tui.widgets.ae.rebuilt import Rebuilt

from .conftest import make_app, settle, text_of
from .test_snapshots import SIZES

SMALL = {"samples": 200, "test": 60}
# an epoch; then a sample's encoder layer, heads, ε's draws and z
INTO_SAMPLE = ("5", "right", "3", "right", "right", "right", "right")


@pytest.fixture(scope="module", autouse=True)
def warm_vae():
    warmup.warm("vae")
    warmup.warm("ae")


def _keys(*keys):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_vae_digits(snap_compare, size):
    app = make_app("vae", **SMALL)
    assert snap_compare(app, terminal_size=size, run_before=_keys(*INTO_SAMPLE))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_vae_without_colour(snap_compare, size, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app("vae", **SMALL)
    assert snap_compare(app, terminal_size=size, run_before=_keys(*INTO_SAMPLE))


def test_vae_decoded_grid(snap_compare):
    app = make_app("vae", **SMALL)

    async def run_before(pilot):
        await _keys("5", "right")(pilot)
        pilot.app.screen.query_one(CodePlane).focus()
        await pilot.press("pagedown", "up", "shift+left")
        await settle(pilot)
    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)


@pytest.mark.parametrize("net", ["vae", "ae"])
async def test_the_picked_points_decoding_is_the_decoders_output_there(net, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(net, **SMALL)
    async with app.run_test(size=(120, 40)) as pilot:
        await _keys("5", "right")(pilot)
        plane = app.screen.query_one(CodePlane)
        model = app.screen.simview.session.sim.model
        for move in ((), ("down", "shift+right"), ("pagedown", "up", "up", "shift+left")):
            plane.focus()
            await pilot.press(*move)
            await settle(pilot)
            points, decoded = app.screen.simview.frame.extras["grid"]
            point, decoding = plane.shown
            assert np.array_equal(point, points[plane.picked])
            np.testing.assert_array_equal(decoding, model.decode(point[None])[0])
        assert "decoded grid" in plane.border_title
        before = plane.picked
        await pilot.click(CodePlane, offset=(2, 1))   # the top-left grid point
        await settle(pilot)
        assert plane.picked == (0, 0) != before
        np.testing.assert_array_equal(plane.shown[1], model.decode(plane.shown[0][None])[0])


async def test_the_rebuilt_panel_writes_the_samples_mu_sigma_eps_and_z(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app("vae", **SMALL)
    async with app.run_test(size=(120, 40)) as pilot:
        await _keys(*INTO_SAMPLE)(pilot)
        shown = app.screen.simview.session.sim.inspect()
        text = text_of(app.screen.query_one(Rebuilt))
        assert "μ (" in text and "ε (" in text and "→ z (" in text
        assert np.isfinite(shown["sample_eps"]).all() and np.isfinite(shown["sample_code"]).all()
