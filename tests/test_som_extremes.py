"""The SOM at the edges of what it allows: a starting σ too small to square is refused where it is
typed, and weights so large that every distance overflows still give a BMU (never node −1), the
same on the compiled kernel and the NumPy reference."""
import numpy as np
import pytest

import dlsim
from dlsim.cli import main
from dlsim.errors import UserError
from dlsim.kernels import som as k
from dlsim.kernels import som_reference as ref
from dlsim.protocol.events import Level


def test_a_sigma_too_small_to_square_is_refused_in_one_line(capsys):
    assert main(["run", "som", "--headless", "--set", "sigma=1e-200"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "option 'sigma'" in err[0] and ">= 0.01" in err[0]
    with pytest.raises(UserError, match="option 'sigma'"):
        dlsim.make("som").set("sigma", 1e-200)


def test_the_smallest_sigma_trains_the_bmu_alone_and_stays_finite():
    sim = dlsim.make("som", sigma=0.01, decay="linear", horizon=1)
    summary = sim.train(epochs=3)
    assert np.isfinite(sim["weights"]).all() and not summary["diverged"]


@pytest.mark.parametrize("huge", [[0, 1, 2, 3], [1, 3], [0]])
def test_weights_whose_distances_overflow_still_name_a_node(huge):
    W = np.zeros((4, 3))
    W[huge] = 1e154                                  # ‖x − w‖² overflows to ∞ for these nodes
    x = np.full(3, 0.5)
    found = k.find_bmu(x, W)
    assert found[0] >= 0 and found[2] >= 0 and found[0] != found[2]
    with np.errstate(over="ignore"):
        expected = ref.find_bmu(x, W)
    assert (found[0], found[2]) == (expected[0], expected[2])
    assert k.bmus(x[None], W)[0] == expected[0]


def test_typed_in_huge_weights_step_a_real_node():
    """Every distance is ∞: the search names node [0,0] (ties keep the lower node), as the
    reference's does, and the op stream never shows node −1."""
    sim = dlsim.make("som", rows=2, cols=5)
    sim["weights"] = np.full(sim["weights"].shape, 1e154)
    paths = []
    while True:
        event = sim.step("op")
        paths.append(event.path)
        if event.closes >= Level.SAMPLE:
            break
    assert event.values["bmu"] == 0 and event.values["runner_up"] == 1
    assert not any("[-1" in path for path in paths)
