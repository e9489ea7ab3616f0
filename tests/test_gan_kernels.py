"""The GAN's kernels: D's and G's gradients (G's taken *through* the frozen D) against central finite
differences, and every compiled kernel against its NumPy reference."""
import numpy as np
import pytest

from dlsim.kernels import activations as act
from dlsim.kernels import gan as compiled
from dlsim.kernels import gan_reference as ref
from dlsim.kernels.gan import NON_SATURATING, SATURATING
from dlsim.kernels.optimizers import ADAM, MOMENTUM, SGD

H = 1e-6


def networks(hidden_act=act.TANH, z_dim=2, seed=0):
    """A small D (2 → 5 → 3 → 1, sigmoid out) and G (z → 4 → 2, linear out), random weights."""
    rng = np.random.default_rng(seed)
    sd, ad = np.array([2, 5, 3, 1]), np.array([hidden_act, hidden_act, act.SIGMOID])
    sg, ag = np.array([z_dim, 4, 2]), np.array([hidden_act, act.LINEAR])
    size = lambda s: int(sum(i * o + o for i, o in zip(s[:-1], s[1:])))
    td, tg = rng.normal(0, 0.8, size(sd)), rng.normal(0, 0.8, size(sg))
    X, Z = rng.normal(0, 1, (6, 2)), rng.uniform(-1, 1, (6, z_dim))
    return sd, ad, td, sg, ag, tg, X, Z


def d_loss(td, sd, ad, tg, sg, ag, X, Z):
    return ref.d_gradients(td, np.zeros_like(td), sd, ad, tg, sg, ag, X, Z)


def g_loss(tg, sg, ag, td, sd, ad, kind, Z):
    return ref.g_gradients(tg, np.zeros_like(tg), sg, ag, td, sd, ad, kind, Z, np.empty((2, len(Z))))


def central(f, theta):
    out = np.empty_like(theta)
    for k in range(theta.size):
        up, down = theta.copy(), theta.copy()
        up[k] += H
        down[k] -= H
        out[k] = (f(up) - f(down)) / (2 * H)
    return out


