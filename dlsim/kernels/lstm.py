"""The LSTM's compiled kernels: gates f, i, g, o from W_x x_t + W_h h_{t−1} + b; the cell
c_t = f⊙c_{t−1} + i⊙g, h_t = o⊙tanh(c_t); output ŷ_t = W_y h_t + b_y; one or two stacked layers;
BPTT (whole or truncated), clipping by global norm, SGD / momentum / Adam.

Layout and configuration: dlsim.kernels.recurrent (cfg with GATES = 4; the 4H rows of W_x, W_h and b
are the f, i, g, o gates, H rows each). Work arrays, sample first:
    a (B, L, T, 4H) gate values after their activation, c (B, L, T+1, H) cells (c[:, l, 0] = c₀),
    tc (B, L, T, H) = tanh(c_t), h (B, L, T+1, H) states (h[:, l, 0] = h₀), logits and dy (B, T, O),
    dh_norms (L, T) = ‖∂loss/∂h_t‖ over the batch.

As in rnn.py, each number is one scalar helper (`unit_z` for a gate row's weighted sum, `cell`,
`gate_deltas`, `back_sum`), called by the stepped path and looped over here, so the bits agree.
"""
import math

import numpy as np

from dlsim.kernels.jit import inline, kernel
from dlsim.kernels.optimizers import update_all
from dlsim.kernels.recurrent import (BETA1, BETA2, CLIP, EPS, HIDDEN, LAYERS, LR, MU, OPTIMIZER, OUTPUTS,
                                     TRUNCATE, accumulate_outer, add_squares, back_sum, bias, by,
                                     clip_global, cut_before, forget_initial_gradients, gather, initial,
                                     output_backward, output_deltas, output_z, sigmoid, unit_z, wh, wx, wy)

F_GATE, I_GATE, G_GATE, O_GATE = 0, 1, 2, 3
GATES = ("f", "i", "g", "o")


@inline
def gate_activate(pre, gate):
    """g is a tanh (the candidate value); f, i and o are sigmoids (how far each gate is open)."""
    return math.tanh(pre) if gate == G_GATE else sigmoid(pre)


@inline
def cell(f, c_prev, i, g):
    """c_t = f·c_{t−1} + i·g for one unit."""
    return f * c_prev + i * g


