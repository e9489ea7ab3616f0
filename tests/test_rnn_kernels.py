"""The Elman RNN's kernels: against the NumPy reference, against central finite differences for
every parameter and every option, and the op-by-op path against the batch kernels bit for bit."""
import numpy as np
import pytest

import recurrent_checks as checks
from dlsim.kernels import recurrent as rc
from dlsim.kernels import rnn as net
from dlsim.kernels import rnn_reference as ref

CELL = net.CELL
OPTIONS = list(checks.OPTIONS.items())


def test_parameter_layout_matches_the_reference():
    checks.check_layout(net, CELL)


@pytest.mark.parametrize("name,options", OPTIONS, ids=[n for n, _ in OPTIONS])
def test_loss_gradients_and_norms_match_the_reference(name, options):
    checks.check_against_reference(net, ref, CELL, options)


@pytest.mark.parametrize("name,options", OPTIONS, ids=[n for n, _ in OPTIONS])
def test_gradients_match_finite_differences(name, options):
    checks.check_finite_differences(net, ref, CELL, options)


def test_truncation_stops_the_gradient_at_the_cut():
    checks.check_truncation_cuts_the_gradient(net, CELL)


def test_gradient_vanishes_back_through_time():
    checks.check_vanishing(net, CELL)


def test_clipping_reports_the_norm_before_and_after():
    checks.check_clipping(net, ref, CELL)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_training_epochs_match_the_reference(optimizer):
    checks.check_training(net, ref, CELL, optimizer)


def test_fused_epoch_equals_batch_by_batch_bit_for_bit():
    checks.check_fused_equals_batches(net, CELL)


def test_initial_state_has_no_gradient_unless_learned():
    checks.check_initial_state_not_learned_stays_zero(net, CELL)


def _op_by_op(cfg, theta, X, Y):
    """The forward and backward passes one number at a time, as the stepped model will run them:
    each unit's weighted sum, activation, δ and each weight's contribution, by the scalar helpers."""
    L, T, act = cfg[rc.LAYERS], X.shape[1], cfg[rc.ACT]
    Hn = cfg[rc.HIDDEN]
    z = np.zeros((X.shape[0], L, T, Hn))
    h = np.zeros((X.shape[0], L, T + 1, Hn))
    logits = np.zeros((X.shape[0], T, cfg[rc.OUTPUTS]))
    grad = np.zeros_like(theta)
    Wy, by = rc.wy(theta, cfg), rc.by(theta, cfg)
    for s in range(X.shape[0]):
        for l in range(L):
            h[s, l, 0] = rc.initial(theta, cfg, l, 0)
        for t in range(T):
            for l in range(L):
                x = X[s, t] if l == 0 else h[s, l - 1, t + 1]
                Wx, Wh, b = rc.wx(theta, cfg, l), rc.wh(theta, cfg, l), rc.bias(theta, cfg, l)
                for j in range(Hn):
                    z[s, l, t, j] = rc.unit_z(Wx, Wh, b, x, h[s, l, t], j)
                    h[s, l, t + 1, j] = rc.activate(z[s, l, t, j], act)
            for k in range(logits.shape[2]):
                logits[s, t, k] = rc.output_z(Wy, by, h[s, L - 1, t + 1], k)
    loss, dy = checks.stepped_loss(cfg, logits, Y)
    gWy, gby = rc.wy(grad, cfg), rc.by(grad, cfg)
    for s in range(X.shape[0]):
        carry = np.zeros((L, Hn))
        below = np.zeros(Hn)
        for t in range(T - 1, -1, -1):
            if rc.cut_before(t, T, cfg[rc.TRUNCATE]):
                carry[:] = 0.0
            for l in range(L - 1, -1, -1):
                dh = np.zeros(Hn)
                if l == L - 1:
                    for k in range(dy.shape[2]):
                        for j in range(Hn):
                            gWy[k, j] += dy[s, t, k] * h[s, l, t + 1, j]
                        gby[k] += dy[s, t, k]
                    for j in range(Hn):
                        dh[j] = carry[l, j] + rc.back_sum(Wy, dy[s, t], j)
                else:
                    dh[:] = carry[l] + below
                x = X[s, t] if l == 0 else h[s, l - 1, t + 1]
                dz = np.array([dh[j] * rc.derivative(z[s, l, t, j], h[s, l, t + 1, j], act) for j in range(Hn)])
                gWx, gWh, gb = rc.wx(grad, cfg, l), rc.wh(grad, cfg, l), rc.bias(grad, cfg, l)
                for j in range(Hn):
                    for i in range(x.shape[0]):
                        gWx[j, i] += dz[j] * x[i]
                    for k in range(Hn):
                        gWh[j, k] += dz[j] * h[s, l, t, k]
                    gb[j] += dz[j]
                Wx, Wh = rc.wx(theta, cfg, l), rc.wh(theta, cfg, l)
                if l > 0:
                    below = np.array([rc.back_sum(Wx, dz, i) for i in range(x.shape[0])])
                carry[l] = [rc.back_sum(Wh, dz, k) for k in range(Hn)]
        for l in range(L):
            rc.initial(grad, cfg, l, 0)[:] += carry[l]
    rc.forget_initial_gradients(grad, cfg)
    return z, h, logits, loss, grad


