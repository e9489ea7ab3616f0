"""A conv layer stepped position by position shows, at each position, the window the kernel slid
over and its products with the kernel that computed z (the windows of a whole map are cut out at
once: a 28×28 image has 676 positions a kernel); a weight typed in mid-map is the kernel the next
positions show, as it is the one they compute with."""
import numpy as np
import pytest

import dlsim
from dlsim.models.cnn_steps import window
from dlsim.protocol.events import Level

CONFIGS = {
    "valid": {},
    "same-stride2-two-layers": {"image": 12, "kernels": (2, 3), "padding": "same", "stride": 2},
    "five-valid-stride2-no-pool": {"image": 13, "size": 5, "stride": 2, "pool": "none", "kernels": (2,)},
    "five-same-colour": {"dataset": "colour_shapes", "size": 5, "padding": "same", "kernels": (2,)},
}


def _sim(**extra):
    return dlsim.make("cnn", seed=3, **{"samples": 3, "test": 2, "batch": 1, **extra})


def _layer_of(path: str) -> int:
    return int(path.split("[", 2)[1].split("]")[0])


@pytest.mark.parametrize("extra", CONFIGS.values(), ids=CONFIGS.keys())
def test_every_position_shows_the_window_under_the_kernel_and_its_products(extra):
    sim = _sim(**extra)
    m = sim.model
    seen = 0
    while True:
        event = sim.step("op")
        if event.op in ("conv", "dK"):
            v = event.values
            l = _layer_of(event.path)
            x = m.conv_maps(l)[0]
            under = window(x, v["size"], v["top"], v["left"]).ravel()
            assert v["window"] == tuple(under.tolist())
            if event.op == "conv":
                K = m.conv_params(l)[0][v["f"]].ravel()
                assert v["weights"] == tuple(K.tolist())
                assert v["products"] == tuple((under * K).tolist())
                total = 0.0
                for p in v["products"]:
                    total += p
                assert total == v["sum"]
            seen += 1
        if event.closes >= Level.SAMPLE:
            break
    assert seen > 0


def test_a_weight_typed_in_mid_map_is_the_kernel_the_next_positions_show():
    sim = _sim()
    for _ in range(6):                                   # three positions of kernel 0 (conv, activation)
        sim.step("op")
    sim.set_param("layer[0].K", 2.5, (0, 0, 1, 1))       # its centre weight, typed in
    event = sim.step("op")
    v = event.values
    assert event.op == "conv" and event.path == "cnn.layer[0].kernel[0].pos[0,3]"
    K = sim.model.conv_params(0)[0][0].ravel()
    assert v["weights"][4] == 2.5 and v["weights"] == tuple(K.tolist())
    assert v["products"] == tuple((np.array(v["window"]) * K).tolist())
    total = 0.0
    for p in v["products"]:
        total += p
    assert total == v["sum"] and v["z"] == v["sum"] + v["bias"]