@kernel
def forward_step(theta, cfg, l, x, h_prev, c_prev, a, c, tc, h):
    """Layer l at one time step of one sample: every gate row's value into a (4H,), then each unit's
    cell c, tanh(c) and h = o·tanh(c)."""
    Wx, Wh, b = wx(theta, cfg, l), wh(theta, cfg, l), bias(theta, cfg, l)
    H = h.shape[0]
    for r in range(a.shape[0]):
        a[r] = gate_activate(unit_z(Wx, Wh, b, x, h_prev, r), r // H)
    for j in range(H):
        c[j] = cell(a[j], c_prev[j], a[H + j], a[2 * H + j])
        tc[j] = math.tanh(c[j])
        h[j] = a[3 * H + j] * tc[j]


@kernel
def forward_sample(theta, cfg, xs, a, c, tc, h, logits):
    """One sequence xs (T, F) forward: a (L, T, 4H), c and h (L, T+1, H), tc (L, T, H), logits (T, O)."""
    L = cfg[LAYERS]
    Wy, b = wy(theta, cfg), by(theta, cfg)
    for l in range(L):
        h[l, 0] = initial(theta, cfg, l, 0)
        c[l, 0] = initial(theta, cfg, l, 1)
    for t in range(xs.shape[0]):
        for l in range(L):
            x = xs[t] if l == 0 else h[l - 1, t + 1]
            forward_step(theta, cfg, l, x, h[l, t], c[l, t], a[l, t], c[l, t + 1], tc[l, t], h[l, t + 1])
        for k in range(logits.shape[1]):
            logits[t, k] = output_z(Wy, b, h[L - 1, t + 1], k)


@kernel
def forward(theta, cfg, X, a, c, tc, h, logits):
    """A batch of sequences X (B, T, F) forward."""
    for s in range(X.shape[0]):
        forward_sample(theta, cfg, X[s], a[s], c[s], tc[s], h[s], logits[s])


@inline
def gate_deltas(a, c_prev, tc, dh, dc, da, j):
    """Unit j's share of BPTT at one step: from dh_j = ∂L/∂h_t[j] and dc_j (what flows back into
    c_t from step t+1), every gate's δ (before its activation) into da, and dc_j ← ∂L/∂c_{t−1}[j]."""
    H = tc.shape[0]
    f, i, g, o = a[j], a[H + j], a[2 * H + j], a[3 * H + j]
    dct = dc[j] + dh[j] * o * (1.0 - tc[j] * tc[j])
    da[j] = dct * c_prev[j] * f * (1.0 - f)
    da[H + j] = dct * g * i * (1.0 - i)
    da[2 * H + j] = dct * i * (1.0 - g * g)
    da[3 * H + j] = dh[j] * tc[j] * o * (1.0 - o)
    dc[j] = dct * f


@kernel
def backward_step(theta, grad, cfg, l, x, h_prev, c_prev, a, tc, dh, dc, da, dx, dh_prev):
    """Layer l at one time step of one sample, backwards: the gates' δ into da (4H,), dc from
    ∂L/∂c_t (carried) to ∂L/∂c_{t−1}; ∂W_x += δ·xᵀ, ∂W_h += δ·h_{t−1}ᵀ, ∂b += δ; dx = W_xᵀδ
    (the layer below's share; may be empty), dh_prev = W_hᵀδ."""
    for j in range(dh.shape[0]):
        gate_deltas(a, c_prev, tc, dh, dc, da, j)
    accumulate_outer(wx(grad, cfg, l), da, x)
    accumulate_outer(wh(grad, cfg, l), da, h_prev)
    gb = bias(grad, cfg, l)
    for r in range(da.shape[0]):
        gb[r] += da[r]
    Wx, Wh = wx(theta, cfg, l), wh(theta, cfg, l)
    for i in range(dx.shape[0]):
        dx[i] = back_sum(Wx, da, i)
    for k in range(dh_prev.shape[0]):
        dh_prev[k] = back_sum(Wh, da, k)


@kernel
def backward_sample(theta, grad, cfg, xs, a, c, tc, h, dy, squares, carry_h, carry_c, dh, da, below):
    """BPTT over one sequence, accumulating into grad; squares (L, T) += Σ_j (∂L/∂h_t[j])².

    carry_h, carry_c (L, H): what flows back from step t+1 into h_t and c_t (zeroed at a truncation
    cut); on return ∂L/∂h₀ and ∂L/∂c₀. dh (L, H), da (4H), below (H) are scratch.
    """
    L, T = cfg[LAYERS], xs.shape[0]
    carry_h[:] = 0.0
    carry_c[:] = 0.0
    for t in range(T - 1, -1, -1):
        if cut_before(t, T, cfg[TRUNCATE]):
            carry_h[:] = 0.0
            carry_c[:] = 0.0
        for l in range(L - 1, -1, -1):
            if l == L - 1:
                output_backward(theta, grad, cfg, h[l, t + 1], dy[t], carry_h[l], dh[l])
            else:
                for j in range(dh.shape[1]):
                    dh[l, j] = carry_h[l, j] + below[j]
            squares[l, t] += add_squares(dh[l])
            x = xs[t] if l == 0 else h[l - 1, t + 1]
            dx = below[:0] if l == 0 else below
            backward_step(theta, grad, cfg, l, x, h[l, t], c[l, t], a[l, t], tc[l, t], dh[l], carry_c[l], da,
                          dx, carry_h[l])
    for l in range(L):
        gh, gc = initial(grad, cfg, l, 0), initial(grad, cfg, l, 1)
        for j in range(gh.shape[0]):
            gh[j] += carry_h[l, j]
            gc[j] += carry_c[l, j]


@kernel
def workspace(cfg, batch, steps):
    """a, c, tc, h, logits, dy for a batch of `batch` sequences of `steps` steps."""
    L, H, O = cfg[LAYERS], cfg[HIDDEN], cfg[OUTPUTS]
    return (np.empty((batch, L, steps, 4 * H)), np.empty((batch, L, steps + 1, H)),
            np.empty((batch, L, steps, H)), np.empty((batch, L, steps + 1, H)),
            np.empty((batch, steps, O)), np.empty((batch, steps, O)))


@kernel
def gradients(theta, grad, cfg, X, Y, a, c, tc, h, logits, dy, dh_norms):
    """grad = ∂loss/∂theta for the batch (X, Y) (h₀'s and c₀'s only when learned), dh_norms (L, T) the
    norm of ∂loss/∂h_t over the batch; returns the loss. a … dy: a workspace of this batch's size."""
    forward(theta, cfg, X, a, c, tc, h, logits)
    loss = output_deltas(cfg, logits, Y, dy)
    grad[:] = 0.0
    dh_norms[:] = 0.0
    L, H = cfg[LAYERS], cfg[HIDDEN]
    carry_h, carry_c, dh = np.empty((L, H)), np.empty((L, H)), np.empty((L, H))
    da, below = np.empty(4 * H), np.zeros(H)
    for s in range(X.shape[0]):
        backward_sample(theta, grad, cfg, X[s], a[s], c[s], tc[s], h[s], dy[s], dh_norms, carry_h, carry_c,
                        dh, da, below)
    for l in range(L):
        for t in range(dh_norms.shape[1]):
            dh_norms[l, t] = np.sqrt(dh_norms[l, t])
    forget_initial_gradients(grad, cfg)
    return loss


@kernel
def _update(theta, grad, m, v, step, cfg, hyper):
    before, after = clip_global(grad, hyper[CLIP])
    update_all(theta, grad, m, v, cfg[OPTIMIZER], hyper[LR], hyper[MU], hyper[BETA1], hyper[BETA2],
               hyper[EPS], step)
    return before, after


@kernel
def train_batch(theta, grad, m, v, step, cfg, hyper, X, Y, dh_norms):
    """One optimizer step (number `step`, counted from 1) on the batch (X, Y). Returns (loss before
    the step, gradient norm before clipping, after clipping)."""
    a, c, tc, h, logits, dy = workspace(cfg, X.shape[0], X.shape[1])
    loss = gradients(theta, grad, cfg, X, Y, a, c, tc, h, logits, dy, dh_norms)
    before, after = _update(theta, grad, m, v, step, cfg, hyper)
    return loss, before, after


@kernel
def train_epochs(theta, grad, m, v, step, cfg, hyper, X, Y, orders, batch_size, epoch_loss, epoch_norm,
                 dh_norms):
    """len(orders) epochs in place, as rnn.train_epochs. Returns (epochs run, optimizer steps so far)."""
    n = X.shape[0]
    width = min(batch_size, n)
    a, c, tc, h, logits, dy = workspace(cfg, width, X.shape[1])
    Xb, Yb = np.empty((width,) + X.shape[1:]), np.empty((width,) + Y.shape[1:])
    for e in range(orders.shape[0]):
        total, norms, batches = 0.0, 0.0, 0
        for start in range(0, n, batch_size):
            idx = orders[e, start:min(start + batch_size, n)]
            b = idx.shape[0]
            gather(X, Y, idx, Xb, Yb)
            loss = gradients(theta, grad, cfg, Xb[:b], Yb[:b], a[:b], c[:b], tc[:b], h[:b], logits[:b], dy[:b],
                             dh_norms)
            step += 1
            before, _ = _update(theta, grad, m, v, step, cfg, hyper)
            total += loss * b
            norms += before
            batches += 1
        epoch_loss[e] = total / n
        epoch_norm[e] = norms / batches
        if not np.isfinite(epoch_loss[e]):
            return e + 1, step
    return orders.shape[0], step
