"""Every compiled kernel against its plain NumPy reference (dlsim/kernels/reference.py), on random inputs.

A learner reads these numbers off the screen: if a compiled kernel drifts from the textbook formula,
the arithmetic shown is wrong. Where the reference has no kernel of the same name, the test composes
the reference from the ones it has (e.g. one neuron's z is one column of the reference dense layer).
"""
import numpy as np
import pytest

from dlsim.kernels import activations as act
from dlsim.kernels import dense, losses, mlp, optimizers, perceptron
from dlsim.kernels import mlp_reference as mlp_ref
from dlsim.kernels import perceptron_reference
from dlsim.kernels import reference as ref

RTOL = 1e-12
ATOL = 1e-14
ELEMENTWISE = (act.LINEAR, act.STEP, act.SIGMOID, act.TANH, act.RELU)


def close(actual, expected, rtol=RTOL, atol=ATOL):
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)


@pytest.fixture
def rng():
    return np.random.default_rng(20240607)


def probabilities(rng, shape):
    a = rng.uniform(0.05, 1.0, shape)
    return a / a.sum(axis=-1, keepdims=True)


def one_hot_rows(rng, n, classes):
    Y = np.zeros((n, classes))
    Y[np.arange(n), rng.integers(0, classes, n)] = 1.0
    return Y


# --- activations -------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ELEMENTWISE, ids=lambda k: act.NAMES[k])
def test_activate_and_derivative_match_reference(rng, kind):
    # wide range, both signs, exact zero (the step's jump and ReLU's kink) and a saturating tail
    z = np.concatenate([rng.normal(0, 3, 40), [0.0, -0.0, 1e-300, -1e-300, 40.0, -40.0, 800.0, -800.0]])
    a = np.array([act.activate(x, kind) for x in z])
    with np.errstate(over="ignore"):   # the reference's exp(800) overflows to inf, and 1/inf is right
        close(a, ref.activate(z, kind))
    d = np.array([act.derivative(x, y, kind) for x, y in zip(z, a)])
    close(d, ref.derivative(z, a, kind))
    assert np.all(np.isfinite(a)) and np.all(np.isfinite(d))


@pytest.mark.parametrize("kind", ELEMENTWISE, ids=lambda k: act.NAMES[k])
def test_activate_block_over_a_dense_sweep(kind):
    """Every branch of every activation, the crossovers included (tanh is computed, not called)."""
    z = np.concatenate([np.linspace(-30, 30, 120001), np.geomspace(1e-300, 1.0, 601),
                        -np.geomspace(1e-300, 1.0, 601), [0.0, 0.25, -0.25, 20.0, -20.0, 1e3, -1e3]])
    Z = z.reshape(-1, 1)
    A, D = np.empty_like(Z), np.ones_like(Z)
    act.activate_block(Z, kind, A)
    act.scale_by_derivative(D, Z, A, kind)
    with np.errstate(over="ignore"):
        expected = ref.activate(Z, kind)
    close(A, expected)
    close(D, ref.derivative(Z, expected, kind), atol=1e-13)
    if kind in (act.TANH, act.SIGMOID):
        assert np.all(np.abs(A) <= 1.0) and np.all(np.diff(A[:120001, 0]) > -1e-15)   # no step where branches meet


def test_activation_known_values():
    assert act.activate(0.0, act.STEP) == 1.0          # the step fires at exactly 0
    assert act.activate(-1e-12, act.STEP) == 0.0
    assert act.activate(0.0, act.SIGMOID) == 0.5
    assert act.activate(-3.0, act.RELU) == 0.0 and act.derivative(0.0, 0.0, act.RELU) == 0.0
    assert act.derivative(0.0, 0.5, act.SIGMOID) == 0.25
    assert act.derivative(0.3, act.activate(0.3, act.STEP), act.STEP) == 0.0
    # a large negative z must not overflow exp() in the sigmoid
    assert 0.0 <= act.activate(-1000.0, act.SIGMOID) < 1e-300


