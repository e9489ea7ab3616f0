"""SVG snapshots of the home screen and of each network's screen at 80×24 and 120×40.

Seeds are fixed and the kernels warm, so the pictures are stable. After an intended change of the
look, refresh them with `pytest tests/tui --snapshot-update` and review the SVGs.
"""
import pytest

from .conftest import make_app, settle

SIZES = [(80, 24), (120, 40)]


def _keys(*keys):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_home(snap_compare, size):
    assert snap_compare(make_app(None), terminal_size=size, run_before=_keys())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_perceptron(snap_compare, size):
    # one sample forward, compared and updated: the line has moved
    app = make_app("perceptron", dataset="or")
    assert snap_compare(app, terminal_size=size, run_before=_keys("3", "right", "right", "1", "right"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_mlp_forward(snap_compare, size):
    # small layers, so the connections are drawn; stopped inside the forward pass
    app = make_app("mlp", hidden=[4, 3], dataset="circle")
    assert snap_compare(app, terminal_size=size, run_before=_keys("5", "right", "1", "right", "right", "right"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_mlp_backward(snap_compare, size):
    # the default 16-16 network in its backward pass, a weight selected
    app = make_app("mlp", dataset="xor")
    assert snap_compare(app, terminal_size=size,
                        run_before=_keys("5", "right", "right", "2", *["right"] * 5, "1", "right",
                                         "w", "down", "down"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_mlp_layer_summary(snap_compare, size):
    # two layer steps: the math panel sums up the second layer (z and a vectors)
    app = make_app("mlp", dataset="xor")
    assert snap_compare(app, terminal_size=size, run_before=_keys("2", "right", "right"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_mlp_diverged(snap_compare, size):
    # a learning rate of 50, then epoch steps: the advice is whole, to "lower the learning rate (l)"
    app = make_app("mlp", dataset="spiral")
    assert snap_compare(app, terminal_size=size,
                        run_before=_keys("5", "right", "l", "ctrl+u", "ctrl+k", "5", "0", "enter",
                                         "right", "right", "right"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_options(snap_compare, size):
    app = make_app("mlp")
    assert snap_compare(app, terminal_size=size, run_before=_keys("o", "tab", "tab"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_help(snap_compare, size):
    assert snap_compare(make_app("mlp"), terminal_size=size, run_before=_keys("question_mark"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_weight_edit_prompt(snap_compare, size):
    # w selects the first weight; e opens the prompt with its value as the screen shows it
    assert snap_compare(make_app("mlp", hidden=[4, 3]), terminal_size=size, run_before=_keys("w", "e"))
