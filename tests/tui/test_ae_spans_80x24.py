"""At 80×24 the autoencoder's panels keep what their bottom border says at 120×40, on their top rule
(a compact panel has no bottom border): the code plane's spans (what its x and y run over, the model's
codes' lowest and highest) and the images' note that a blank picture is not computed yet; the code
plane keeps every row for its points."""
import numpy as np
import pytest

from dlsim.protocol.numbers import num
from dlsim.sim import warmup
from dlsim.tui.widgets.ae.code_plane import CodePlane
from dlsim.tui.widgets.ae.rebuilt import Rebuilt

from .conftest import make_app, settle, text_of

SMALL = {"samples": 200, "test": 60}
INTO_SAMPLE = ("2", "right", "right")   # by layer, into the first sample's forward pass: the rebuilding not yet computed


@pytest.fixture(scope="module", autouse=True)
def warm_ae():
    warmup.warm("ae")


def _tenths(x) -> str:
    return num(round(float(x), 1), 1)


@pytest.mark.parametrize("net", ["ae", "vae"])
@pytest.mark.parametrize("no_color", [False, True], ids=["colour", "NO_COLOR"])
async def test_the_code_plane_says_what_its_axes_span_at_80x24(net, no_color, monkeypatch):
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    warmup.warm(net)
    app = make_app(net, **SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*INTO_SAMPLE)
        await settle(pilot)
        plane = app.screen.query_one(CodePlane)
        codes = app.screen.simview.frame.extras["codes"]   # (tests, 2): the model's
        title = str(plane.border_title)
        for k, name in enumerate(("z₁", "z₂")):
            lo, hi = codes[:, k].min(), codes[:, k].max()
            assert f"{name} {_tenths(lo)}…{_tenths(hi)}" in title, title
        assert "PgDn" in title and len(title) <= plane.label_room(), title   # the key kept, nothing cut
        assert len(text_of(plane).splitlines()) == plane.size.height   # no row given up for it


@pytest.mark.parametrize("net", ["ae", "vae"])
async def test_the_images_say_a_blank_one_is_not_computed_yet_at_80x24(net):
    warmup.warm(net)
    app = make_app(net, **SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*INTO_SAMPLE)
        await settle(pilot)
        rebuilt = app.screen.query_one(Rebuilt)
        assert not np.isfinite(app.screen.simview.frame.extras["rebuilt"]).all()
        title = str(rebuilt.border_title)
        assert "blank: not" in title and "sample " in title, title


async def test_at_120x40_the_spans_stay_on_the_bottom_border():
    app = make_app("ae", **SMALL)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        plane = app.screen.query_one(CodePlane)
        assert str(plane.border_title).startswith("code plane · ")
        assert str(plane.border_subtitle).startswith("code 1: ") and " · code 2: " in str(plane.border_subtitle)
