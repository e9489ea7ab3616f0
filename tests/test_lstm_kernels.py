"""The LSTM's kernels: against the NumPy reference, against central finite differences for every
parameter and every option, and the op-by-op path (one gate's weighted sum, one cell update, one
unit's gate δs) against the batch kernels bit for bit."""
import numpy as np
import pytest

import recurrent_checks as checks
from dlsim.kernels import activations
from dlsim.kernels import lstm as net
from dlsim.kernels import lstm_reference as ref
from dlsim.kernels import recurrent as rc
from dlsim.kernels import recurrent_reference as common

CELL = net.CELL
OPTIONS = [(n, o) for n, o in checks.OPTIONS.items() if "activation" not in o]   # the LSTM's are fixed


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


def test_gradient_vanishes_back_through_time_with_small_weights():
    checks.check_vanishing(net, CELL)


def test_clipping_reports_the_norm_before_and_after():
    checks.check_clipping(net, ref, CELL)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_training_epochs_match_the_reference(optimizer):
    checks.check_training(net, ref, CELL, optimizer)


def test_fused_epoch_equals_batch_by_batch_bit_for_bit():
    checks.check_fused_equals_batches(net, CELL)


def test_initial_states_have_no_gradient_unless_learned():
    checks.check_initial_state_not_learned_stays_zero(net, CELL)


def test_forget_bias_option_opens_the_forget_gate():
    """Forget bias 1 sets b_f = 1 for every unit of every layer (and nothing else): with zero input
    and state, the forget gate starts at σ(1) ≈ 0.73 instead of σ(0) = 0.5."""
    cfg = rc.config(1, 4, 1, **CELL, layers=2)
    zero, one = (ref.initial_theta(cfg, np.random.default_rng(0), forget_bias=fb) for fb in (0.0, 1.0))
    for l in range(2):
        assert np.all(rc.bias(one, cfg, l)[:4] == 1.0) and np.all(rc.bias(one, cfg, l)[4:] == 0.0)
    assert np.count_nonzero(one - zero) == 8
    xT, a, c, tc, h, logits, _, _ = net.workspace(cfg, 1, 1)
    xT[:] = 0.0
    net.forward(one, cfg, xT, a, c, tc, h, logits)
    assert np.allclose(a[0, 0, :4, 0], 1 / (1 + np.exp(-1.0)), rtol=1e-15)


def test_a_closed_input_gate_and_open_forget_gate_keep_the_cell():
    """f ≈ 1, i ≈ 0: the cell carries c₀ through every step (the LSTM's memory)."""
    cfg = rc.config(1, 1, 1, **CELL, learn_h0=True)
    theta = np.zeros(common.n_params(cfg))
    b = rc.bias(theta, cfg, 0)
    b[0], b[1] = 30.0, -30.0   # forget gate open, input gate shut
    rc.initial(theta, cfg, 0, 1)[0] = 0.8
    xT, a, c, tc, h, logits, _, _ = net.workspace(cfg, 1, 20)
    xT[:] = np.random.default_rng(0).normal(size=xT.shape)
    net.forward(theta, cfg, xT, a, c, tc, h, logits)
    assert np.allclose(c[0, :, 0, 0], 0.8, rtol=1e-10)


