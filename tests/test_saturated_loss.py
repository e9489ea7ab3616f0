"""The loss a learner reads stays true when the outputs saturate.

A sigmoid at z = 50 rounds to exactly 1.0, so a loss computed from log(ŷ) has lost the number (it
used to read a clamped 27.6 per sample whatever the logit). The cross-entropies are computed from
the logits, so they equal the closed forms (NumPy's logaddexp, and PyTorch's BCEWithLogitsLoss and
cross_entropy where PyTorch is installed) on every path: the op-level stream, a compiled batch, the
fused epochs, the evaluation and the NumPy reference.
"""
import numpy as np
import pytest

import dlsim
from dlsim.kernels import activations as act
from dlsim.kernels import losses
from dlsim.kernels import reference as ref
from dlsim.protocol.events import Level
from dlsim.sim.stepper import Stepper

SATURATED = (50.0, 800.0)


def bce_closed(z, y):
    """−y·log σ(z) − (1 − y)·log(1 − σ(z)), each log written as a logaddexp, which never saturates."""
    return y * np.logaddexp(0.0, -z) + (1.0 - y) * np.logaddexp(0.0, z)


def ce_closed(z, y):
    """−Σ_k y_k·log softmax(z)_k = Σ_k y_k·log Σ_j e^(z_j − z_k), a logaddexp that keeps a tiny loss."""
    return float(sum(y_k * np.logaddexp.reduce(z - z_k) for z_k, y_k in zip(z, y)))


def sigmoid(z):
    with np.errstate(over="ignore"):
        return ref.activate(z, act.SIGMOID)


def close(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=1e-13, atol=1e-300)


@pytest.mark.parametrize("size", SATURATED)
def test_bce_of_a_saturated_logit_is_the_closed_form(size):
    z = np.array([size, size, -size, -size, size, -size])
    y = np.array([1.0, 0.0, 1.0, 0.0, 0.3, 0.3])
    a = sigmoid(z)
    assert np.all((a == 1.0) | (a < 1e-21))   # saturated: 1.0 exactly, or below the old clamp of 1e-12
    expected = bce_closed(z, y)
    got = [losses.sample_loss(z[k:k + 1], a[k:k + 1], y[k:k + 1], losses.BCE, 1.0) for k in range(len(z))]
    close(got, expected)
    assert got[1] == got[2] == size   # confidently wrong costs |z|, not 27.6; right, log(1 + e^−|z|) (above)
    close(losses.mean_loss(z[:, None], a[:, None], y[:, None], losses.BCE), expected.mean())
    close(ref.batch_loss(z[:, None], a[:, None], y[:, None], losses.BCE), expected.mean())


@pytest.mark.parametrize("size", SATURATED)
def test_softmax_ce_of_saturated_logits_is_the_closed_form(size):
    Z = np.array([[size, 0.0, -size]] * 3 + [[0.0, size, size]])
    Y = np.array([[1.0, 0, 0], [0, 1.0, 0], [0, 0, 1.0], [0.5, 0.25, 0.25]])
    A = ref.activate(Z, act.SOFTMAX)
    expected = [ce_closed(z, y) for z, y in zip(Z, Y)]
    got = [losses.sample_loss(Z[s], A[s], Y[s], losses.SOFTMAX_CE, 1.0) for s in range(4)]
    close(got, expected)
    assert got[2] == 2 * size   # the wrong class, 2·|z| below the top
    close(losses.mean_loss(Z, A, Y, losses.SOFTMAX_CE), np.mean(expected))
    close(ref.batch_loss(Z, A, Y, losses.SOFTMAX_CE), np.mean(expected))


def saturated_net(loss, size, backend="cpu"):
    """An MLP whose output logits are ±size on every sample: output weights 0, bias ±size."""
    sim = dlsim.make("mlp", seed=1, dataset="xor", hidden=(3,), loss=loss, samples=8, test=4, backend=backend)
    out = [name for name in sim.params if name.endswith(".W")][-1].replace(".W", "")
    sim[f"{out}.W"] = 0.0
    sim[f"{out}.b"] = [size] if loss == "bce" else [size, -size]
    return sim


def closed_loss(sim, size):
    y = sim.data.y.astype(np.float64)
    if sim.config["loss"] == "bce":
        return float(np.mean(bce_closed(np.full(len(y), size), y)))
    return float(np.mean([ce_closed(np.array([size, -size]), np.eye(2)[int(c)]) for c in y]))


@pytest.mark.parametrize("size", SATURATED)
@pytest.mark.parametrize("loss", ["bce", "softmax_ce"])
def test_every_path_reports_the_closed_form_loss_when_outputs_saturate(loss, size):
    expected = closed_loss(saturated_net(loss, size), size)
    assert expected >= 0.25 * size   # a quarter or more of the samples are confidently wrong

    evaluated = saturated_net(loss, size).evaluate()["train_loss"]
    api = saturated_net(loss, size).loss_and_gradients()[0]
    numpy = saturated_net(loss, size, backend="numpy").loss_and_gradients()[0]
    stepped = saturated_net(loss, size).step("batch")              # op by op through the full batch
    compiled = Stepper(saturated_net(loss, size).model, Level.BATCH).step(Level.BATCH)   # one compiled call
    fused = saturated_net(loss, size)
    fused.model.train_fused(1)
    assert stepped.op == compiled.op == "batch"
    # one arithmetic on the three training paths: the same bits
    assert stepped.values["loss"] == compiled.values["loss"] == fused.history[0]["loss"] == api
    for value in (evaluated, api, numpy, stepped.values["loss"]):
        assert value == pytest.approx(expected, rel=1e-13)


def test_matches_pytorch_where_it_is_installed():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    z = np.concatenate([rng.normal(0, 3, 20), [50.0, -50.0, 800.0, -800.0, 0.0]])
    y = np.concatenate([rng.uniform(0, 1, 20), [1.0, 1.0, 0.0, 1.0, 0.5]])
    expected = torch.nn.BCEWithLogitsLoss()(torch.tensor(z), torch.tensor(y)).item()
    close(losses.mean_loss(z[:, None], sigmoid(z)[:, None], y[:, None], losses.BCE), expected)

    Z = np.concatenate([rng.normal(0, 3, (20, 4)), [[800.0, 0, 0, -800.0], [-50.0, 50.0, 0, 0]]])
    Y = rng.uniform(0, 1, Z.shape)
    Y /= Y.sum(axis=1, keepdims=True)
    expected = torch.nn.functional.cross_entropy(torch.tensor(Z), torch.tensor(Y)).item()
    close(losses.mean_loss(Z, ref.activate(Z, act.SOFTMAX), Y, losses.SOFTMAX_CE), expected)
