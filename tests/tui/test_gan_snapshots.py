"""SVG snapshots of the GAN's screen at 80×24 and 120×40: after a few hundred iterations on the ring
(D's surface, the fakes spreading along it with their pushes, G's folded z grid, the curves), and
stopped inside a G step on the push D gives one fake point (∂L_G/∂x̂, the point highlighted)."""
import pytest

import dlsim
from dlsim.sim import warmup
from dlsim.tui.app import DlsimApp
from dlsim.tui.session import Session

from .conftest import make_app, settle
from .test_snapshots import SIZES

SMALL = {"samples": 64, "batch": 4, "d_hidden": (3,), "g_hidden": (4,)}
# one D step, then G's first point up to the push D gives it: its z, G (4 + 4 + 2 + 2 ops), D (3 + 3 +
# 1 + 1), G's loss, the δ of D's hidden layer (3), ∂L_G/∂x̂
INTO_G_STEP = ("4", "right", "1", *["right"] * 26)


@pytest.fixture(scope="module", autouse=True)
def warm_gan():
    warmup.warm("gan")


def _keys(*keys):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_gan_after_training_on_the_ring(snap_compare, size):
    sim = dlsim.make("gan", seed=0)
    sim.train(epochs=600)
    app = DlsimApp(Session(sim), prewarm=False)
    assert snap_compare(app, terminal_size=size, run_before=_keys())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_gan_inside_a_g_step_at_the_push_on_one_fake(snap_compare, size):
    app = make_app("gan", **SMALL)
    assert snap_compare(app, terminal_size=size, run_before=_keys(*INTO_G_STEP))


def test_the_g_step_stops_on_the_push_d_gives_the_fake_point():
    """What the snapshot above shows: the last event is ∂L_G/∂x̂ of G's first point."""
    sim = dlsim.make("gan", **SMALL)
    sim.step("batch")
    for _ in range(26):
        event = sim.step("op")
    assert event.op == "fake_grad" and event.path == "gan.fake[0]"
