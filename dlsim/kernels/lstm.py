"""The LSTM's compiled kernels: gates f, i, g, o from W_x x_t + W_h h_{t−1} + b; the cell
c_t = f⊙c_{t−1} + i⊙g, h_t = o⊙tanh(c_t); output ŷ_t = W_y h_t + b_y; one or two stacked layers;
BPTT (whole or truncated), clipping by global norm, SGD / momentum / Adam.

Layout and configuration: dlsim.kernels.recurrent (cfg with CELL: the 4H rows of W_x, W_h and b are
the f, i, g, o gates, H rows each; two states per layer, h and c). Inputs X (B, T, F), targets
Y (B, T, O) or (B, 1, O). Work arrays (`workspace`), feature-major, the samples innermost:
    xT (T, F, B), a (L, T, 4H, B) gate values after their activation, c (L, T+1, H, B) cells
    (c[l, 0] = c₀), tc (L, T, H, B) = tanh(c_t), h (L, T+1, H, B) states (h[l, 0] = h₀),
    logits and dy (T, O, B), da (L, T, 4H, B) the gates' δ before their activation;
    dh_norms (L, T) = ‖∂loss/∂h_t‖ over the batch.

As in rnn.py, every number is computed as a scalar helper computes it (`unit_z` for a gate row's
weighted sum, `gate_activate`, `cell`, `gate_deltas`, `back_sum`), for the whole batch at once, so
the op-level stepped path that calls the helpers writes the same bits.
"""
import numpy as np

from dlsim.kernels.activations import tanh, tanh_into
from dlsim.kernels.jit import glue, inline, kernel
from dlsim.kernels.recurrent import (FEATURES, HIDDEN, LAYERS, OUTPUTS, TRUNCATE, accumulate_gradients,
                                     add_norms, back_block, bias, by, clip_and_update, cut_before,
                                     forget_initial_gradients, initial, output_deltas, sum_block,
                                     to_features, train_epochs_with, transposed, wh, wx, wy)

CELL = {"gates": 4, "states": 2}   # recurrent.config's cell shape: rows f, i, g, o per unit; h and c
F_GATE, I_GATE, G_GATE, O_GATE = 0, 1, 2, 3
GATES = ("f", "i", "g", "o")


@inline
def gate_activate(pre, gate):
    """g is a tanh (the candidate value); f, i and o are sigmoids (how far each gate is open),
    σ(a) = (1 + tanh(a/2))/2, so that all four use dlsim's vectorisable tanh."""
    if gate == G_GATE:
        return tanh(pre)
    return 0.5 + 0.5 * tanh(0.5 * pre)


@kernel
def gates_block(a, H):
    """a (4H, B) from the gate rows' weighted sums to their values, each as gate_activate does it."""
    for r in range(a.shape[0]):
        row = a[r]
        if r // H == G_GATE:
            tanh_into(row, row)
        else:
            for s in range(row.shape[0]):
                row[s] = 0.5 * row[s]
            tanh_into(row, row)
            for s in range(row.shape[0]):
                row[s] = 0.5 + 0.5 * row[s]


@inline
def cell(f, c_prev, i, g):
    """c_t = f·c_{t−1} + i·g for one unit."""
    return f * c_prev + i * g


@kernel
def forward_block(theta, cfg, l, xT, hT_prev, cT_prev, a, c, tc, h):
    """Layer l at one time step for a batch: every gate row's value into a (4H, B), then each unit's
    cell c, tanh(c) and h = o·tanh(c) (H, B)."""
    H = h.shape[0]
    sum_block(wx(theta, cfg, l), wh(theta, cfg, l), bias(theta, cfg, l), xT, hT_prev, a)
    gates_block(a, H)
    for j in range(H):
        for s in range(h.shape[1]):
            c[j, s] = cell(a[j, s], cT_prev[j, s], a[H + j, s], a[2 * H + j, s])
    tanh_into(c.reshape(c.size), tc.reshape(tc.size))
    for j in range(H):
        for s in range(h.shape[1]):
            h[j, s] = a[3 * H + j, s] * tc[j, s]


