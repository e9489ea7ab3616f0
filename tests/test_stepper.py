"""Stepping back is exact: the state after back() is the very state that was there, to the bit.

A learner steps forward, steps back and forward again, and must see the same numbers every time;
history is bounded in memory and says so when it runs out; edits made on the way survive a rewind.
"""
import numpy as np
import pytest

import dlsim
from dlsim.protocol.events import Level
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
        if key in expected or key == "theta":
            assert np.array_equal(state[key], expected[key]), key
    for key in CURSOR:
        if key in expected:
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
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
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
    after_two = record(sim)
    sim.step("sample")
    sim.back("epoch")
    assert_bit_identical(sim, after_two)
    sim.back("epoch")
    assert_bit_identical(sim, here)
    assert len(sim.history) == 1


def test_going_back_past_the_start_raises_history_limit():
    sim = small()
    start = record(sim)
    with pytest.raises(HistoryLimit, match="cannot go back"):
        sim.back("op")
    for _ in range(5):
        sim.step("op")
    sim.back("epoch")   # no epoch boundary yet: back to the very start
    assert_bit_identical(sim, start)
    for level in ("op", "sample", "epoch"):
        with pytest.raises(HistoryLimit, match="history starts at step 0"):
            sim.back(level)
    assert_bit_identical(sim, start)   # a refused back changes nothing
    sim.step("sample")                 # and stepping still works afterwards
    assert sim.last.closes >= Level.SAMPLE


def test_a_tiny_memory_budget_bounds_history_and_refuses_cleanly():
    sim = small()
    stepper = Stepper(sim.model, memory=1)   # room for no snapshot: it keeps the last two
    for _ in range(10):
        stepper.step(Level.SAMPLE)
    assert len(stepper._snapshots) <= 2
    assert stepper.earliest > 0
    kept = stepper.position - stepper.earliest
    states = {}
    for _ in range(kept):
        states[stepper.position] = sim.model.state()
        stepper.back(Level.OP)
    assert stepper.position == stepper.earliest
    here = sim.model.state()
    with pytest.raises(HistoryLimit, match=f"history starts at step {stepper.earliest}"):
        stepper.back(Level.OP)
    with pytest.raises(HistoryLimit):
        stepper.back(Level.EPOCH)
    assert_state_equal(sim.model.state(), here)
    # forward again from the edge of history: the same states as before, bit for bit
    while stepper.position < max(states):
        stepper.step(Level.OP)
        if stepper.position in states:
            assert_state_equal(sim.model.state(), states[stepper.position])


def test_a_large_memory_budget_keeps_everything():
    sim = small()
    stepper = Stepper(sim.model)
    for _ in range(30):
        stepper.step(Level.SAMPLE)
    assert stepper.earliest == 0
    stepper.back(Level.EPOCH)
    stepper.back(Level.EPOCH)
    assert stepper.position == 0


def test_edits_are_replayed_when_stepping_back():
    sim = small("sgd")
    sim.step("sample")
    sim.step("sample")
    before_edit = record(sim)
    for _ in range(3):
        sim.step("op")
    sim.set_param("layer[0].W", 0.75, index=(0, 1))
    sim.set("lr", 0.05)
    assert sim["layer[0].W"][0, 1] == 0.75
    for _ in range(4):
        sim.step("op")
    mid = record(sim)
    end_of_batch = sim.step("batch")
    updates = record(sim)
    sim.step("sample")
    sim.step("sample")
    # back to after the edits: the snapshot restored predates them, so they must be replayed
    sim.back("batch")
    assert_bit_identical(sim, updates)
    while sim.position > mid[0]:
        sim.back("op")
    assert_bit_identical(sim, mid)
    assert sim.model.params["layer[0].W"][0, 1] == 0.75
    assert sim.model.config["lr"] == 0.05
    # the update that followed used the new learning rate
    assert end_of_batch.op == "batch"
    sim.step("batch")
    assert_bit_identical(sim, updates)
    # back before the edits: exactly the state that was there, without them
    while sim.position > before_edit[0]:
        sim.back("sample")
    # exactly the state that was there (the typed-in weight is gone), except the learning rate:
    # a setting the learner chose stays when the history rewinds
    assert sim.model.config["lr"] == sim.config["lr"] == 0.05
    sim.model.config["lr"] = 0.1
    assert_bit_identical(sim, before_edit)