def test_tanh_kernels_match_reference_and_each_other():
    """tanh is computed from multiplies and adds (no libm call), so check it everywhere it branches."""
    x = np.concatenate([np.linspace(-25, 25, 50001), np.geomspace(1e-300, 30, 2001), -np.geomspace(1e-300, 30, 2001),
                        [0.0, -0.0, 19.999999, 20.0, 20.000001, 710.0, -710.0, np.inf, -np.inf]])
    out = np.full_like(x, np.nan)
    act.tanh_into(x, out)
    close(out, np.tanh(x))
    assert np.all(np.abs(out) <= 1.0)
    assert np.signbit(out[x == 0.0]).tolist() == np.signbit(x[x == 0.0]).tolist()   # tanh(−0) = −0
    # the scalar kernel (the stepwise path) gives the very bits of the vector one (the fused path)
    sample = x[::97]
    assert np.array_equal([act.tanh(v) for v in sample], out[::97])
    assert np.array_equal([act.activate(v, act.TANH) for v in sample], out[::97])
    nan = np.full(3, np.nan)
    act.tanh_into(np.array([np.nan, 1.0, np.nan]), nan)
    assert np.isnan(nan[0]) and np.isnan(nan[2]) and nan[1] == pytest.approx(np.tanh(1.0), rel=1e-15)
    assert np.isnan(act.tanh(np.nan))


def test_exp_neg_is_within_an_ulp_of_libm_and_keeps_its_edges():
    """exp_neg (the sigmoids', softmaxes' and Gaussians' exp) is arithmetic LLVM vectorises, not libm's
    call: within 1 ulp of it over the whole range it serves, and the interpreted code (what a GPU
    twin under the simulator would run) gives the compiled bits."""
    x = np.concatenate([-np.linspace(0, 708, 200001), -np.geomspace(1e-300, 708, 20001), [0.0, -0.0, -5e-324]])
    out = np.array([act.exp_neg(v) for v in x[::50]])
    want = np.exp(x[::50])
    assert np.max(np.abs(out - want) / np.spacing(want)) <= 1.0
    sample = x[::997]
    assert np.array_equal([act.exp_neg.py_func(v) for v in sample], [act.exp_neg(v) for v in sample])
    assert act.exp_neg(0.0) == 1.0 and act.exp_neg(-np.inf) == 0.0 and np.isnan(act.exp_neg(np.nan))
    assert act.exp_neg(act.EXP_NEG_FLOOR - 1.0) == 0.0 and act.exp_neg(-1e6) == 0.0
    # a sigmoid built on it saturates without overflow and stays symmetric
    assert act.activate(40.0, act.SIGMOID) + act.activate(-40.0, act.SIGMOID) == 1.0


def test_softmax_row_matches_reference(rng):
    for n in (1, 2, 5):
        z = rng.normal(0, 4, n)
        out = np.empty(n)
        act.softmax_row(z, out)
        close(out, ref.activate(z, act.SOFTMAX))
        assert abs(out.sum() - 1.0) < 1e-14
    # huge logits: the max is subtracted, so no overflow
    out = np.empty(3)
    act.softmax_row(np.array([1000.0, 999.0, -1000.0]), out)
    close(out, ref.activate(np.array([1000.0, 999.0, -1000.0]), act.SOFTMAX))


@pytest.mark.parametrize("kind", ELEMENTWISE + (act.SOFTMAX,), ids=lambda k: act.NAMES[k])
def test_activate_block_matches_reference(rng, kind):
    Z = rng.normal(0, 2, (7, 4))                 # 7 samples of 4 neurons…
    A = np.full(Z.T.shape, np.nan)
    act.activate_block(np.ascontiguousarray(Z.T), kind, A)   # …fed feature-major, (4, 7)
    close(A.T, ref.activate(Z, kind))


@pytest.mark.parametrize("kind", ELEMENTWISE, ids=lambda k: act.NAMES[k])
def test_scale_by_derivative_matches_reference(rng, kind):
    Z = rng.normal(0, 2, (6, 3))
    A = ref.activate(Z, kind)
    D = rng.normal(0, 1, Z.shape)
    expected = D * ref.derivative(Z, A, kind)
    act.scale_by_derivative(D, Z, A, kind)
    close(D, expected)


# --- dense layer -------------------------------------------------------------------------------

def test_neuron_z_is_one_column_of_the_dense_layer(rng):
    a, W, b = rng.normal(size=5), rng.normal(size=(5, 3)), rng.normal(size=3)
    Z = np.empty((1, 3))
    ref.dense_forward(a[None, :], W, b, Z)
    close([dense.neuron_z(a, W, b, j) for j in range(3)], Z[0])


