"""SVG snapshots of the CNN's screen at 80×24 and 120×40: the kernel sliding over the image with the
window's arithmetic (forward), the δ routed through the max-pool and masked (backward), and the
confusion matrix with misclassified test images after an epoch."""
import pytest

from dlsim.sim import warmup

from .conftest import make_app, settle
from .test_snapshots import SIZES


@pytest.fixture(scope="module", autouse=True)
def warm_cnn():
    warmup.warm("cnn")


def _keys(*keys):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
    return run_before


# one whole image, then into the second one's convolution (kernel 0 at its ninth position)
SLIDING = ("3", "right", "1", *["right"] * 17)
# one whole image, then map by map into the second one's backward pass, three routings in
ROUTING = ("3", "right", "2", *["right"] * 14, "1", "right", "right", "right")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_cnn_kernel_sliding(snap_compare, size):
    assert snap_compare(make_app("cnn"), terminal_size=size, run_before=_keys(*SLIDING))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_cnn_backward_through_the_pool(snap_compare, size):
    assert snap_compare(make_app("cnn"), terminal_size=size, run_before=_keys(*ROUTING))


def test_cnn_digits_after_an_epoch(snap_compare):
    app = make_app("cnn", dataset="digits", samples=300, test=100, optimizer="adam", lr=0.01)
    assert snap_compare(app, terminal_size=(120, 40), run_before=_keys("5", "right"))
