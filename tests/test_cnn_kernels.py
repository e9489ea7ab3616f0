"""The CNN's kernels: each agrees with its NumPy reference; gradients agree with central finite
differences for every option combination; one position at a time gives the batch kernels' bits."""
import itertools

import numpy as np
import pytest

from dlsim.kernels import cnn, conv
from dlsim.kernels import cnn_reference as ref
from dlsim.kernels.activations import RELU, TANH
from dlsim.kernels.optimizers import CODES as OPTIMIZERS

CLOSE = dict(rtol=1e-12, atol=1e-13)


def _layer_case(channels, size, stride, pad, kernels=2, side=7, batch=2, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(batch, channels, side, side))
    K = rng.normal(size=(kernels, channels, size, size))
    b = rng.normal(size=kernels)
    ho = (side + 2 * ref.pad_width(size, pad) - size) // stride + 1
    return X, K, b, ho


@pytest.mark.parametrize("channels,size,stride,pad", itertools.product((1, 3), (3, 5), (1, 2), (cnn.VALID, cnn.SAME)))
def test_convolution_matches_the_reference_forward_and_backward(channels, size, stride, pad):
    X, K, b, ho = _layer_case(channels, size, stride, pad)
    Z, A = np.empty((2, 2, ho, ho)), np.empty((2, 2, ho, ho))
    conv.conv_forward(X, K, b, stride, pad, RELU, Z, A)
    assert np.allclose(Z, ref.conv_forward(X, K, b, stride, pad), **CLOSE)
    assert np.array_equal(A, np.maximum(Z, 0.0))
    dZ = np.random.default_rng(1).normal(size=Z.shape)
    dK, db, dX = np.zeros_like(K), np.zeros_like(b), np.empty_like(X)
    conv.conv_backward(X, dZ, K, stride, pad, dK, db, dX)
    r_dK, r_db, r_dX = ref.conv_backward(X, dZ, K, stride, pad)
    assert np.allclose(dK, r_dK, **CLOSE) and np.allclose(db, r_db, **CLOSE) and np.allclose(dX, r_dX, **CLOSE)


def test_same_padding_keeps_the_size_and_valid_shrinks_it():
    assert conv.out_size(8, 3, 1, cnn.SAME) == 8 and conv.out_size(8, 5, 1, cnn.SAME) == 8
    assert conv.out_size(8, 3, 1, cnn.VALID) == 6 and conv.out_size(8, 3, 2, cnn.VALID) == 3
    assert conv.out_size(8, 3, 2, cnn.SAME) == 4


@pytest.mark.parametrize("kind", (cnn.MAX, cnn.MEAN, cnn.NONE))
def test_pooling_matches_the_reference_and_routes_delta(kind):
    rng = np.random.default_rng(2)
    A = rng.normal(size=(2, 3, 5, 5))              # odd: the last row and column are in no window
    A[0, 0, 0, :2] = A[0, 0, 1, :2] = 9.0            # a tie: the first cell of the window wins
    side = 5 if kind == cnn.NONE else 2
    P, win = np.empty((2, 3, side, side)), np.empty((2, 3, side, side), np.int64)
    conv.pool_forward(A, kind, P, win)
    r_P, r_win = ref.pool_forward(A, kind)
    assert np.allclose(P, r_P, **CLOSE) and np.array_equal(win, r_win)
    dP = rng.normal(size=P.shape)
    dA = np.full_like(A, np.nan)
    conv.pool_backward(dP, win, kind, dA)
    assert np.allclose(dA, ref.pool_backward(dP, r_win, kind, A.shape), **CLOSE)
    if kind == cnn.MAX:
        assert win[0, 0, 0, 0] == 0 and dA[0, 0, 0, 0] == dP[0, 0, 0, 0] and dA[0, 0, 0, 1] == 0.0
        assert np.all(dA[:, :, 4, :] == 0.0)