def test_dense_forward_matches_reference(rng):
    A, W, b = rng.normal(size=(8, 5)), rng.normal(size=(5, 3)), rng.normal(size=3)
    Z, Z_ref = np.full((8, 3), np.nan), np.empty((8, 3))
    dense.dense_forward(A, W, b, Z)
    ref.dense_forward(A, W, b, Z_ref)
    close(Z, Z_ref)


def test_dense_backward_accumulates_like_reference(rng):
    A, W, dZ = rng.normal(size=(8, 5)), rng.normal(size=(5, 3)), rng.normal(size=(8, 3))
    dW0, db0 = rng.normal(size=(5, 3)), rng.normal(size=3)   # already holds a previous piece
    dW, db, dA = dW0.copy(), db0.copy(), np.full((8, 5), np.nan)
    dW_ref, db_ref, dA_ref = dW0.copy(), db0.copy(), np.empty((8, 5))
    dense.dense_backward(A, W, dZ, dW, db, dA)
    ref.dense_backward(A, W, dZ, dW_ref, db_ref, dA_ref)
    close(dW, dW_ref)
    close(db, db_ref)
    close(dA, dA_ref)
    close([dense.backprop_sum(W, dZ[0], i) for i in range(5)], dA_ref[0])


def test_dense_backward_in_pieces_equals_whole_batch(rng):
    A, W, dZ = rng.normal(size=(6, 4)), rng.normal(size=(4, 2)), rng.normal(size=(6, 2))
    dW, db, dA = np.zeros((4, 2)), np.zeros(2), np.empty((6, 4))
    dense.dense_backward(A, W, dZ, dW, db, dA)
    dW2, db2, dA2 = np.zeros((4, 2)), np.zeros(2), np.empty((6, 4))
    for s in range(6):   # one sample at a time, as the stepwise path does
        dense.dense_backward(A[s:s + 1], W, dZ[s:s + 1], dW2, db2, dA2[s:s + 1])
    assert np.array_equal(dW, dW2) and np.array_equal(db, db2) and np.array_equal(dA, dA2)


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (1, 1), (6, 1)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_batch_dense_kernels_match_reference(rng, shape):
    """The feature-major kernels the fused MLP runs, on both of their ∂W loop orders."""
    n_in, n_out = shape
    B = 7
    A, W, b, dZ = rng.normal(size=(B, n_in)), rng.normal(size=shape), rng.normal(size=n_out), rng.normal(size=(B, n_out))
    zT = np.full((n_out, B), np.nan)
    dense.dense_forward_t(np.ascontiguousarray(A.T), W, b, zT)
    close(zT, (A @ W + b).T)
    dW0, db0 = rng.normal(size=shape), rng.normal(size=n_out)
    dW, db, belowT = dW0.copy(), db0.copy(), np.full((n_in, B), np.nan)
    dense.dense_backward_t(np.ascontiguousarray(A.T), W, np.ascontiguousarray(dZ.T), dW, db, belowT)
    dW_ref, db_ref, dA_ref = dW0.copy(), db0.copy(), np.empty((B, n_in))
    ref.dense_backward(A, W, dZ, dW_ref, db_ref, dA_ref)
    close(dW, dW_ref)
    close(db, db_ref)
    close(belowT, dA_ref.T)
    # with no rows for the error below (the input layer), the gradients are the same
    dW2, db2 = dW0.copy(), db0.copy()
    dense.dense_backward_t(np.ascontiguousarray(A.T), W, np.ascontiguousarray(dZ.T), dW2, db2, np.empty((0, B)))
    assert np.array_equal(dW2, dW) and np.array_equal(db2, db)


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 1)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_batch_dense_kernels_equal_one_neuron_at_a_time_bitwise(rng, shape):
    """What the learner steps through (one neuron, one weight) is what the fused path computes, exactly."""
    n_in, n_out = shape
    B = 6
    A, W, b, dZ = rng.normal(size=(B, n_in)), rng.normal(size=shape), rng.normal(size=n_out), rng.normal(size=(B, n_out))
    Z = np.empty((B, n_out))
    dense.dense_forward(A, W, b, Z)
    assert np.array_equal(Z, [[dense.neuron_z(A[s], W, b, j) for j in range(n_out)] for s in range(B)])
    dW, db, dA = np.zeros(shape), np.zeros(n_out), np.empty((B, n_in))
    dense.dense_backward(A, W, dZ, dW, db, dA)
    dW1, db1 = np.zeros(shape), np.zeros(n_out)
    for s in range(B):            # sample by sample, weight by weight, as the op-level events do
        for i in range(n_in):
            for j in range(n_out):
                dW1[i, j] += A[s, i] * dZ[s, j]
        db1 += dZ[s]
    assert np.array_equal(dW, dW1) and np.array_equal(db, db1)
    assert np.array_equal(dA, [[dense.backprop_sum(W, dZ[s], i) for i in range(n_in)] for s in range(B)])