@pytest.mark.parametrize("options", [{}, {"layers": 2, "truncate": 2, "learn_h0": True, "loss": "softmax_ce",
                                          "activation": "relu"}], ids=["one layer", "two layers, all options"])
def test_op_by_op_path_equals_the_batch_kernels_bit_for_bit(options):
    cfg, theta, X, Y = checks.case(CELL, **options)
    ws = net.workspace(cfg, X.shape[0], X.shape[1])
    grad = np.zeros_like(theta)
    loss = net.gradients(theta, grad, cfg, X, Y, *ws, np.zeros((cfg[rc.LAYERS], X.shape[1])))
    _, z, h, logits, _, _ = ws   # feature-major: the samples last
    s_z, s_h, s_logits, s_loss, s_grad = _op_by_op(cfg, theta, X, Y)
    assert np.array_equal(z.transpose(3, 0, 1, 2), s_z) and np.array_equal(h.transpose(3, 0, 1, 2), s_h)
    assert np.array_equal(logits.transpose(2, 0, 1), s_logits)
    assert loss == s_loss
    assert np.array_equal(grad, s_grad)


def test_one_sequence_at_a_time_gives_the_batch_gradient_bit_for_bit():
    """The batch kernels run on one sequence at a time (a batch of one, as a stepped sample is) add
    up to the batch's gradient to the last bit, and to its loss."""
    cfg, theta, X, Y = checks.case(CELL, layers=2, truncate=2, learn_h0=True, loss="softmax_ce")
    loss, grad, _ = checks.kernel_gradients(net, cfg, theta, X, Y)
    total, summed = 0.0, np.zeros_like(theta)
    for s in range(X.shape[0]):
        xT, z, h, logits, dy, dz = net.workspace(cfg, 1, X.shape[1])
        rc.to_features(X[s:s + 1], xT)
        net.forward(theta, cfg, xT, z, h, logits)
        total += rc.output_deltas(cfg, logits, Y[s:s + 1], dy, X.shape[0])
        carry = np.empty((cfg[rc.LAYERS], cfg[rc.HIDDEN], 1))
        net.backward_deltas(theta, cfg, z, h, dy, dz, np.zeros((cfg[rc.LAYERS], X.shape[1])), carry)
        rc.accumulate_gradients(summed, cfg, X[s:s + 1], h, dy, dz, carry, carry)
    rc.forget_initial_gradients(summed, cfg)
    assert np.array_equal(summed, grad)
    assert np.isclose(total, loss, rtol=1e-14)