@kernel
def output_block(theta, cfg, hT, logits):
    """logits (O, B) = W_y h + b_y, each as recurrent.output_z."""
    Wy = wy(theta, cfg)
    sum_block(Wy, Wy, by(theta, cfg), hT, hT[:0], logits)


@kernel
def forward(theta, cfg, xT, a, c, tc, h, logits):
    """The batch forward through all steps and layers."""
    L = cfg[LAYERS]
    for l in range(L):
        h0, c0 = initial(theta, cfg, l, 0), initial(theta, cfg, l, 1)
        for j in range(h0.shape[0]):
            h[l, 0, j, :] = h0[j]
            c[l, 0, j, :] = c0[j]
    for t in range(xT.shape[0]):
        for l in range(L):
            x = xT[t] if l == 0 else h[l - 1, t + 1]
            forward_block(theta, cfg, l, x, h[l, t], c[l, t], a[l, t], c[l, t + 1], tc[l, t], h[l, t + 1])
        output_block(theta, cfg, h[L - 1, t + 1], logits[t])


@inline
def unit_deltas(f, i, g, o, c_prev, tc, dh, dc):
    """One unit's BPTT step: from dh = ∂L/∂h_t and dc (what flows back into c_t from step t+1), the
    four gates' δ (before their activation) and ∂L/∂c_{t−1}."""
    dct = dc + dh * o * (1.0 - tc * tc)
    return (dct * c_prev * f * (1.0 - f), dct * g * i * (1.0 - i), dct * i * (1.0 - g * g),
            dh * tc * o * (1.0 - o), dct * f)


@inline
def gate_deltas(a, c_prev, tc, dh, dc, da, j):
    """unit_deltas for unit j of one sample: a (4H,), c_prev, tc, dh, dc (H,); the gates' δ into
    da, dc[j] ← ∂L/∂c_{t−1}[j]."""
    H = tc.shape[0]
    da[j], da[H + j], da[2 * H + j], da[3 * H + j], dc[j] = unit_deltas(
        a[j], a[H + j], a[2 * H + j], a[3 * H + j], c_prev[j], tc[j], dh[j], dc[j])


@kernel
def _deltas_block(a, c_prev, tc, dh, dc, da):
    H = tc.shape[0]
    for j in range(H):
        for s in range(tc.shape[1]):
            da[j, s], da[H + j, s], da[2 * H + j, s], da[3 * H + j, s], dc[j, s] = unit_deltas(
                a[j, s], a[H + j, s], a[2 * H + j, s], a[3 * H + j, s], c_prev[j, s], tc[j, s], dh[j, s],
                dc[j, s])


@kernel
def backward_deltas(theta, cfg, a, c, tc, dy, da, dh_norms, carry_h, carry_c):
    """BPTT's recursion for the batch, t = T−1 down to 0: every gate's δ into da (L, T, 4H, B) and
    dh_norms (L, T) += the squares of ∂loss/∂h_t; on return carry_h, carry_c (L, H, B) hold ∂loss/∂h₀
    and ∂loss/∂c₀. Both carries are zeroed at a truncation cut."""
    L, T, H, B = tc.shape
    carry_h[:] = 0.0
    carry_c[:] = 0.0
    dh, below = np.empty((H, B)), np.empty((H, B))
    WyT = transposed(wy(theta, cfg))
    WxT = [transposed(wx(theta, cfg, l)) for l in range(L)]
    WhT = [transposed(wh(theta, cfg, l)) for l in range(L)]
    for t in range(T - 1, -1, -1):
        if cut_before(t, T, cfg[TRUNCATE]):
            carry_h[:] = 0.0
            carry_c[:] = 0.0
        for l in range(L - 1, -1, -1):
            if l == L - 1:
                back_block(WyT, dy[t], dh)
                dh[:, :] = carry_h[l] + dh
            else:
                dh[:, :] = carry_h[l] + below
            add_norms(dh, dh_norms, l, t)
            _deltas_block(a[l, t], c[l, t], tc[l, t], dh, carry_c[l], da[l, t])
            if l > 0:
                back_block(WxT[l], da[l, t], below)
            back_block(WhT[l], da[l, t], carry_h[l])


