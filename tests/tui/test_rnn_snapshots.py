"""SVG snapshots of the RNN's and the LSTM's screens at 80×24 and 120×40: the RNN on sine waves
stopped inside a sequence's forward pass (the steps not reached yet blank), the LSTM on
remember-the-first-bit stopped inside its backward pass (‖δh_t‖ filling from the last step back),
the LSTM writing text after a few compiled batches on characters, and the LSTM's cell diagram (the
selected unit and step, the weights heatmap focused on a gate's W_h) with and without colour."""
import pytest

from dlsim.sim import warmup

from .conftest import make_app, settle
from .test_snapshots import SIZES

SMALL = {"hidden": 4, "samples": 32, "test": 8, "batch": 8}


@pytest.fixture(scope="module", autouse=True)
def warm_recurrent():
    warmup.warm("rnn")
    warmup.warm("lstm")


def _keys(*keys):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_rnn_sine_inside_the_forward_pass(snap_compare, size):
    # a batch, a sequence, then seven time steps into the next one
    app = make_app("rnn", length=16, **SMALL)
    assert snap_compare(app, terminal_size=size, run_before=_keys("4", "right", "3", "right", "2", *["right"] * 7))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_lstm_first_bit_inside_the_backward_pass(snap_compare, size):
    # through a sequence's 13 forward steps (each closes at its output, the last at its loss),
    # then 6 steps back
    app = make_app("lstm", length=12, **SMALL)
    assert snap_compare(app, terminal_size=size, run_before=_keys("4", "right", "2", *["right"] * 19))


def test_lstm_writes_text(snap_compare):
    app = make_app("lstm", dataset="characters", length=12, hidden=16, samples=32, test=0, batch=8)
    assert snap_compare(app, terminal_size=(120, 40), run_before=_keys("4", *["right"] * 8))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("colour", [True, False], ids=["colour", "no_color"])
def test_lstm_cell_diagram_of_a_selected_unit(snap_compare, monkeypatch, size, colour):
    # four steps into a sequence; in the timeline unit 2, a step back; then the weights focused on
    # the forget gate's W_h (the diagram's values are that unit's at that step)
    if not colour:
        monkeypatch.setenv("NO_COLOR", "1")
    app = make_app("lstm", length=12, **SMALL)

    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("4", "right", "2", *["right"] * 4)
        await settle(pilot)
        pilot.app.screen.query_one("#graph").focus()
        await pilot.press("down", "shift+left")
        if size[0] >= 120:
            await pilot.press("w", "down", "down")
        await settle(pilot)
    assert snap_compare(app, terminal_size=size, run_before=run_before)