@pytest.mark.parametrize("level", ["sample", "epoch"])
def test_an_edit_made_at_a_snapshot_is_replayed(level):
    """An edit typed in right at a sample (or epoch) boundary, where history keeps a snapshot."""
    sim = small("sgd")
    sim.step(level)
    sim.set_param("layer[1].b", 0.5)
    sim.set("lr", 0.02)
    for _ in range(4):
        sim.step("op")
    here = record(sim)   # inside a sample: going back here restores the snapshot taken before the edits
    sim.step("sample")
    sim.step("sample")
    while sim.position > here[0]:
        sim.back("op")
    assert_bit_identical(sim, here)
    assert sim.model.params["layer[1].b"][0] == 0.5
    assert sim.model.config["lr"] == 0.02


def test_an_edit_changes_what_follows():
    """The replayed edit really matters: the update shows the new rate, and the run differs."""
    edited, plain = small("sgd"), small("sgd")
    for sim in (edited, plain):
        sim.step("sample")
    edited.set("lr", 0.05)
    seen = []
    edited.on_event.append(seen.append)
    edited.step("batch")
    plain.step("batch")
    updates = [e for e in seen if e.op == "update"]
    assert len(updates) == edited.model.theta.size
    assert all(e.values["lr"] == 0.05 for e in updates)
    assert not np.array_equal(edited.model.theta, plain.model.theta)
    assert plain.model.config["lr"] == 0.1


def test_back_after_a_fused_run_goes_one_epoch_back_and_undo_to_where_it_began():
    sim, by_epochs = small(), small()
    sim.step("epoch")
    start = record(sim)
    sim.train(epochs=3)
    after = record(sim)
    assert sim.model.epoch == 4
    for _ in range(3):
        by_epochs.step("epoch")
    sim.step("sample")
    sim.back("epoch")
    assert_bit_identical(sim, after)
    sim.back("epoch")   # inside the run: the end of its second epoch, exactly
    assert sim.model.epoch == 3 and sim.model.steps == by_epochs.model.steps
    for key in ("theta", "m", "v"):
        assert np.array_equal(getattr(sim.model, key), getattr(by_epochs.model, key)), key
    sim.train(epochs=1)
    sim.undo()          # a run taken back whole
    sim.undo()
    assert_bit_identical(sim, start)
    assert len(sim.history) == 1


def test_a_long_run_keeps_bounded_history_and_still_rewinds(monkeypatch):
    """Millions of epochs in run mode must not grow memory without limit: older epochs are thinned."""
    from dlsim.models.base import Model
    monkeypatch.setattr(Model, "HISTORY_LIMIT", 40)
    sim = dlsim.make("perceptron", dataset="xor")
    sim.train(epochs=150)
    epochs = [entry["epoch"] for entry in sim.history]
    assert len(epochs) <= 40 and epochs[-1] == 150
    assert epochs == sorted(set(epochs))          # still in order, no duplicates
    assert epochs[0] == 1                         # the curve still starts where training did
    assert epochs[-20:] == list(range(131, 151))  # the recent half complete
    sim.step("epoch")
    theta = sim.model.theta.copy()
    sim.step("epoch")
    sim.back("epoch")
    assert np.array_equal(sim.model.theta, theta)
    assert sim.history[-1]["epoch"] == 151


def test_listeners_are_a_list_each_and_survive_a_rebuild():
    """A trace writer and a lesson can listen at once; a rebuild keeps both; muting (a replay)
    silences them and gives them back, even across a rebuild inside it."""
    sim = dlsim.make("perceptron")
    first, second = [], []
    sim.on_event.append(first.append)
    sim.on_event.append(second.append)
    sim.step("op")
    assert len(first) == len(second) == 1
    with sim.muted():
        sim.build()
        sim.step("op")
    sim.step("op")
    assert len(first) == len(second) == 2
    sim.on_event.remove(first.append)
    sim.step("op")
    assert (len(first), len(second)) == (2, 3)