@pytest.mark.parametrize("stride,pad,side", ((1, cnn.SAME, 7), (1, cnn.VALID, 9), (2, cnn.VALID, 11), (2, cnn.SAME, 12)))
def test_one_position_at_a_time_gives_the_batch_kernels_bits(stride, pad, side):
    """Rows wide enough that the batch kernels take four inside windows at once, and borders too."""
    X, K, b, ho = _layer_case(2, 3, stride, pad, side=side, batch=1)
    x = X[0]
    Z, A = np.empty((1, 2, ho, ho)), np.empty((1, 2, ho, ho))
    conv.conv_forward(X, K, b, stride, pad, TANH, Z, A)
    for f, r, c in np.ndindex(2, ho, ho):
        assert conv.conv_at(x, K, b, f, r, c, stride, pad) == Z[0, f, r, c]
        assert conv.conv_sum_at(x, K, f, r, c, stride, pad) + b[f] == Z[0, f, r, c]
    dZ = np.random.default_rng(3).normal(size=Z.shape)
    dK, db, dX = np.zeros_like(K), np.zeros_like(b), np.empty_like(X)
    conv.conv_backward(X, dZ, K, stride, pad, dK, db, dX)
    stepped = np.zeros_like(K)
    for f, r, c in np.ndindex(2, ho, ho):          # ∂K grows window by window, in the kernels' order
        conv.dK_at(x, dZ[0], stepped, f, r, c, stride, pad)
    assert np.array_equal(stepped, dK)
    for ch, y, xx in np.ndindex(x.shape):
        assert conv.below_at(dZ[0], K, ch, y, xx, stride, pad) == dX[0, ch, y, xx]


def _network(channels, stride, pad, pool, layers, act, hidden=0, side=10, kernels=2, size=3, classes=3):
    rows = [dict(kernels=kernels, size=size, stride=stride, padding=pad, act=act, pool=pool)]
    if layers == 2:   # the second layer keeps stride 1 so that the map stays big enough to pool
        rows.append(dict(kernels=2, size=3, stride=1, padding=cnn.SAME, act=act, pool=pool))
    return cnn.network((channels, side, side), rows, classes, hidden)


def _case(conv, sizes, batch=3, seed=0):
    rng = np.random.default_rng(seed)
    theta = rng.normal(0.0, 0.5, cnn.param_offsets(conv, sizes)[-1])
    X = rng.normal(size=(batch, *conv[0, :3]))
    Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], batch)]
    return theta, X, Y


def _loss(theta, conv, sizes, dense_act, X, Y):
    return cnn.gradients(theta, np.zeros_like(theta), conv, sizes, dense_act, X, Y)


COMBINATIONS = list(itertools.product((1, 2), (cnn.VALID, cnn.SAME), (cnn.MAX, cnn.MEAN, cnn.NONE), (1, 3), (1, 2)))


@pytest.mark.parametrize("stride,pad,pool,channels,layers", COMBINATIONS)
def test_gradients_match_finite_differences_and_the_reference(stride, pad, pool, channels, layers):
    act = TANH if (stride + layers) % 2 else RELU      # both activations, across the combinations
    conv, sizes = _network(channels, stride, pad, pool, layers, act, hidden=4 if channels == 3 else 0)
    theta, X, Y = _case(conv, sizes)
    grad = np.zeros_like(theta)
    loss = cnn.gradients(theta, grad, conv, sizes, RELU, X, Y)
    r_loss, r_grad = ref.loss_and_gradients(theta, conv, sizes, RELU, X, Y)
    assert np.isclose(loss, r_loss, rtol=1e-12) and np.allclose(grad, r_grad, rtol=1e-10, atol=1e-13)
    h = 1e-6
    numeric = np.empty_like(theta)
    for i in range(theta.size):
        up, down = theta.copy(), theta.copy()
        up[i] += h
        down[i] -= h
        numeric[i] = (_loss(up, conv, sizes, RELU, X, Y) - _loss(down, conv, sizes, RELU, X, Y)) / (2 * h)
    assert np.allclose(grad, numeric, rtol=1e-5, atol=1e-7)


