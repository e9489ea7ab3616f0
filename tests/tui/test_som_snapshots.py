"""SVG snapshots of the SOM's screen at 80×24 and 120×40: the colour map with its U-matrix, and the
grid drawn over 2-D points, each stopped inside a sample's update pass (BMU and neighbourhood shown)."""
import pytest

from dlsim.sim import warmup

from .conftest import make_app, settle
from .test_snapshots import SIZES


@pytest.fixture(scope="module", autouse=True)
def warm_som():
    warmup.warm("som")


def _keys(*keys):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
    return run_before


# three whole samples, the next sample's BMU search, then into its update pass
INTO_UPDATE = ("3", "right", "right", "right", "2", "right", "1", "right", "right", "right")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_som_colours(snap_compare, size):
    app = make_app("som", rows=8, cols=12)
    assert snap_compare(app, terminal_size=size, run_before=_keys(*INTO_UPDATE))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_som_points(snap_compare, size):
    app = make_app("som", dataset="moons", rows=6, cols=6, sigma=2.0, topology="hexagonal")
    assert snap_compare(app, terminal_size=size, run_before=_keys("4", "right", "right", *INTO_UPDATE))


def test_som_before_the_first_step(snap_compare):
    # nothing computed yet: no BMU to mark, each node row on a line of its own
    assert snap_compare(make_app("som", rows=8, cols=10), terminal_size=(120, 40), run_before=_keys())

