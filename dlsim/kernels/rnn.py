"""The Elman RNN's compiled kernels: h_t = f(W_x x_t + W_h h_{t−1} + b), ŷ_t = W_y h_t + b_y, one or
two stacked layers, trained by backpropagation through time (whole or truncated), clipped by global
norm, updated by SGD, momentum or Adam.

Layout and configuration: dlsim.kernels.recurrent (cfg with CELL: one row per unit, one state h).
Inputs X (B, T, F), targets Y (B, T, O) or (B, 1, O). Work arrays (`workspace`), feature-major, the
samples innermost:
    xT (T, F, B), z (L, T, H, B) pre-activations, h (L, T+1, H, B) states (h[l, 0] is layer l's h₀),
    logits (T, O, B), dy (T, O, B) = ∂loss/∂logits, dz (L, T, H, B) = δ = ∂loss/∂z;
    dh_norms (L, T) = ‖∂loss/∂h_t‖ over the batch.

Every number is the sum a scalar helper of recurrent.py (`unit_z`, `back_sum`, …) computes, in its
order, done for the whole batch at once; a single sequence is a batch of one. The op-level stepped
path calls the scalar helpers, so every path writes the same bits.
"""
import numpy as np

from dlsim.kernels.jit import glue, kernel
from dlsim.kernels.recurrent import (ACT, FEATURES, HIDDEN, LAYERS, OUTPUTS, TRUNCATE,
                                     accumulate_gradients, activate_block, add_norms, back_block, bias,
                                     by, clip_and_update, cut_before, derivative,
                                     forget_initial_gradients, initial, output_deltas, sum_block,
                                     to_features, train_epochs_with, transposed, wh, wx, wy)

CELL = {"gates": 1, "states": 1}   # recurrent.config's cell shape: a row per unit, the state h


@kernel
def forward_block(theta, cfg, l, xT, hT_prev, z, h):
    """Layer l at one time step for a batch: xT (in, B), hT_prev (H, B) → z, h (H, B)."""
    sum_block(wx(theta, cfg, l), wh(theta, cfg, l), bias(theta, cfg, l), xT, hT_prev, z)
    activate_block(z, h, cfg[ACT])


@kernel
def output_block(theta, cfg, hT, logits):
    """logits (O, B) = W_y h + b_y, each as recurrent.output_z."""
    Wy = wy(theta, cfg)
    sum_block(Wy, Wy, by(theta, cfg), hT, hT[:0], logits)


@kernel
def forward(theta, cfg, xT, z, h, logits):
    """The batch forward through all steps and layers."""
    L = cfg[LAYERS]
    for l in range(L):
        h0 = initial(theta, cfg, l, 0)
        for j in range(h0.shape[0]):
            h[l, 0, j, :] = h0[j]
    for t in range(xT.shape[0]):
        for l in range(L):
            x = xT[t] if l == 0 else h[l - 1, t + 1]
            forward_block(theta, cfg, l, x, h[l, t], z[l, t], h[l, t + 1])
        output_block(theta, cfg, h[L - 1, t + 1], logits[t])


@kernel
def _deltas(cfg, z, h, dh, dz):
    act = cfg[ACT]
    for j in range(dz.shape[0]):
        for s in range(dz.shape[1]):
            dz[j, s] = dh[j, s] * derivative(z[j, s], h[j, s], act)


