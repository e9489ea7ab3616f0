"""Backpropagation checked against central finite differences, element by element.

For every hidden activation × loss, on both backends, every element of every parameter: if one
weight's gradient is wrong, the arrow a learner watches flowing back into that weight is wrong.
"""
import numpy as np
import pytest

import dlsim
from dlsim.kernels import losses
from dlsim.kernels import mlp_reference
from dlsim.kernels import reference as ref

H = 1e-6
RTOL = 1e-6
ATOL = 1e-9      # central differences of a loss ~1 carry ~1e-10 of rounding
KINK = 1e-3      # keep every ReLU pre-activation this far from 0 (h is 1000 times smaller)


def small_net(activation, loss, backend, seed=0):
    return dlsim.make("mlp", seed=seed, dataset="xor", hidden=(3, 2), activation=activation, loss=loss,
                      backend=backend, samples=6, test=0)


def move_off_kinks(sim, rng):
    """Put theta at a random point (biases included) where no hidden pre-activation sits near 0."""
    model = sim.model
    hidden = slice(int(model.sizes[0]), int(model.sizes[:-1].sum()))
    for _ in range(100):
        model.theta[:] = rng.normal(0.0, 0.8, model.theta.shape)
        Z, _ = model.forward(sim.data.X)
        if np.abs(Z[:, hidden]).min() > KINK:
            return
    raise AssertionError("no kink-free point found")


def loss_at(sim):
    return sim.loss_and_gradients(sim.data.X, sim.data.y)[0]


def numeric_gradients(sim):
    out = {}
    for name, param in sim.model.params.items():   # writable views into theta
        g = np.zeros(param.shape)
        for index in np.ndindex(param.shape):
            keep = param[index]
            param[index] = keep + H
            up = loss_at(sim)
            param[index] = keep - H
            down = loss_at(sim)
            param[index] = keep
            g[index] = (up - down) / (2 * H)
        out[name] = g
    return out


@pytest.mark.parametrize("backend", ["cpu", "numpy"])
@pytest.mark.parametrize("loss", ["mse", "bce", "softmax_ce"])
@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu", "linear"])
def test_every_parameter_matches_finite_differences(activation, loss, backend):
    sim = small_net(activation, loss, backend)
    move_off_kinks(sim, np.random.default_rng(7))
    theta = sim.model.theta.copy()
    value, analytic = sim.loss_and_gradients()
    assert np.array_equal(sim.model.theta, theta), "computing gradients must not change the weights"
    # the loss reported is the textbook batch loss of this network
    Y = sim.model.targets(sim.data.y)
    zs, as_ = mlp_reference.layer_values(theta, list(sim.model.sizes), list(sim.model.acts), sim.data.X)
    assert value == pytest.approx(ref.batch_loss(zs[-1], as_[-1], Y, losses.CODES[loss]), rel=1e-12)

    numeric = numeric_gradients(sim)
    assert list(analytic) == list(numeric) == list(sim.model.params)
    n_checked = 0
    for name in numeric:
        assert analytic[name].shape == numeric[name].shape
        np.testing.assert_allclose(analytic[name], numeric[name], rtol=RTOL, atol=ATOL, err_msg=name)
        n_checked += numeric[name].size
    assert n_checked == sim.model.theta.size
    assert np.abs(np.concatenate([g.ravel() for g in analytic.values()])).max() > 1e-3


@pytest.mark.parametrize("loss", ["bce", "softmax_ce"])
def test_compiled_and_numpy_backends_give_the_same_gradients(loss):
    cpu, npy = small_net("tanh", loss, "cpu", seed=3), small_net("tanh", loss, "numpy", seed=3)
    assert np.array_equal(cpu.model.theta, npy.model.theta)
    (l1, g1), (l2, g2) = cpu.loss_and_gradients(), npy.loss_and_gradients()
    assert l1 == pytest.approx(l2, rel=1e-12)
    for name in g1:
        np.testing.assert_allclose(g1[name], g2[name], rtol=1e-11, atol=1e-15, err_msg=name)


@pytest.mark.parametrize("backend", ["cpu", "numpy"])
def test_step_activation_passes_no_gradient(backend):
    sim = small_net("step", "bce", backend)
    rng = np.random.default_rng(1)
    move_off_kinks(sim, rng)   # no pre-activation at the jump: the loss is flat in the hidden weights
    grads = sim.gradients()
    for name in ("layer[0].W", "layer[0].b", "layer[1].W", "layer[1].b"):
        assert np.all(grads[name] == 0.0), name
    # the output layer still learns from the step's 0/1 outputs
    assert np.any(grads["layer[2].W"] != 0.0) and np.any(grads["layer[2].b"] != 0.0)
    numeric = numeric_gradients(sim)
    for name in ("layer[0].W", "layer[0].b", "layer[1].W", "layer[1].b"):
        assert np.all(numeric[name] == 0.0), name
    np.testing.assert_allclose(grads["layer[2].W"], numeric["layer[2].W"], rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("kind", ["mse", "bce"])
def test_loss_grad_is_the_derivative_of_sample_loss(kind):
    """∂L/∂a against the loss, which BCE computes from the sigmoid's logit z = log(a / (1 − a))."""
    code = losses.CODES[kind]
    rng = np.random.default_rng(5)
    a, y = rng.uniform(0.1, 0.9, 3), np.array([0.0, 1.0, 1.0])

    def loss(a):
        return losses.sample_loss(np.log(a / (1.0 - a)), a, y, code, 0.25)

    for k in range(3):
        up, down = a.copy(), a.copy()
        up[k] += H
        down[k] -= H
        numeric = (loss(up) - loss(down)) / (2 * H)
        assert losses.loss_grad(a, y, code, 0.25, k) == pytest.approx(numeric, rel=RTOL, abs=ATOL)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_gradient_accumulated_op_by_op_is_the_batch_gradient(optimizer):
    """The ∂L/∂w a learner watches add up, one sample at a time, is the true gradient of the batch."""
    sim = dlsim.make("mlp", seed=2, dataset="xor", hidden=(3,), batch=4, samples=8, test=0, optimizer=optimizer)
    rows = sim.model.batch_rows()
    expected = sim.gradients(sim.data.X[rows], sim.data.y[rows])
    before = sim.model.theta.copy()
    event = sim.step("batch")
    assert event.op == "batch"
    for name, g in event.values["grads"].items():
        np.testing.assert_allclose(g, expected[name], rtol=1e-12, atol=1e-16, err_msg=name)
    assert not np.array_equal(sim.model.theta, before)