# (rows of out, terms, columns): one pass; DEPTH terms at a time; copied spans of SPAN columns, with
# ragged last spans and tiles, fewer than four rows or terms left over, and empty shapes
TILINGS = [(3, 5, 7), (7, 40, 300), (8, 32, 64), (8, 33, 64), (9, 70, 65), (12, 100, 200), (13, 37, 129),
           (5, 4, 0), (0, 4, 5), (4, 0, 5)]


@pytest.mark.parametrize("shape", TILINGS, ids=lambda s: "x".join(map(str, s)))
def test_add_products_adds_each_sums_terms_in_order_at_every_tiling(rng, shape):
    """However add_products tiles the work for the cache, every sum gets its terms one at a time in
    order of k: the same bits as adding them in that order, so the fused path equals the stepped."""
    n_rows, n_terms, width = shape
    out, coeffs, rows = rng.normal(size=(n_rows, width)), rng.normal(size=(n_rows, n_terms)), rng.normal(size=(n_terms, width))
    expected = out.copy()
    for k in range(n_terms):
        expected = expected + coeffs[:, k:k + 1] * rows[k]
    dense.add_products(out, coeffs, rows)
    assert np.array_equal(out, expected)


# --- losses ------------------------------------------------------------------------------------

def loss_case(rng, kind, n=6, outputs=3):
    if kind == losses.SOFTMAX_CE:
        Z = rng.normal(size=(n, outputs))
        return Z, ref.activate(Z, act.SOFTMAX), one_hot_rows(rng, n, outputs), act.SOFTMAX
    Z = rng.normal(size=(n, outputs))
    A = ref.activate(Z, act.SIGMOID)
    Y = rng.integers(0, 2, (n, outputs)).astype(np.float64) if kind == losses.BCE else rng.normal(size=(n, outputs))
    return Z, A, Y, act.SIGMOID


LOSSES = tuple(losses.CODES.values())


@pytest.mark.parametrize("soft", [False, True], ids=["hard", "soft"])
@pytest.mark.parametrize("kind", LOSSES, ids=lambda k: losses.NAMES[k])
def test_sample_loss_and_mean_loss_match_reference(rng, kind, soft):
    Z, A, Y, _ = loss_case(rng, kind)
    if soft and kind != losses.MSE:   # targets between 0 and 1 (a distribution per row for softmax-CE)
        Y = probabilities(rng, Y.shape) if kind == losses.SOFTMAX_CE else rng.uniform(0, 1, Y.shape)
    B = A.shape[0]
    expected = ref.batch_loss(Z, A, Y, kind)
    close(losses.mean_loss(Z, A, Y, kind), expected)
    close(sum(losses.sample_loss(Z[s], A[s], Y[s], kind, 1.0 / B) for s in range(B)), expected)
    for s in range(B):
        close(losses.sample_loss(Z[s], A[s], Y[s], kind, 1.0), ref.batch_loss(Z[s:s + 1], A[s:s + 1], Y[s:s + 1], kind))
    assert expected > 0


@pytest.mark.parametrize("kind", LOSSES, ids=lambda k: losses.NAMES[k])
def test_loss_grad_matches_reference(rng, kind):
    Z, A, Y, out_act = loss_case(rng, kind)
    B, O = A.shape
    # the reference's output δ with a linear output (f' = 1) is ∂L/∂a; softmax-CE folds the softmax in
    expected = ref.output_deltas(Z, A, Y, kind, act.SOFTMAX if kind == losses.SOFTMAX_CE else act.LINEAR)
    got = np.array([[losses.loss_grad(A[s], Y[s], kind, 1.0 / B, k) for k in range(O)] for s in range(B)])
    close(got, expected)


