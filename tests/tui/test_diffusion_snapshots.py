"""The diffusion model's screen: SVG snapshots at 80×24 and 120×40 (a few epochs trained, a point
being noised, the plane moved to t = 20; one without colour), and what a learner reads in them:
the keys that move t, the plane and the schedule agreeing on t and ᾱ_t, the data at t = 0."""
import numpy as np
import pytest

from dlsim.protocol.numbers import num
from dlsim.sim import warmup
from dlsim.tui.widgets.diffusion import plane
from dlsim.tui.widgets.diffusion.plane import DiffusionPlane
from dlsim.tui.widgets.diffusion.schedule import SchedulePlot

from .conftest import make_app, settle, text_of
from .test_snapshots import SIZES

SMALL = {"samples": 128, "generated": 64}
# three epochs, then into the next point's draw and noising, op by op
TRAINED = ("5", "right", "right", "right", "1", "right", "right", "right")


@pytest.fixture(scope="module", autouse=True)
def warm_diffusion():
    warmup.warm("diffusion")


def _keys(*keys, t_up: int = 2):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
        pilot.app.screen.set_focus(pilot.app.screen.query_one(DiffusionPlane))
        await pilot.press(*["pageup"] * t_up)
        await settle(pilot)
    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_diffusion_plane(snap_compare, size):
    assert snap_compare(make_app("diffusion", **SMALL), terminal_size=size, run_before=_keys(*TRAINED))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_diffusion_without_colour(snap_compare, size, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(make_app("diffusion", **SMALL), terminal_size=size, run_before=_keys(*TRAINED))


async def test_the_keys_move_t_and_both_pictures_agree_on_it():
    app = make_app("diffusion", **SMALL)
    async with app.run_test(size=(120, 40)) as pilot:
        await _keys(*TRAINED, t_up=0)(pilot)
        shown, schedule = app.screen.query_one(DiffusionPlane), app.screen.query_one(SchedulePlot)
        model = app.screen.simview.session.sim.model
        for keys, t in ((("pageup",), 5), (("up", "up"), 7), (("down",), 6), (("end",), 50), (("home",), 0)):
            await pilot.press(*keys)
            await settle(pilot)
            assert shown.border_title.startswith(f"t = {t} of 50")
            assert schedule.border_subtitle.startswith(f"t = {t}: ᾱ_t = {num(model.alpha_bar[t])}")
            # at t = 0 (ᾱ_t = 1) the plane gives the generated points' distance to the data instead
            said = f"ᾱ_t = {num(model.alpha_bar[t])}" if t else f"distance to data {num(model.evaluate()['distance'])}"
            assert said in shown.border_subtitle


async def test_at_t_0_the_plane_shows_the_data_and_the_point_in_hand():
    app = make_app("diffusion", **SMALL)
    async with app.run_test(size=(120, 40)) as pilot:
        await _keys(*TRAINED, t_up=0)(pilot)
        sim = app.screen.simview.session.sim
        text = text_of(app.screen.query_one(DiffusionPlane))
        assert "→" not in text and "↗" not in text   # no arrows at t = 0: nothing to denoise
        assert text.count(plane.CLEAN) == 1 and text.count(plane.NOISY) == 1
        assert text.count(plane.NOISED) > 20        # the ring's points
        assert np.array_equal(sim.model.cloud_at(0), sim.model.X)
        assert "in hand: t = " + str(sim.inspect()["t"]) in app.screen.query_one(DiffusionPlane).border_subtitle