@kernel
def workspace(cfg, batch, steps):
    """xT, a, c, tc, h, logits, dy, da for a batch of `batch` sequences of `steps` steps."""
    F, L, H, O = cfg[FEATURES], cfg[LAYERS], cfg[HIDDEN], cfg[OUTPUTS]
    return (np.empty((steps, F, batch)), np.empty((L, steps, 4 * H, batch)),
            np.empty((L, steps + 1, H, batch)), np.empty((L, steps, H, batch)),
            np.empty((L, steps + 1, H, batch)), np.empty((steps, O, batch)), np.empty((steps, O, batch)),
            np.empty((L, steps, 4 * H, batch)))


@kernel
def gradients(theta, grad, cfg, X, Y, xT, a, c, tc, h, logits, dy, da, dh_norms):
    """grad = ∂loss/∂theta for the batch (X, Y) (h₀'s and c₀'s only when learned), dh_norms (L, T)
    the norm of ∂loss/∂h_t over the batch; returns the loss. xT … da: a workspace of this batch's size."""
    to_features(X, xT)
    forward(theta, cfg, xT, a, c, tc, h, logits)
    loss = output_deltas(cfg, logits, Y, dy, X.shape[0])
    dh_norms[:] = 0.0
    L, H, B = cfg[LAYERS], cfg[HIDDEN], X.shape[0]
    carry_h, carry_c = np.empty((L, H, B)), np.empty((L, H, B))
    backward_deltas(theta, cfg, a, c, tc, dy, da, dh_norms, carry_h, carry_c)
    grad[:] = 0.0
    accumulate_gradients(grad, cfg, X, h, dy, da, carry_h, carry_c)
    for l in range(L):
        for t in range(dh_norms.shape[1]):
            dh_norms[l, t] = np.sqrt(dh_norms[l, t])
    forget_initial_gradients(grad, cfg)
    return loss


@kernel
def batch_gradients(theta, grad, cfg, X, Y, dh_norms):
    """`gradients` with a workspace of the batch's size: what the model and the training loop call."""
    return gradients(theta, grad, cfg, X, Y, *workspace(cfg, X.shape[0], X.shape[1]), dh_norms)


@glue
def outputs(theta, cfg, X):
    """The logits (B, T, O) of every step for the sequences X (B, T, F)."""
    xT, a, c, tc, h, logits, _, _ = workspace(cfg, X.shape[0], X.shape[1])
    to_features(X, xT)
    forward(theta, cfg, xT, a, c, tc, h, logits)
    return np.ascontiguousarray(logits.transpose(2, 0, 1))


@glue
def unrolled(theta, cfg, X):
    """The forward pass's states for the sequences X (B, T, F), sample-major (what a picture of the
    network unrolled in time shows): h and c (B, L, T+1, H) with h₀ and c₀ at step 0, the gate values
    a (B, L, T, 4H) (rows f, i, g, o, H each), and the logits (B, T, O)."""
    xT, a, c, tc, h, logits, _, _ = workspace(cfg, X.shape[0], X.shape[1])
    to_features(X, xT)
    forward(theta, cfg, xT, a, c, tc, h, logits)
    return (np.ascontiguousarray(h.transpose(3, 0, 1, 2)), np.ascontiguousarray(c.transpose(3, 0, 1, 2)),
            np.ascontiguousarray(a.transpose(3, 0, 1, 2)), np.ascontiguousarray(logits.transpose(2, 0, 1)))


@glue
def train_batch(theta, grad, m, v, step, cfg, hyper, X, Y, dh_norms):
    """One optimizer step (number `step`, counted from 1) on the batch (X, Y). Returns (loss before
    the step, gradient norm before clipping, after clipping)."""
    loss = batch_gradients(theta, grad, cfg, X, Y, dh_norms)
    before, after = clip_and_update(theta, grad, m, v, step, cfg, hyper)
    return loss, before, after


@kernel
def train_epochs(theta, grad, m, v, step, cfg, hyper, X, Y, orders, batch_size, epoch_loss, epoch_norm, dh_norms):
    """len(orders) epochs in place (recurrent.train_epochs_with, this cell's batches). Returns
    (epochs run, optimizer steps taken so far)."""
    return train_epochs_with(batch_gradients, theta, grad, m, v, step, cfg, hyper, X, Y, orders, batch_size,
                             epoch_loss, epoch_norm, dh_norms)
