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


def test_grid_neighbours_are_found_in_linear_time():
    import numpy as np

    from dlsim.kernels import som as k
    from dlsim.kernels.som_reference import grid_positions
    from dlsim.tui.views.som import neighbour_pairs
    for hexagonal in (False, True):
        pos = grid_positions(5, 7, hexagonal)
        brute = {(i, j) for i in range(35) for j in range(i + 1, 35) if k.grid_distance2(pos, i, j) < k.NEIGHBOUR_D2}
        assert {tuple(p) for p in neighbour_pairs(pos, 7).tolist()} == brute
    assert len(neighbour_pairs(grid_positions(200, 200, False), 200)) == 2 * 200 * 199
    assert np.array_equal(neighbour_pairs(grid_positions(1, 2, False), 2), [[0, 1]])