@pytest.mark.parametrize("kind,out_act", [(losses.MSE, act.SIGMOID), (losses.MSE, act.TANH),
                                          (losses.MSE, act.LINEAR), (losses.BCE, act.SIGMOID),
                                          (losses.SOFTMAX_CE, act.SOFTMAX)],
                         ids=["mse-sigmoid", "mse-tanh", "mse-linear", "bce-sigmoid", "ce-softmax"])
def test_output_delta_matches_reference(rng, kind, out_act):
    Z, _, Y, _ = loss_case(rng, kind)
    A = ref.activate(Z, out_act)
    B, O = A.shape
    got = np.array([[losses.output_delta(Z[s], A[s], Y[s], kind, out_act, 1.0 / B, k) for k in range(O)]
                    for s in range(B)])
    close(got, ref.output_deltas(Z, A, Y, kind, out_act))


def test_bce_stays_finite_when_prediction_saturates():
    z, y = np.array([-800.0, 800.0]), np.array([1.0, 0.0])
    with np.errstate(over="ignore"):   # exp(800) is inf in the reference, and 1/inf is right
        a = ref.activate(z, act.SIGMOID)
    assert list(a) == [0.0, 1.0]   # the sigmoid has rounded to exactly 0 and 1
    assert losses.sample_loss(z, a, y, losses.BCE, 1.0) == 800.0   # the logits keep the loss: mean of 800, 800
    assert np.isfinite(losses.loss_grad(a, y, losses.BCE, 1.0, 0))
    close(losses.sample_loss(z, a, y, losses.BCE, 1.0), ref.batch_loss(z[None], a[None], y[None], losses.BCE))


# --- optimizers --------------------------------------------------------------------------------

OPTS = tuple(optimizers.CODES.values())
HYPER = dict(lr=0.05, mu=0.9, beta1=0.9, beta2=0.999, eps=1e-8)


@pytest.mark.parametrize("kind", OPTS, ids=lambda k: optimizers.NAMES[k])
def test_update_element_matches_reference_over_several_steps(rng, kind):
    theta = rng.normal(size=11)
    m, v = np.zeros(11), np.zeros(11)
    theta_r, m_r, v_r = theta.copy(), m.copy(), v.copy()
    h = HYPER
    for t in range(1, 5):
        grad = rng.normal(size=11)
        for k in range(11):
            optimizers.update_element(theta, grad, m, v, k, kind, h["lr"], h["mu"], h["beta1"], h["beta2"],
                                      h["eps"], t)
        ref.update_all(theta_r, grad, m_r, v_r, kind, h["lr"], h["mu"], h["beta1"], h["beta2"], h["eps"], t)
        close(theta, theta_r)
        close(m, m_r)
        close(v, v_r)


def test_sgd_momentum_adam_match_reference(rng):
    h = HYPER
    theta0 = rng.normal(size=9)
    grads = [rng.normal(size=9) for _ in range(3)]

    th, th_r = theta0.copy(), theta0.copy()
    for g in grads:
        optimizers.sgd(th, g, h["lr"])
        ref.update_all(th_r, g, None, None, optimizers.SGD, h["lr"], 0, 0, 0, 0, 1)
    close(th, th_r)
    close(th, theta0 - h["lr"] * sum(grads))

    th, vel, th_r, vel_r = theta0.copy(), np.zeros(9), theta0.copy(), np.zeros(9)
    for g in grads:
        optimizers.momentum(th, g, vel, h["lr"], h["mu"])
        ref.update_all(th_r, g, vel_r, None, optimizers.MOMENTUM, h["lr"], h["mu"], 0, 0, 0, 1)
    close(th, th_r)
    close(vel, vel_r)

    th, m, v = theta0.copy(), np.zeros(9), np.zeros(9)
    th_r, m_r, v_r = theta0.copy(), np.zeros(9), np.zeros(9)
    for t, g in enumerate(grads, start=1):
        optimizers.adam(th, g, m, v, h["lr"], h["beta1"], h["beta2"], h["eps"], t)
        ref.update_all(th_r, g, m_r, v_r, optimizers.ADAM, h["lr"], 0, h["beta1"], h["beta2"], h["eps"], t)
    close(th, th_r)
    close(m, m_r)
    close(v, v_r)
    # Adam's first step moves every weight by about lr, whatever the gradient's size
    th1, m1, v1 = theta0.copy(), np.zeros(9), np.zeros(9)
    optimizers.adam(th1, grads[0], m1, v1, h["lr"], h["beta1"], h["beta2"], h["eps"], 1)
    close(np.abs(th1 - theta0), np.full(9, h["lr"]), rtol=1e-6)