@pytest.mark.parametrize("hidden", [act.TANH, act.SIGMOID, act.RELU], ids=["tanh", "sigmoid", "relu"])
def test_ds_gradient_matches_finite_differences(hidden):
    sd, ad, td, sg, ag, tg, X, Z = networks(hidden)
    grad = np.zeros_like(td)
    compiled.d_gradients(td, grad, sd, ad, tg, sg, ag, X, Z)
    numeric = central(lambda t: d_loss(t, sd, ad, tg, sg, ag, X, Z), td)
    assert np.allclose(grad, numeric, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("kind", [NON_SATURATING, SATURATING], ids=["non_saturating", "saturating"])
@pytest.mark.parametrize("hidden, z_dim", [(act.TANH, 2), (act.RELU, 1), (act.SIGMOID, 2)],
                         ids=["tanh", "relu-z1", "sigmoid"])
def test_gs_gradient_through_the_frozen_d_matches_finite_differences(kind, hidden, z_dim):
    sd, ad, td, sg, ag, tg, X, Z = networks(hidden, z_dim)
    grad, fake_grads = np.zeros_like(tg), np.empty((2, len(Z)))
    frozen = td.copy()
    compiled.g_gradients(tg, grad, sg, ag, td, sd, ad, kind, Z, fake_grads)
    assert np.array_equal(td, frozen)   # D is only read
    numeric = central(lambda t: g_loss(t, sg, ag, td, sd, ad, kind, Z), tg)
    assert np.allclose(grad, numeric, rtol=1e-5, atol=1e-8)
    # ∂L_G/∂x̂ per fake point: move one generated point, D's verdict on it changes the loss
    fakes = np.empty((len(Z), 2))
    ref.generate(tg, sg, ag, Z, fakes)

    def loss_at(points):
        logits, probs = np.empty(len(points)), np.empty(len(points))
        ref.discriminate(td, sd, ad, points, logits, probs)
        return ref.g_loss(logits, kind)
    numeric_x = central(lambda flat: loss_at(flat.reshape(fakes.shape)), fakes.ravel()).reshape(fakes.shape)
    assert np.allclose(fake_grads.T, numeric_x, rtol=1e-5, atol=1e-9)


def test_the_saturating_loss_gives_g_almost_no_gradient_where_d_is_sure():
    """Early on D rejects the fakes (D(x̂) ≈ 0): log(1 − D) is flat there, −log D is steep."""
    sd, ad, td, sg, ag, tg, X, Z = networks()
    td[-1] = -8.0   # D's output bias: every point looks fake
    norms = {}
    for kind in (NON_SATURATING, SATURATING):
        grad = np.zeros_like(tg)
        compiled.g_gradients(tg, grad, sg, ag, td, sd, ad, kind, Z, np.empty((2, len(Z))))
        norms[kind] = np.linalg.norm(grad)
    assert norms[SATURATING] < 0.01 * norms[NON_SATURATING]


@pytest.mark.parametrize("opt_kind", [SGD, MOMENTUM, ADAM], ids=["sgd", "momentum", "adam"])
def test_compiled_steps_and_iterations_match_the_reference(opt_kind):
    sd, ad, td, sg, ag, tg, X, Z = networks()
    hyper = np.array([opt_kind, 0.05, 0.9, 0.5, 0.999, 1e-8])
    rng = np.random.default_rng(1)
    rows = rng.integers(0, len(X), (3, 2, 4))          # 3 iterations of k = 2 D steps, batch 4
    Zs = rng.uniform(-1, 1, (3, 3, 4, 2))
    results = []
    for module in (compiled, ref):
        state = [a.copy() for a in (td, td * 0, td * 0, td * 0, tg, tg * 0, tg * 0, tg * 0)]
        d_losses, g_losses = np.empty(3), np.empty(3)
        counts = module.train_iterations(*state, 0, 0, sd, ad, sg, ag, hyper, hyper, NON_SATURATING, X, rows, Zs,
                                         2, 1, d_losses, g_losses)
        d = module.d_step(state[0], state[1], state[2], state[3], 7, sd, ad, hyper, state[4], sg, ag, X[:4], Zs[0, 0])
        fake_grads = np.empty((2, 4))
        g = module.g_step(state[4], state[5], state[6], state[7], 4, sg, ag, hyper, state[0], sd, ad, SATURATING,
                          Zs[0, 2], fake_grads)
        points, logits, probs = np.empty((6, 2)), np.empty(6), np.empty(6)
        module.generate(state[4], sg, ag, Z, points)
        module.discriminate(state[0], sd, ad, X, logits, probs)
        results.append((counts, d_losses, g_losses, d, g, fake_grads, points, logits, probs, *state))
    (counts, *numbers), (ref_counts, *ref_numbers) = results
    assert counts == ref_counts == (3, 6, 3)
    for a, b in zip(numbers, ref_numbers):
        assert np.allclose(a, b, rtol=1e-10, atol=1e-12)


def test_train_d_only_leaves_g_alone_and_records_no_g_loss():
    sd, ad, td, sg, ag, tg, X, Z = networks()
    hyper = np.array([SGD, 0.1, 0.0, 0.9, 0.999, 1e-8])
    rows, Zs = np.zeros((2, 1, 3), np.int64), np.zeros((2, 2, 3, 2))
    g_before = tg.copy()
    d_losses, g_losses = np.empty(2), np.empty(2)
    counts = compiled.train_iterations(td, td * 0, td * 0, td * 0, tg, tg * 0, tg * 0, tg * 0, 0, 0, sd, ad, sg, ag,
                                       hyper, hyper, NON_SATURATING, X, rows, Zs, 1, 0, d_losses, g_losses)
    assert counts == (2, 2, 0) and np.array_equal(tg, g_before)
    assert np.isnan(g_losses).all() and np.isfinite(d_losses).all()