def test_a_five_by_five_kernel_with_tanh_and_a_hidden_layer_has_the_right_gradients():
    conv, sizes = _network(2, 1, cnn.SAME, cnn.MEAN, 1, TANH, hidden=3, size=5)
    theta, X, Y = _case(conv, sizes)
    grad = np.zeros_like(theta)
    cnn.gradients(theta, grad, conv, sizes, TANH, X, Y)
    assert np.allclose(grad, ref.loss_and_gradients(theta, conv, sizes, TANH, X, Y)[1], rtol=1e-10, atol=1e-13)


def test_predictions_are_the_references_softmax():
    conv, sizes = _network(3, 1, cnn.VALID, cnn.MAX, 2, RELU, hidden=5)
    theta, X, _ = _case(conv, sizes, batch=4)
    P = np.empty((4, sizes[-1]))
    cnn.predict(theta, conv, sizes, RELU, X, P)
    assert np.allclose(P, ref.probabilities(theta, conv, sizes, RELU, X), **CLOSE)
    assert np.allclose(P.sum(axis=1), 1.0)


def test_a_confident_wrong_answer_keeps_its_loss():
    """Cross-entropy from the logits: a logit of 800 for the wrong class costs 800, not inf or NaN."""
    conv, sizes = _network(1, 1, cnn.VALID, cnn.NONE, 1, RELU, classes=2)
    theta, X, _ = _case(conv, sizes, batch=1)
    W, b = ref.unpack(theta, conv, sizes)[1][0]
    W[:] = 0.0
    b[:] = (800.0, 0.0)
    assert np.isclose(_loss(theta, conv, sizes, RELU, X, np.array([[0.0, 1.0]])), 800.0, rtol=1e-15)
    assert _loss(theta, conv, sizes, RELU, X, np.array([[1.0, 0.0]])) == 0.0


@pytest.mark.parametrize("optimizer", ("sgd", "momentum", "adam"))
def test_fused_epochs_give_the_bits_of_one_batch_at_a_time(optimizer):
    conv, sizes = _network(2, 1, cnn.SAME, cnn.MAX, 2, RELU, hidden=4)
    theta, X, Y = _case(conv, sizes, batch=10)
    orders = np.stack([np.random.default_rng(e).permutation(10) for e in range(2)])
    hyper = (OPTIMIZERS[optimizer], 0.05, 0.9, 0.9, 0.999, 1e-8)
    fused = [theta.copy(), np.zeros_like(theta), np.zeros_like(theta), np.zeros_like(theta)]
    losses = np.empty(2)
    epochs, t = cnn.train_epochs(*fused, 0, 0, conv, sizes, RELU, *hyper, X, Y, orders, 4, losses)
    assert (epochs, t) == (2, 6)
    stepped = [theta.copy(), np.zeros_like(theta), np.zeros_like(theta), np.zeros_like(theta)]
    t, batch_losses = 0, []
    for order in orders:
        for start in range(0, 10, 4):
            idx = order[start:start + 4]
            t += 1
            batch_losses.append(cnn.train_batch(*stepped, t, 0, conv, sizes, RELU, *hyper, X[idx], Y[idx]) * len(idx))
    assert np.array_equal(fused[0], stepped[0])
    assert losses[0] == (batch_losses[0] + batch_losses[1] + batch_losses[2]) / 10


@pytest.mark.parametrize("optimizer", ("sgd", "momentum", "adam"))
def test_a_training_step_matches_the_reference(optimizer):
    conv, sizes = _network(1, 1, cnn.VALID, cnn.MAX, 1, RELU)
    theta, X, Y = _case(conv, sizes, batch=5)
    compiled, grad, m, v = theta.copy(), np.zeros_like(theta), np.zeros_like(theta), np.zeros_like(theta)
    state = {"m": np.zeros_like(theta), "v": np.zeros_like(theta), "t": 0}
    reference = theta.copy()
    for t in (1, 2, 3):
        loss = cnn.train_batch(compiled, grad, m, v, t, 0, conv, sizes, RELU, OPTIMIZERS[optimizer], 0.1, 0.9,
                               0.9, 0.999, 1e-8, X, Y)
        r_loss = ref.train_step(reference, state, conv, sizes, RELU, X, Y, optimizer, 0.1)
        assert np.isclose(loss, r_loss, rtol=1e-12)
    assert np.allclose(compiled, reference, rtol=1e-10, atol=1e-12)