# --- the fused MLP kernels ---------------------------------------------------------------------

NETS = [  # (sizes, hidden activation, loss)
    ((2, 4, 3, 1), act.TANH, losses.BCE),
    ((3, 5, 1), act.RELU, losses.MSE),
    ((2, 3, 4, 3), act.SIGMOID, losses.SOFTMAX_CE),
    ((4, 2, 2), act.LINEAR, losses.SOFTMAX_CE),
]


def net(rng, sizes, hidden, loss, n=7):
    sizes = np.array(sizes, np.int64)
    out_act = act.SOFTMAX if loss == losses.SOFTMAX_CE else act.SIGMOID
    acts = np.array([hidden] * (len(sizes) - 2) + [out_act], np.int64)
    P = int(sum(i * o + o for i, o in zip(sizes[:-1], sizes[1:])))
    theta = rng.normal(0, 0.7, P)
    X = rng.normal(size=(n, sizes[0]))
    if loss == losses.SOFTMAX_CE:
        Y = one_hot_rows(rng, n, sizes[-1])
    else:
        Y = rng.integers(0, 2, (n, 1)).astype(np.float64)
    return sizes, acts, theta, X, Y


def net_id(case):
    return f"{'-'.join(map(str, case[0]))}-{act.NAMES[case[1]]}-{losses.NAMES[case[2]]}"


@pytest.mark.parametrize("case", NETS, ids=net_id)
def test_mlp_forward_matches_reference(rng, case):
    sizes, acts, theta, X, _ = net(rng, *case)
    U = int(sizes.sum())
    Z, A = np.zeros((X.shape[0], U)), np.zeros((X.shape[0], U))
    mlp.forward(theta, sizes, acts, X, Z, A)
    zs, as_ = mlp_ref.layer_values(theta, list(sizes), list(acts), X)
    close(Z[:, sizes[0]:], np.concatenate(zs, axis=1))
    close(A, np.concatenate(as_, axis=1))


@pytest.mark.parametrize("case", NETS, ids=net_id)
def test_mlp_backward_matches_reference(rng, case):
    sizes, acts, theta, X, Y = net(rng, *case)
    U = int(sizes.sum())
    Z, A, D = np.zeros((X.shape[0], U)), np.zeros((X.shape[0], U)), np.zeros((X.shape[0], U))
    mlp.forward(theta, sizes, acts, X, Z, A)
    before = rng.normal(size=theta.shape)
    grad = before.copy()
    loss = mlp.backward(theta, grad, sizes, acts, case[2], Y, Z, A, D)
    loss_ref, grad_ref = mlp_ref.gradients(theta, list(sizes), list(acts), case[2], X, Y)
    close(loss, loss_ref)
    close(grad - before, grad_ref, atol=1e-13)   # accumulated into grad, not overwritten
    assert np.any(grad_ref != 0)


@pytest.mark.parametrize("opt", OPTS, ids=lambda k: optimizers.NAMES[k])
@pytest.mark.parametrize("case", NETS[:3], ids=net_id)
def test_mlp_train_batch_matches_reference(rng, case, opt):
    sizes, acts, theta, X, Y = net(rng, *case)
    h = HYPER
    state = [theta.copy(), np.full_like(theta, np.nan), np.zeros_like(theta), np.zeros_like(theta)]
    state_r = [theta.copy(), np.zeros_like(theta), np.zeros_like(theta), np.zeros_like(theta)]
    for t in (1, 2, 3):
        loss = mlp.train_batch(*state, t, sizes, acts, case[2], opt, h["lr"], h["mu"], h["beta1"], h["beta2"],
                               h["eps"], X, Y)
        loss_r = mlp_ref.train_batch(*state_r, t, list(sizes), list(acts), case[2], opt, h["lr"], h["mu"],
                                     h["beta1"], h["beta2"], h["eps"], X, Y)
        close(loss, loss_r)
        for got, expected in zip(state, state_r):   # theta, grad, m, v
            close(got, expected, rtol=1e-11, atol=1e-13)
    assert not np.allclose(state[0], theta)


