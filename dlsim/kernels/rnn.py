"""The Elman RNN's compiled kernels: h_t = f(W_x x_t + W_h h_{t−1} + b), ŷ_t = W_y h_t + b_y, one or
two stacked layers, trained by backpropagation through time (whole or truncated), clipped by global
norm, updated by SGD, momentum or Adam.

Layout and configuration: dlsim.kernels.recurrent (cfg with GATES = 1). Work arrays, sample first:
    z (B, L, T, H) pre-activations, h (B, L, T+1, H) states (h[:, l, 0] is layer l's h₀),
    logits (B, T, O), dy (B, T, O) = ∂loss/∂logits, dh_norms (L, T) = ‖∂loss/∂h_t‖ over the batch.

The kernels nest: a batch loops over samples, a sample over time steps, a time step over layers, a
layer over units, and each unit's number is one scalar helper (`unit_z`, `back_sum`, …). The op-level
stepped path calls the same functions at the level it stops at, so every path writes the same bits.
Gradients accumulate sample by sample, and within a sample from t = T−1 down to 0.
"""
import numpy as np

from dlsim.kernels.jit import kernel
from dlsim.kernels.optimizers import update_all
from dlsim.kernels.recurrent import (ACT, BETA1, BETA2, CLIP, EPS, HIDDEN, LAYERS, LR, MU, OPTIMIZER,
                                     OUTPUTS, TRUNCATE, accumulate_outer, activate, add_squares, back_sum,
                                     bias, clip_global, cut_before, derivative, forget_initial_gradients,
                                     gather, initial, output_backward, output_deltas, output_z, unit_z, wh,
                                     wx, wy, by)


@kernel
def forward_step(theta, cfg, l, x, h_prev, z, h):
    """Layer l at one time step of one sample: z_j and h_j = f(z_j) for every unit j."""
    Wx, Wh, b = wx(theta, cfg, l), wh(theta, cfg, l), bias(theta, cfg, l)
    for j in range(z.shape[0]):
        z[j] = unit_z(Wx, Wh, b, x, h_prev, j)
        h[j] = activate(z[j], cfg[ACT])


@kernel
def forward_sample(theta, cfg, xs, z, h, logits):
    """One sequence xs (T, F) forward: z (L, T, H), h (L, T+1, H), logits (T, O)."""
    L = cfg[LAYERS]
    Wy, b = wy(theta, cfg), by(theta, cfg)
    for l in range(L):
        h[l, 0] = initial(theta, cfg, l, 0)
    for t in range(xs.shape[0]):
        for l in range(L):
            x = xs[t] if l == 0 else h[l - 1, t + 1]
            forward_step(theta, cfg, l, x, h[l, t], z[l, t], h[l, t + 1])
        for k in range(logits.shape[1]):
            logits[t, k] = output_z(Wy, b, h[L - 1, t + 1], k)


@kernel
def forward(theta, cfg, X, z, h, logits):
    """A batch of sequences X (B, T, F) forward."""
    for s in range(X.shape[0]):
        forward_sample(theta, cfg, X[s], z[s], h[s], logits[s])


@kernel
def backward_step(theta, grad, cfg, l, x, h_prev, z, h, dh, dz, dx, dh_prev):
    """Layer l at one time step of one sample, backwards, from dh = ∂L/∂h_t: δ = dh·f'(z) into dz,
    ∂W_x += δ·xᵀ, ∂W_h += δ·h_{t−1}ᵀ, ∂b += δ; dx = W_xᵀδ (the layer below's share; dx may be
    empty) and dh_prev = W_hᵀδ (what flows on to step t−1)."""
    act = cfg[ACT]
    for j in range(dz.shape[0]):
        dz[j] = dh[j] * derivative(z[j], h[j], act)
    accumulate_outer(wx(grad, cfg, l), dz, x)
    accumulate_outer(wh(grad, cfg, l), dz, h_prev)
    gb = bias(grad, cfg, l)
    for j in range(dz.shape[0]):
        gb[j] += dz[j]
    Wx, Wh = wx(theta, cfg, l), wh(theta, cfg, l)
    for i in range(dx.shape[0]):
        dx[i] = back_sum(Wx, dz, i)
    for k in range(dh_prev.shape[0]):
        dh_prev[k] = back_sum(Wh, dz, k)