@kernel
def backward_deltas(theta, cfg, z, h, dy, dz, dh_norms, carry):
    """BPTT's recursion for the batch, t = T−1 down to 0: every δ into dz (L, T, H, B) and
    dh_norms (L, T) += the squares of ∂loss/∂h_t; on return carry (L, H, B) holds ∂loss/∂h₀.

    Top layer: ∂L/∂h_t = carry + W_yᵀ·δy_t; below it: carry + W_xᵀ·δ of the layer above. The carry
    from step t+1 is W_hᵀ·δ_{t+1}, zeroed at a truncation cut.
    """
    L, T, H, B = z.shape
    carry[:] = 0.0
    dh, below = np.empty((H, B)), np.empty((H, B))
    WyT = transposed(wy(theta, cfg))
    WxT = [transposed(wx(theta, cfg, l)) for l in range(L)]
    WhT = [transposed(wh(theta, cfg, l)) for l in range(L)]
    for t in range(T - 1, -1, -1):
        if cut_before(t, T, cfg[TRUNCATE]):
            carry[:] = 0.0
        for l in range(L - 1, -1, -1):
            if l == L - 1:
                back_block(WyT, dy[t], dh)
                dh[:, :] = carry[l] + dh
            else:
                dh[:, :] = carry[l] + below
            add_norms(dh, dh_norms, l, t)
            _deltas(cfg, z[l, t], h[l, t + 1], dh, dz[l, t])
            if l > 0:
                back_block(WxT[l], dz[l, t], below)
            back_block(WhT[l], dz[l, t], carry[l])


@kernel
def workspace(cfg, batch, steps):
    """xT, z, h, logits, dy, dz for a batch of `batch` sequences of `steps` steps."""
    F, L, H, O = cfg[FEATURES], cfg[LAYERS], cfg[HIDDEN], cfg[OUTPUTS]
    return (np.empty((steps, F, batch)), np.empty((L, steps, H, batch)), np.empty((L, steps + 1, H, batch)),
            np.empty((steps, O, batch)), np.empty((steps, O, batch)), np.empty((L, steps, H, batch)))


@kernel
def gradients(theta, grad, cfg, X, Y, xT, z, h, logits, dy, dz, dh_norms):
    """grad = ∂loss/∂theta for the batch (X, Y) (h₀'s only when learned), dh_norms (L, T) the norm
    of ∂loss/∂h_t over the batch; returns the loss. xT … dz: a workspace of this batch's size."""
    to_features(X, xT)
    forward(theta, cfg, xT, z, h, logits)
    loss = output_deltas(cfg, logits, Y, dy, X.shape[0])
    dh_norms[:] = 0.0
    carry = np.empty((cfg[LAYERS], cfg[HIDDEN], X.shape[0]))
    backward_deltas(theta, cfg, z, h, dy, dz, dh_norms, carry)
    grad[:] = 0.0
    accumulate_gradients(grad, cfg, X, h, dy, dz, carry, carry)
    for l in range(dh_norms.shape[0]):
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
    xT, z, h, logits, _, _ = workspace(cfg, X.shape[0], X.shape[1])
    to_features(X, xT)
    forward(theta, cfg, xT, z, h, logits)
    return np.ascontiguousarray(logits.transpose(2, 0, 1))


@glue
def unrolled(theta, cfg, X):
    """The forward pass's states for the sequences X (B, T, F), sample-major (what a picture of the
    network unrolled in time shows): h (B, L, T+1, H) with h[:, l, 0] = h₀, and the logits (B, T, O)."""
    xT, z, h, logits, _, _ = workspace(cfg, X.shape[0], X.shape[1])
    to_features(X, xT)
    forward(theta, cfg, xT, z, h, logits)
    return np.ascontiguousarray(h.transpose(3, 0, 1, 2)), np.ascontiguousarray(logits.transpose(2, 0, 1))


@glue
def train_batch(theta, grad, m, v, step, cfg, hyper, X, Y, dh_norms):
    """One optimizer step (number `step`, counted from 1) on the batch (X, Y): gradients, clipping,
    update. Returns (loss before the step, gradient norm before clipping, after clipping)."""
    loss = batch_gradients(theta, grad, cfg, X, Y, dh_norms)
    before, after = clip_and_update(theta, grad, m, v, step, cfg, hyper)
    return loss, before, after


@kernel
def train_epochs(theta, grad, m, v, step, cfg, hyper, X, Y, orders, batch_size, epoch_loss, epoch_norm, dh_norms):
    """len(orders) epochs in place (recurrent.train_epochs_with, this cell's batches). Returns
    (epochs run, optimizer steps taken so far)."""
    return train_epochs_with(batch_gradients, theta, grad, m, v, step, cfg, hyper, X, Y, orders, batch_size,
                             epoch_loss, epoch_norm, dh_norms)