def _op_by_op(cfg, theta, X, Y):
    """Forward and backward one number at a time through the scalar helpers, as the stepped model will."""
    L, T, Hn = cfg[rc.LAYERS], X.shape[1], cfg[rc.HIDDEN]
    B = X.shape[0]
    a = np.zeros((B, L, T, 4 * Hn))
    c, h = np.zeros((B, L, T + 1, Hn)), np.zeros((B, L, T + 1, Hn))
    tc = np.zeros((B, L, T, Hn))
    logits = np.zeros((B, T, cfg[rc.OUTPUTS]))
    Wy, by = rc.wy(theta, cfg), rc.by(theta, cfg)
    for s in range(B):
        for l in range(L):
            h[s, l, 0], c[s, l, 0] = rc.initial(theta, cfg, l, 0), rc.initial(theta, cfg, l, 1)
        for t in range(T):
            for l in range(L):
                x = X[s, t] if l == 0 else h[s, l - 1, t + 1]
                Wx, Wh, b = rc.wx(theta, cfg, l), rc.wh(theta, cfg, l), rc.bias(theta, cfg, l)
                for r in range(4 * Hn):
                    a[s, l, t, r] = net.gate_activate(rc.unit_z(Wx, Wh, b, x, h[s, l, t], r), r // Hn)
                g = a[s, l, t]
                for j in range(Hn):
                    c[s, l, t + 1, j] = net.cell(g[j], c[s, l, t, j], g[Hn + j], g[2 * Hn + j])
                    tc[s, l, t, j] = activations.tanh(c[s, l, t + 1, j])
                    h[s, l, t + 1, j] = g[3 * Hn + j] * tc[s, l, t, j]
            for k in range(logits.shape[2]):
                logits[s, t, k] = rc.output_z(Wy, by, h[s, L - 1, t + 1], k)
    loss, dy = checks.stepped_loss(cfg, logits, Y)
    grad = np.zeros_like(theta)
    gWy, gby = rc.wy(grad, cfg), rc.by(grad, cfg)
    for s in range(B):
        carry_h, carry_c, below = np.zeros((L, Hn)), np.zeros((L, Hn)), np.zeros(Hn)
        for t in range(T - 1, -1, -1):
            if rc.cut_before(t, T, cfg[rc.TRUNCATE]):
                carry_h[:], carry_c[:] = 0.0, 0.0
            for l in range(L - 1, -1, -1):
                dh = np.zeros(Hn)
                if l == L - 1:
                    for k in range(dy.shape[2]):
                        for j in range(Hn):
                            gWy[k, j] += dy[s, t, k] * h[s, l, t + 1, j]
                        gby[k] += dy[s, t, k]
                    for j in range(Hn):
                        dh[j] = carry_h[l, j] + rc.back_sum(Wy, dy[s, t], j)
                else:
                    dh[:] = carry_h[l] + below
                da = np.zeros(4 * Hn)
                dc = carry_c[l].copy()
                for j in range(Hn):
                    net.gate_deltas(a[s, l, t], c[s, l, t], tc[s, l, t], dh, dc, da, j)
                carry_c[l] = dc
                x = X[s, t] if l == 0 else h[s, l - 1, t + 1]
                gWx, gWh, gb = rc.wx(grad, cfg, l), rc.wh(grad, cfg, l), rc.bias(grad, cfg, l)
                for r in range(4 * Hn):
                    for i in range(x.shape[0]):
                        gWx[r, i] += da[r] * x[i]
                    for k in range(Hn):
                        gWh[r, k] += da[r] * h[s, l, t, k]
                    gb[r] += da[r]
                Wx, Wh = rc.wx(theta, cfg, l), rc.wh(theta, cfg, l)
                if l > 0:
                    below = np.array([rc.back_sum(Wx, da, i) for i in range(x.shape[0])])
                carry_h[l] = [rc.back_sum(Wh, da, k) for k in range(Hn)]
        for l in range(L):
            rc.initial(grad, cfg, l, 0)[:] += carry_h[l]
            rc.initial(grad, cfg, l, 1)[:] += carry_c[l]
    rc.forget_initial_gradients(grad, cfg)
    return a, c, h, logits, loss, grad


@pytest.mark.parametrize("options", [{}, {"layers": 2, "truncate": 2, "learn_h0": True, "loss": "softmax_ce"}],
                         ids=["one layer", "two layers, all options"])
def test_op_by_op_path_equals_the_batch_kernels_bit_for_bit(options):
    cfg, theta, X, Y = checks.case(CELL, **options)
    ws = net.workspace(cfg, X.shape[0], X.shape[1])
    grad = np.zeros_like(theta)
    loss = net.gradients(theta, grad, cfg, X, Y, *ws, np.zeros((cfg[rc.LAYERS], X.shape[1])))
    _, a, c, _, h, logits, _, _ = ws   # feature-major: the samples last
    s_a, s_c, s_h, s_logits, s_loss, s_grad = _op_by_op(cfg, theta, X, Y)
    for got, want in ((a, s_a), (c, s_c), (h, s_h)):
        assert np.array_equal(got.transpose(3, 0, 1, 2), want)
    assert np.array_equal(logits.transpose(2, 0, 1), s_logits) and loss == s_loss
    assert np.array_equal(grad, s_grad)


def test_one_sequence_at_a_time_gives_the_batch_gradient_bit_for_bit():
    """The batch kernels run on one sequence at a time (a batch of one, as a stepped sample is) add
    up to the batch's gradient to the last bit, and to its loss."""
    cfg, theta, X, Y = checks.case(CELL, layers=2, truncate=2, learn_h0=True, loss="softmax_ce")
    loss, grad, _ = checks.kernel_gradients(net, cfg, theta, X, Y)
    total, summed = 0.0, np.zeros_like(theta)
    L, Hn, T = cfg[rc.LAYERS], cfg[rc.HIDDEN], X.shape[1]
    for s in range(X.shape[0]):
        xT, a, c, tc, h, logits, dy, da = net.workspace(cfg, 1, T)
        rc.to_features(X[s:s + 1], xT)
        net.forward(theta, cfg, xT, a, c, tc, h, logits)
        total += rc.output_deltas(cfg, logits, Y[s:s + 1], dy, X.shape[0])
        carry_h, carry_c = np.empty((L, Hn, 1)), np.empty((L, Hn, 1))
        net.backward_deltas(theta, cfg, a, c, tc, dy, da, np.zeros((L, T)), carry_h, carry_c)
        rc.accumulate_gradients(summed, cfg, X[s:s + 1], h, dy, da, carry_h, carry_c)
    rc.forget_initial_gradients(summed, cfg)
    assert np.array_equal(summed, grad)
    assert np.isclose(total, loss, rtol=1e-14)
