"""Stepping through training one op at a time lands on the very bits the compiled fast path writes.

A learner steps a few epochs by hand, then presses "run": if the two paths disagreed, the network
would jump the moment it switched. They are designed to be bitwise equal, so equality is exact.
"""
import numpy as np
import pytest

import dlsim
from dlsim.protocol.events import Level
from dlsim.sim.stepper import Stepper

EPOCHS = 2


def make(optimizer, batch, backend="cpu", **extra):
    options = dict(dataset="xor", hidden=(3,), activation="tanh", loss="bce", optimizer=optimizer, lr=0.1,
                   batch=batch, samples=12, test=4, backend=backend)
    options.update(extra)
    return dlsim.make("mlp", seed=4, **options)


def assert_same_training_state(a, b):
    for key in ("theta", "m", "v"):
        assert np.array_equal(getattr(a.model, key), getattr(b.model, key)), key
    assert (a.model.epoch, a.model.steps) == (b.model.epoch, b.model.steps)


@pytest.mark.parametrize("batch", [1, 5, 0], ids=["batch1", "batch5", "full"])
@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_op_stepping_equals_fused_training(optimizer, batch):
    stepped, fused, trained = make(optimizer, batch), make(optimizer, batch), make(optimizer, batch)
    start = stepped.model.theta.copy()
    losses = []
    for _ in range(EPOCHS):
        event = stepped.step("epoch")
        assert event.op == "epoch"
        losses.append(event.values["loss"])
    assert fused.model.train_fused(EPOCHS) == EPOCHS
    trained.train(epochs=EPOCHS)
    assert not np.array_equal(stepped.model.theta, start)
    assert_same_training_state(stepped, fused)
    assert_same_training_state(stepped, trained)
    steps_per_epoch = -(-12 // (batch or 12))
    assert stepped.model.steps == EPOCHS * steps_per_epoch
    # the per-epoch loss a learner sees is the same number whichever path produced it
    assert [h["loss"] for h in fused.model.history] == losses
    assert [h["loss"] for h in trained.history] == losses
    # and so are the end-of-run metrics
    for key in ("train_loss", "train_acc", "test_loss", "test_acc"):
        assert stepped.history[-1][key] == trained.history[-1][key]


@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
def test_batch_stepping_equals_op_stepping(optimizer):
    """A stepper at batch detail makes one compiled call per batch; at op detail it walks every op."""
    ops, compiled = make(optimizer, 5), make(optimizer, 5)
    stepper = Stepper(compiled.model, Level.BATCH)
    for _ in range(3):   # 3 updates: the third is the epoch's last, short batch of 2
        by_ops = ops.step("batch")
        by_call = stepper.step(Level.BATCH)
        assert by_ops.op == by_call.op == "batch"
        assert by_ops.values["loss"] == by_call.values["loss"]
        assert np.array_equal(compiled.model.theta, ops.model.theta)
        assert np.array_equal(compiled.model.m, ops.model.m) and np.array_equal(compiled.model.v, ops.model.v)
    assert stepper.position == 3 and ops.position > 100


def test_mixing_levels_then_running_fused_matches_pure_fused():
    """Step a few ops, finish the epoch by batches, then run: same as running from the start."""
    mixed, pure = make("adam", 5), make("adam", 5)
    for _ in range(7):
        mixed.step("op")
    mixed.step("batch")
    mixed.step("epoch")
    mixed.train(epochs=2)
    pure.train(epochs=3)
    assert_same_training_state(mixed, pure)


def test_fused_training_can_be_split_across_calls():
    once, split = make("momentum", 1), make("momentum", 1)
    once.model.train_fused(4)
    split.model.train_fused(1)
    split.model.train_fused(3)
    assert_same_training_state(once, split)
    every = make("momentum", 1)
    every.model.train_fused(4, every=3)
    assert_same_training_state(once, every)
    assert len(every.history) == 4 and "train_acc" in every.history[-1]


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_numpy_backend_trains_like_the_compiled_one(optimizer):
    cpu, npy = make(optimizer, 5), make(optimizer, 5, backend="numpy")
    cpu.train(epochs=3)
    npy.train(epochs=3)
    np.testing.assert_allclose(npy.model.theta, cpu.model.theta, rtol=1e-10, atol=1e-12)
    assert cpu.model.steps == npy.model.steps == 9


def visit_order(sim, epochs):
    """Sample indices in the order training visits them, read off the loss events."""
    seen = []
    sim.on_event.append(lambda e: seen.append(e.values["sample"]) if e.op == "loss" else None)
    for _ in range(epochs):
        sim.step("epoch")
    n = sim.data.X.shape[0]
    return [seen[e * n:(e + 1) * n] for e in range(epochs)]


def test_minibatches_visit_every_sample_once_per_epoch_in_a_fresh_order():
    first, second = visit_order(make("sgd", 5), 2)
    assert sorted(first) == sorted(second) == list(range(12))
    assert first != second
    assert visit_order(make("sgd", 5), 2) == [first, second]   # the order is seeded
    full = visit_order(make("sgd", 0), 2)
    assert full == [list(range(12))] * 2   # a full batch sums the same in any order: no shuffle
