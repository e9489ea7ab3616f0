"""The transformer's dropout: each dropped unit an op of the stepped stream with its uniform number,
the stepped, batched and fused paths to the same bits with it on, exact rewind, gradients against
central finite differences with the mask fixed, the NumPy reference on the same mask, and never a
dropped unit in evaluation."""
import numpy as np
import pytest

import dlsim
from dlsim.kernels import transformer as tk
from dlsim.kernels import transformer_reference as ref
from dlsim.protocol.events import Level
from dlsim.sim.stepper import Stepper

TINY = dict(length=2, d_model=8, heads=2, mlp=4, samples=10, test=4, batch=4, seed=3, dropout=0.3)
H = 1e-6


def small(**options):
    return dlsim.make("transformer", **{**TINY, **options})


def state(sim):
    m = sim.model
    return (m.theta.copy(), m.m.copy(), m.v.copy(), m.steps, m.epoch)


def same(a, b):
    return all(np.array_equal(x, y) for x, y in zip(a, b))


@pytest.mark.parametrize("options", [dict(), dict(norm="post", causal="no", layers=2, batch=1, optimizer="sgd")],
                         ids=["pre-adam", "post-two-blocks-per-sample"])
def test_stepping_batching_and_fused_epochs_drop_the_same_units(options):
    ops, batches, fused = small(**options), small(**options), small(**options)
    losses = [ops.step("epoch").values["loss"] for _ in range(2)]
    stepper = Stepper(batches.model, Level.BATCH)
    while batches.model.epoch < 2:
        stepper.step(Level.BATCH)
    assert fused.model.train_fused(2) == 2
    assert same(state(ops), state(batches)) and same(state(ops), state(fused))
    assert [h["loss"] for h in fused.model.history] == losses
    without = small(dropout=0.0, **options)
    without.model.train_fused(2)
    assert not np.array_equal(without.model.theta, fused.model.theta)   # the units did drop


def test_each_dropped_unit_is_an_op_with_its_uniform_number():
    sim, p = small(), TINY["dropout"]
    events = []
    while not events or events[-1].closes < Level.SAMPLE:
        events.append(sim.step("op"))
    drops = [e for e in events if e.op == "dropout"]
    assert len(drops) == 2 * sim.model.task.context   # the attention's and the MLP's output, per position
    dropped = 0
    for e in drops:
        v = e.values
        assert sim.model.formulas["dropout"](e)
        for x, u, kept, out in zip(v["x"], v["u"], v["kept"], v["out"]):
            assert kept == (u >= p) and out == (x * (1.0 / (1.0 - p)) if kept else 0.0)
            dropped += not kept
    assert dropped > 0
    backs = [e for e in events if e.op == "dropout_back"]
    assert len(backs) == len(drops) and all(sim.model.formulas["dropout_back"](e) for e in backs)


@pytest.mark.parametrize("level", ["op", "sample", "batch", "epoch"])
def test_back_returns_to_the_same_bits_with_dropout(level):
    sim = small()
    for _ in range(9):
        sim.step("op")
    before = state(sim) + (sim.model.grad.copy(),)
    for _ in range(3):
        sim.step(level)
    for _ in range(3):
        sim.back(level)
    assert same(before, state(sim) + (sim.model.grad.copy(),))


def masked_loss_and_gradient(model, theta, X, Y, keys):
    grad = np.zeros_like(theta)
    loss = tk.batch_gradients(theta, grad, model.cfg, X, Y, tk.workspace(model.cfg), tk.gradient_workspace(model.cfg),
                              np.zeros(len(model.vocabulary)), TINY["dropout"], TINY["seed"], keys)
    return loss, grad


@pytest.mark.parametrize("options", [dict(), dict(norm="post", causal="no")], ids=["pre", "post"])
def test_gradients_match_finite_differences_with_the_mask_fixed(options):
    model = small(**options).model
    rng = np.random.default_rng(1)
    theta = model.theta + rng.normal(0, 0.3, model.theta.shape) * (model.theta != 0)
    X, Y, keys = model.X[:3], model.Y[:3], np.array([5, 11, 17], np.int64)
    loss, grad = masked_loss_and_gradient(model, theta, X, Y, keys)
    keep = ref.dropout_multipliers(model.cfg, TINY["dropout"], TINY["seed"], keys)
    assert (keep == 0).any()
    reference = np.zeros_like(theta)
    assert np.isclose(ref.gradients(theta, reference, model.cfg, X, Y, keep), loss, rtol=1e-12)
    np.testing.assert_allclose(grad, reference, rtol=1e-9, atol=1e-12)
    for k in rng.choice(np.flatnonzero(grad), 60, replace=False):
        up, down = theta.copy(), theta.copy()
        up[k] += H
        down[k] -= H
        numeric = (masked_loss_and_gradient(model, up, X, Y, keys)[0]
                   - masked_loss_and_gradient(model, down, X, Y, keys)[0]) / (2 * H)
        assert np.isclose(grad[k], numeric, rtol=1e-5, atol=1e-8), k


def test_the_numpy_reference_drops_the_same_units():
    cpu, npy = small(layers=2), small(layers=2, backend="numpy")
    cpu.train(epochs=3)
    npy.train(epochs=3)
    np.testing.assert_allclose(npy.model.theta, cpu.model.theta, rtol=1e-9, atol=1e-9)


def test_evaluation_never_drops():
    sim = small()
    sim.train(epochs=2)
    plain = small(dropout=0.0)
    plain.model.theta[:] = sim.model.theta
    assert sim.model.evaluate() == plain.model.evaluate()
    np.testing.assert_array_equal(sim.model.logits(sim.model.X), plain.model.logits(sim.model.X))
