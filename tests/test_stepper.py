"""Stepping back is exact: the state after back() is the very state that was there, to the bit.

A learner steps forward, steps back and forward again, and must see the same numbers every time;
history is bounded in memory and says so when it runs out; edits made on the way survive a rewind.
"""
import numpy as np
import pytest

import dlsim
from dlsim.sim.events import Level
from dlsim.sim.stepper import HistoryLimit, Stepper

CURSOR = ("epoch", "steps", "batch_index", "sample", "batch_loss", "epoch_loss", "history", "config")


def small(optimizer="adam", batch=5, **extra):
    return dlsim.make("mlp", seed=1, dataset="xor", hidden=(3,), optimizer=optimizer, batch=batch, lr=0.1,
                      samples=12, test=4, **extra)


def assert_state_equal(state, expected):
    assert state.keys() == expected.keys()
    for key, value in expected.items():
        if isinstance(value, np.ndarray):
            assert np.array_equal(state[key], value), key
        else:
            assert state[key] == value, key


def assert_bit_identical(sim, snapshot):
    """theta, grad, m, v exactly; and the cursor (where in the epoch/batch/sample we are)."""
    state, (position, last, expected) = sim.model.state(), snapshot
    for key in ("theta", "grad", "m", "v"):
        assert np.array_equal(state[key], expected[key]), key
    for key in CURSOR:
        assert state[key] == expected[key], key
    assert_state_equal(state, expected)
    assert sim.position == position
    assert same_event(sim.last, last)


def record(sim):
    return sim.position, sim.last, sim.model.state()


def same_value(a, b):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(a, b)
    if isinstance(a, dict) or hasattr(a, "keys"):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    return a == b


def same_event(a, b):
    if a is None or b is None:
        return a is b
    return (a.op, a.phase, a.path, a.level, a.closes) == (b.op, b.phase, b.path, b.level, b.closes) \
        and same_value(a.values, b.values)


# how many units to step first, then further, at each level (12 samples, batches of 5: 3 per epoch)
PLAN = {"op": (17, 23), "layer": (5, 7), "sample": (4, 9), "batch": (2, 4), "epoch": (1, 2)}


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize("level", list(PLAN))
def test_back_returns_to_the_same_bits_at_every_level(level, optimizer):
    sim = small(optimizer)
    first, further = PLAN[level]
    for _ in range(first):
        sim.step(level)
    here = record(sim)
    forward = [sim.step(level) for _ in range(further)]
    assert not np.array_equal(sim.model.theta, here[2]["theta"]) or level in ("op", "layer")
    for _ in range(further):
        sim.back(level)
    assert_bit_identical(sim, here)
    # ...and going forward again replays the very same events
    again = [sim.step(level) for _ in range(further)]
    assert all(same_event(a, b) for a, b in zip(forward, again))


def test_every_op_of_a_batch_rewinds_exactly():
    """Back one op at a time through a whole batch (forward, loss, backward, update), checking each."""
    sim = small("momentum", batch=2)
    sim.step("batch")
    states = [record(sim)]
    while True:
        event = sim.step("op")
        states.append(record(sim))
        if event.closes >= Level.BATCH:
            break
    assert {e.phase for _, e, _ in states[1:]} >= {"forward", "loss", "backward", "update"}
    for snapshot in reversed(states[:-1]):
        sim.back("op")
        assert_bit_identical(sim, snapshot)


def test_back_through_a_perceptron_epoch_is_exact():
    sim = dlsim.make("perceptron", seed=0, dataset="blobs", init="random", shuffle="yes", samples=10, test=0)
    sim.step("epoch")
    here = record(sim)
    sim.step("epoch")
    sim.step("sample")
    sim.back("epoch")
    assert sim.position > here[0]   # the previous epoch boundary is the second epoch's end... no:
