"""Rosenblatt's rule on cases a learner can check by hand, and its convergence (or not)."""
import numpy as np
import pytest

import dlsim
from dlsim.errors import UserError


def perceptron(dataset="and", **options):
    return dlsim.make("perceptron", seed=0, dataset=dataset, **options)


def sample_events(sim):
    """The op events of the next sample, in order."""
    out = []
    while True:
        event = sim.step("op")
        out.append(event)
        if event.op == "sample":
            return out


def test_first_update_on_and_from_zero_weights():
    sim = perceptron("and", lr=0.1)
    assert np.array_equal(sim.model.theta, [0.0, 0.0, 0.0])
    events = sample_events(sim)
    assert [e.op for e in events] == ["weighted_sum", "threshold", "error", "update", "update", "update",
                                      "sample"]
    ws, th, err, w0, w1, b, done = events
    # sample 0 is (0, 0) with target 0: z = 0·0 + 0·0 + 0 = 0, and step(0) = 1, so the error is 0 − 1
    assert ws.values["inputs"] == (0.0, 0.0) and ws.values["sample"] == 0
    assert ws.values["z"] == 0.0
    assert th.values["output"] == 1.0
    assert (err.values["target"], err.values["error"]) == (0.0, -1.0)
    # w_i ← w_i + lr·error·x_i = 0 + 0.1·(−1)·0 = 0;  b ← b + lr·error = 0 + 0.1·(−1) = −0.1
    assert [w0.path, w1.path, b.path] == ["perceptron.w[0]", "perceptron.w[1]", "perceptron.b"]
    assert (w0.values["new"], w1.values["new"]) == (0.0, 0.0)
    assert b.values["old"] == 0.0 and b.values["input"] == 1.0 and b.values["lr"] == 0.1
    assert b.values["new"] == pytest.approx(-0.1, abs=1e-15)
    assert np.allclose(sim.model.theta, [0.0, 0.0, -0.1], rtol=0, atol=1e-15)
    assert np.array_equal(done.values["w"], [0.0, 0.0]) and done.values["b"] == b.values["new"]


def test_first_epoch_on_and_by_hand():
    # (0,0)→0: z=0, ŷ=1, error −1: b = −0.1.  (0,1)→0 and (1,0)→0: z=−0.1, ŷ=0, right.
    # (1,1)→1: z=−0.1, ŷ=0, error +1: w = (0.1, 0.1), b = 0.  Two mistakes.
    sim = perceptron("and", lr=0.1)
    errors = [sample_events(sim)[2].values["error"] for _ in range(4)]
    assert errors == [-1.0, 0.0, 0.0, 1.0]
    epoch = sim.step("op")
    assert epoch.op == "epoch" and epoch.values["errors"] == 2 and epoch.values["converged"] is False
    assert np.allclose(sim.model.theta, [0.1, 0.1, 0.0], rtol=0, atol=1e-15)


@pytest.mark.parametrize("dataset", ["and", "or"])
def test_linearly_separable_tables_converge(dataset):
    sim = perceptron(dataset)
    result = sim.train(epochs=100)
    assert result["converged"] is True and sim.model.converged()
    assert result["epochs"] < 100
    assert sim.history[-1]["errors"] == 0 and all(h["errors"] > 0 for h in sim.history[:-1])
    assert result["train_acc"] == 1.0
    assert np.array_equal(sim.predict(sim.data.X), sim.data.y)


def test_or_learns_the_truth_table_stepwise_too():
    sim = perceptron("or")
    for _ in range(20):
        event = sim.step("epoch")
        if event.values["converged"]:
            break
    assert event.values["errors"] == 0 and sim.model.converged()
    assert np.array_equal(sim.predict([[0, 0], [0, 1], [1, 0], [1, 1]]), [0, 1, 1, 1])


@pytest.mark.parametrize("stream", [False, True], ids=["fused", "stream"])
def test_xor_never_converges_and_train_returns(stream):
    sim = perceptron("xor")
    if stream:   # something listening: train streams events instead of running the fused path
        seen = []
        sim.on_event.append(seen.append)
    result = sim.train(epochs=100)
    assert result["converged"] is False and not sim.model.converged()
    assert result["epochs"] == 100 and len(sim.history) == 100
    assert all(h["errors"] > 0 for h in sim.history)
    assert result["train_acc"] < 1.0   # no line separates XOR's classes
    if stream:
        assert sum(e.op == "epoch" for e in seen) == 100


@pytest.mark.parametrize("stream", [False, True], ids=["fused", "stream"])
def test_train_without_a_length_returns_at_once(stream):
    sim = perceptron("xor")
    if stream:
        sim.on_event.append(lambda event: None)
    for length in ({}, {"epochs": 0}, {"steps": 0}):
        result = sim.train(**length)
        assert result["epochs"] == 0 and result["steps"] == 0, length


def test_blobs_converge():
    sim = perceptron("blobs", samples=40, test=20)
    result = sim.train(epochs=100)
    assert result["converged"] is True and result["train_acc"] == 1.0
    assert result["test_acc"] >= 0.9


def assert_same(a, b):
    assert np.array_equal(a.model.theta, b.model.theta)
    assert (a.model.epoch, a.model.steps) == (b.model.epoch, b.model.steps)
    assert a.history == b.history


@pytest.mark.parametrize("dataset,options", [
    ("xor", {}),
    ("and", {"init": "random", "lr": 0.3}),
    ("blobs", {"init": "random", "shuffle": "yes", "samples": 30, "noise": 0.3}),
], ids=["xor", "and-random", "blobs-shuffled"])
def test_stepwise_equals_fused(dataset, options):
    fused, stepped = perceptron(dataset, **options), perceptron(dataset, **options)
    ran = fused.model.train_fused(8)
    assert 1 <= ran <= 8
    for _ in range(ran):
        stepped.step("epoch")
    assert_same(stepped, fused)


def test_lr_change_applies_live():
    sim = perceptron("and", lr=0.1)
    assert sim.set("lr", 0.5) is False   # live: no rebuild
    events = sample_events(sim)
    assert events[-2].values["lr"] == 0.5 and events[-2].values["new"] == pytest.approx(-0.5)


def test_perceptron_has_no_gradients():
    with pytest.raises(UserError, match="perceptron rule"):
        perceptron().gradients()