@kernel
def backward_sample(theta, grad, cfg, xs, z, h, dy, squares, carry, dh, dz, below):
    """BPTT over one sequence, accumulating into grad; squares (L, T) += Σ_j (∂L/∂h_t[j])².

    carry (L, H) holds what flows back from step t+1 into each layer's h_t (zeroed at a truncation
    cut); dh (L, H), dz (H), below (H) are scratch. On return carry holds ∂L/∂h₀.
    """
    L, T = cfg[LAYERS], xs.shape[0]
    carry[:] = 0.0
    for t in range(T - 1, -1, -1):
        if cut_before(t, T, cfg[TRUNCATE]):
            carry[:] = 0.0
        for l in range(L - 1, -1, -1):
            if l == L - 1:
                output_backward(theta, grad, cfg, h[l, t + 1], dy[t], carry[l], dh[l])
            else:
                for j in range(dh.shape[1]):
                    dh[l, j] = carry[l, j] + below[j]
            squares[l, t] += add_squares(dh[l])
            x = xs[t] if l == 0 else h[l - 1, t + 1]
            dx = below[:0] if l == 0 else below
            backward_step(theta, grad, cfg, l, x, h[l, t], z[l, t], h[l, t + 1], dh[l], dz, dx, carry[l])
    for l in range(L):
        g0 = initial(grad, cfg, l, 0)
        for j in range(g0.shape[0]):
            g0[j] += carry[l, j]


@kernel
def workspace(cfg, batch, steps):
    """z, h, logits, dy for a batch of `batch` sequences of `steps` steps."""
    L, H, O = cfg[LAYERS], cfg[HIDDEN], cfg[OUTPUTS]
    return (np.empty((batch, L, steps, H)), np.empty((batch, L, steps + 1, H)),
            np.empty((batch, steps, O)), np.empty((batch, steps, O)))


@kernel
def gradients(theta, grad, cfg, X, Y, z, h, logits, dy, dh_norms):
    """grad = ∂loss/∂theta for the batch (X, Y) (h₀'s only when learned), dh_norms (L, T) the norm
    of ∂loss/∂h_t over the batch; returns the loss. z, h, logits, dy: a workspace of this batch's size."""
    forward(theta, cfg, X, z, h, logits)
    loss = output_deltas(cfg, logits, Y, dy)
    grad[:] = 0.0
    dh_norms[:] = 0.0
    L, H = cfg[LAYERS], cfg[HIDDEN]
    carry, dh, dz, below = np.empty((L, H)), np.empty((L, H)), np.empty(H), np.zeros(H)
    for s in range(X.shape[0]):
        backward_sample(theta, grad, cfg, X[s], z[s], h[s], dy[s], dh_norms, carry, dh, dz, below)
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
    """One optimizer step (number `step`, counted from 1) on the batch (X, Y): gradients, clipping,
    update. Returns (loss before the step, gradient norm before clipping, after clipping)."""
    z, h, logits, dy = workspace(cfg, X.shape[0], X.shape[1])
    loss = gradients(theta, grad, cfg, X, Y, z, h, logits, dy, dh_norms)
    before, after = _update(theta, grad, m, v, step, cfg, hyper)
    return loss, before, after


@kernel
def train_epochs(theta, grad, m, v, step, cfg, hyper, X, Y, orders, batch_size, epoch_loss, epoch_norm,
                 dh_norms):
    """len(orders) epochs in place; orders (E, N) gives each epoch's sample order. epoch_loss[e] is the
    mean batch loss (weighted by batch size), epoch_norm[e] the mean gradient norm before clipping,
    dh_norms the last batch's ‖δh_t‖. Stops after an epoch whose loss is not finite.
    Returns (epochs run, optimizer steps taken so far, counting from `step`)."""
    n = X.shape[0]
    width = min(batch_size, n)
    z, h, logits, dy = workspace(cfg, width, X.shape[1])
    Xb, Yb = np.empty((width,) + X.shape[1:]), np.empty((width,) + Y.shape[1:])
    for e in range(orders.shape[0]):
        total, norms, batches = 0.0, 0.0, 0
        for start in range(0, n, batch_size):
            idx = orders[e, start:min(start + batch_size, n)]
            b = idx.shape[0]
            gather(X, Y, idx, Xb, Yb)
            loss = gradients(theta, grad, cfg, Xb[:b], Yb[:b], z[:b], h[:b], logits[:b], dy[:b], dh_norms)
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