@pytest.mark.parametrize("opt", OPTS, ids=lambda k: optimizers.NAMES[k])
@pytest.mark.parametrize("batch", [1, 3, 7])
def test_mlp_train_epochs_matches_reference(rng, opt, batch):
    sizes, acts, theta, X, Y = net(rng, (2, 4, 3, 1), act.TANH, losses.BCE)
    orders = np.stack([rng.permutation(X.shape[0]) for _ in range(3)]).astype(np.int64)
    h = HYPER
    args = (sizes, acts, losses.BCE, opt, h["lr"], h["mu"], h["beta1"], h["beta2"], h["eps"], X, Y, orders, batch)
    state = [theta.copy(), np.zeros_like(theta), np.zeros_like(theta), np.zeros_like(theta)]
    state_r = [theta.copy(), np.zeros_like(theta), np.zeros_like(theta), np.zeros_like(theta)]
    el, el_r = np.zeros(3), np.zeros(3)
    ran, t = mlp.train_epochs(*state, 0, *args, el)
    ran_r, t_r = mlp_ref.train_epochs(*state_r, 0, *args[:2], *args[2:], el_r)
    assert (ran, t) == (ran_r, t_r) == (3, 3 * -(-X.shape[0] // batch))
    close(el, el_r, rtol=1e-11)
    for got, expected in zip(state, state_r):
        close(got, expected, rtol=1e-10, atol=1e-13)


def test_mlp_train_epochs_stops_after_a_non_finite_epoch(rng):
    sizes, acts, theta, X, Y = net(rng, (2, 3, 1), act.LINEAR, losses.MSE)
    theta[0] = np.nan   # a diverged weight: the loss of the first epoch is not a number
    orders = np.tile(np.arange(X.shape[0]), (5, 1)).astype(np.int64)
    h = HYPER
    for kernel in (mlp.train_epochs, mlp_ref.train_epochs):
        el = np.zeros(5)
        ran, t = kernel(theta.copy(), np.zeros_like(theta), np.zeros_like(theta), np.zeros_like(theta), 0,
                        sizes, acts, losses.MSE, optimizers.SGD, 0.1, 0.0, 0.9, 0.999, 1e-8,
                        X, Y, orders, X.shape[0], el)
        assert (ran, t) == (1, 1)
        assert not np.isfinite(el[0]) and np.all(el[1:] == 0)


# --- perceptron --------------------------------------------------------------------------------

def test_weighted_sum_and_threshold_match_reference(rng):
    for _ in range(20):
        x, w, b = rng.normal(size=3), rng.normal(size=3), rng.normal()
        z = perceptron.weighted_sum(x, w, b)
        close(z, x @ w + b)
        assert perceptron.threshold(z) == ref.activate(z, act.STEP)
    assert perceptron.threshold(0.0) == 1.0 and perceptron.threshold(-1e-300) == 0.0


@pytest.mark.parametrize("separable", [True, False])
def test_perceptron_train_epochs_matches_reference(rng, separable):
    X = rng.normal(size=(20, 2))
    y = (X[:, 0] + 0.5 * X[:, 1] > 0.1) if separable else (X[:, 0] * X[:, 1] > 0)
    y = y.astype(np.float64)
    orders = np.stack([rng.permutation(20) for _ in range(30)]).astype(np.int64)
    w0 = rng.normal(size=2)
    w, w_r = w0.copy(), w0.copy()
    err, err_r = np.zeros(30, np.int64), np.zeros(30, np.int64)
    ran, b = perceptron.train_epochs(w, 0.2, X, y, 0.1, orders, err)
    ran_r, b_r = perceptron_reference.train_epochs(w_r, 0.2, X, y, 0.1, orders, err_r)
    assert ran == ran_r
    close(w, w_r)
    close(b, b_r)
    assert np.array_equal(err, err_r)
    if separable:
        assert ran < 30 and err[ran - 1] == 0     # stops at the first clean epoch
    else:
        assert ran == 30 and np.all(err > 0)