def test_a_kernel_that_does_not_fit_is_refused_with_the_layer_named():
    with pytest.raises(ValueError, match="conv layer 1: a 5×5 kernel at stride 1 does not fit a 4×4 input"):
        cnn.network((1, 4, 4), [dict(kernels=2, size=5, stride=1, padding=cnn.VALID, act=RELU, pool=cnn.MAX)], 2)


def test_sample_by_sample_gives_the_batch_gradients_bits():
    """The stepped path's sample level: sample_forward then sample_backward, one image after another."""
    conv, sizes = _network(2, 2, cnn.SAME, cnn.MAX, 2, TANH, hidden=4)
    theta, X, Y = _case(conv, sizes, batch=3)
    grad = np.zeros_like(theta)
    loss = cnn.gradients(theta, grad, conv, sizes, RELU, X, Y)
    n = cnn.map_offsets(conv, sizes)[-1]
    fm, dm, win = np.zeros(n), np.zeros(n), np.zeros(n, np.int64)
    stepped, total = np.zeros_like(theta), 0.0
    for x, y in zip(X, Y):
        fm[:x.size] = x.ravel()
        cnn.sample_forward(theta, conv, sizes, RELU, fm, win)
        total += cnn.sample_backward(theta, stepped, conv, sizes, RELU, y, 1.0 / len(X), fm, win, dm)
    assert np.array_equal(stepped, grad) and total == loss


@pytest.mark.parametrize("optimizer", ("sgd", "momentum", "adam"))
def test_frozen_parameters_keep_their_bits_and_the_rest_match_the_reference(optimizer):
    conv, sizes = _network(2, 1, cnn.SAME, cnn.MAX, 2, RELU, hidden=3)
    theta, X, Y = _case(conv, sizes, batch=4)
    frozen = int(cnn.param_offsets(conv, sizes)[2])   # the first conv layer's kernels and biases
    compiled = [theta.copy(), np.zeros_like(theta), np.zeros_like(theta), np.zeros_like(theta)]
    reference = [theta.copy(), np.zeros_like(theta), np.zeros_like(theta), np.zeros_like(theta)]
    hyper = (OPTIMIZERS[optimizer], 0.1, 0.9, 0.9, 0.999, 1e-8)
    for t in (1, 2):
        loss = cnn.train_batch(*compiled, t, frozen, conv, sizes, RELU, *hyper, X, Y)
        r_loss = ref.train_batch(*reference, t, frozen, conv, sizes, RELU, *hyper, X, Y)
        assert np.isclose(loss, r_loss, rtol=1e-12)
    assert np.array_equal(compiled[0][:frozen], theta[:frozen]) and np.any(compiled[1][:frozen] != 0)
    assert not np.array_equal(compiled[0][frozen:], theta[frozen:])
    assert np.allclose(compiled[0], reference[0], rtol=1e-10, atol=1e-12)


def test_evaluate_gives_the_references_probabilities_and_mean_loss():
    conv, sizes = _network(3, 2, cnn.VALID, cnn.MEAN, 1, TANH, side=9)
    theta, X, Y = _case(conv, sizes, batch=5)
    P, r_P = np.zeros((5, 3)), np.zeros((5, 3))
    loss = cnn.evaluate(theta, conv, sizes, TANH, X, Y, P)
    r_loss = ref.evaluate(theta, conv, sizes, TANH, X, Y, r_P)
    assert np.isclose(loss, r_loss, rtol=1e-12) and np.allclose(P, r_P, **CLOSE)
    assert np.isclose(loss, cnn.gradients(theta, np.zeros_like(theta), conv, sizes, TANH, X, Y), rtol=1e-15)
