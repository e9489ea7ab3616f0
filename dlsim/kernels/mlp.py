"""The MLP's compiled training path: whole batches and whole epochs in one call.

Parameters live in one flat buffer `theta` (P,): layer l's W (sizes[l], sizes[l+1]) then its b, for
l = 0, 1, ... Gradients and optimizer state are flat buffers of the same layout. Inside a batch each
layer's activations sit in their own contiguous block of a flat (B·U,) buffer, U = Σ sizes, so the
dense loops run over contiguous rows; `forward` and `backward` also accept (B, U) buffers for callers.
"""
import math

import numpy as np
from numba import njit

from dlsim.kernels.activations import activate_rows, derivative
from dlsim.kernels.dense import dense_backward, dense_forward
from dlsim.kernels.losses import output_delta, sample_loss
from dlsim.kernels.optimizers import update_all


@njit(cache=True, nogil=True)
def param_offsets(sizes):
    """Start of each layer's W and b inside theta, and the total parameter count."""
    n = sizes.shape[0] - 1
    w_off = np.empty(n, np.int64)
    b_off = np.empty(n, np.int64)
    off = 0
    for l in range(n):
        w_off[l] = off
        off += sizes[l] * sizes[l + 1]
        b_off[l] = off
        off += sizes[l + 1]
    return w_off, b_off, off


@njit(cache=True, nogil=True)
def unit_offsets(sizes):
    u = np.empty(sizes.shape[0] + 1, np.int64)
    u[0] = 0
    for l in range(sizes.shape[0]):
        u[l + 1] = u[l] + sizes[l]
    return u


@njit(cache=True, nogil=True)
def _weights(theta, sizes, w_off, l):
    return theta[w_off[l]:w_off[l] + sizes[l] * sizes[l + 1]].reshape((sizes[l], sizes[l + 1]))


@njit(cache=True, nogil=True)
def _block(buf, sizes, u, batch, l):
    """Layer l's (B, sizes[l]) block of a flat activation buffer (layer 0 is the input)."""
    return buf[batch * u[l]:batch * u[l + 1]].reshape((batch, sizes[l]))


@njit(cache=True, nogil=True)
def _forward_blocks(theta, sizes, acts, X, z, a):
    w_off, b_off, _ = param_offsets(sizes)
    u = unit_offsets(sizes)
    batch = X.shape[0]
    _block(a, sizes, u, batch, 0)[:, :] = X
    for l in range(sizes.shape[0] - 1):
        b = theta[b_off[l]:b_off[l] + sizes[l + 1]]
        z_l = _block(z, sizes, u, batch, l + 1)
        dense_forward(_block(a, sizes, u, batch, l), _weights(theta, sizes, w_off, l), b, z_l)
        activate_rows(z_l, acts[l], _block(a, sizes, u, batch, l + 1))


@njit(cache=True, nogil=True)
def _backward_blocks(theta, grad, sizes, acts, loss_kind, Y, z, a, d):
    w_off, b_off, _ = param_offsets(sizes)
    u = unit_offsets(sizes)
    n_layers = sizes.shape[0] - 1
    batch = Y.shape[0]
    scale = 1.0 / batch
    a_out = _block(a, sizes, u, batch, n_layers)
    z_out = _block(z, sizes, u, batch, n_layers)
    d_out = _block(d, sizes, u, batch, n_layers)
    loss = 0.0
    for s in range(batch):
        loss += sample_loss(a_out[s], Y[s], loss_kind, scale)
        for k in range(sizes[n_layers]):
            d_out[s, k] = output_delta(z_out[s], a_out[s], Y[s], loss_kind, acts[n_layers - 1], scale, k)
    for l in range(n_layers - 1, -1, -1):
        n_in, n_out = sizes[l], sizes[l + 1]
        dW = grad[w_off[l]:w_off[l] + n_in * n_out].reshape((n_in, n_out))
        db = grad[b_off[l]:b_off[l] + n_out]
        d_below = _block(d, sizes, u, batch, l)  # receives Σ W·δ, then × f'(z) below
        dense_backward(_block(a, sizes, u, batch, l), _weights(theta, sizes, w_off, l),
                       _block(d, sizes, u, batch, l + 1), dW, db, d_below)
        if l > 0:
            z_l, a_l, kind = _block(z, sizes, u, batch, l), _block(a, sizes, u, batch, l), acts[l - 1]
            for s in range(batch):
                for i in range(n_in):
                    d_below[s, i] = d_below[s, i] * derivative(z_l[s, i], a_l[s, i], kind)
    return loss


@njit(cache=True, nogil=True)
def _to_blocks(M, sizes, u, out):
    for l in range(sizes.shape[0]):
        _block(out, sizes, u, M.shape[0], l)[:, :] = M[:, u[l]:u[l + 1]]


@njit(cache=True, nogil=True)
def _from_blocks(buf, sizes, u, M):
    for l in range(sizes.shape[0]):
        M[:, u[l]:u[l + 1]] = _block(buf, sizes, u, M.shape[0], l)


@njit(cache=True, nogil=True)
def forward(theta, sizes, acts, X, Z, A):
    """Fill A (B, U) with every layer's activations (the input first) and Z with pre-activations."""
    u = unit_offsets(sizes)
    z, a = np.zeros(X.shape[0] * u[-1]), np.zeros(X.shape[0] * u[-1])
    _forward_blocks(theta, sizes, acts, X, z, a)
    _from_blocks(z, sizes, u, Z)
    _from_blocks(a, sizes, u, A)


@njit(cache=True, nogil=True)
def backward(theta, grad, sizes, acts, loss_kind, Y, Z, A, D):
    """Accumulate the batch's gradients into grad and return the batch loss (mean over samples).

    D (B, U) receives every δ = ∂L/∂z; Z and A come from `forward` on the same batch.
    """
    u = unit_offsets(sizes)
    n = Y.shape[0] * u[-1]
    z, a, d = np.zeros(n), np.zeros(n), np.zeros(n)
    _to_blocks(Z, sizes, u, z)
    _to_blocks(A, sizes, u, a)
    loss = _backward_blocks(theta, grad, sizes, acts, loss_kind, Y, z, a, d)
    _from_blocks(d, sizes, u, D)
    return loss


@njit(cache=True, nogil=True)
def train_batch(theta, grad, m, v, t, sizes, acts, loss_kind, opt_kind, lr, mu, beta1, beta2, eps,
                Xb, Yb):
    """One optimizer step on one batch; returns the batch loss measured before the step."""
    n = Xb.shape[0] * unit_offsets(sizes)[-1]
    z, a, d = np.empty(n), np.empty(n), np.empty(n)
    grad[:] = 0.0
    _forward_blocks(theta, sizes, acts, Xb, z, a)
    loss = _backward_blocks(theta, grad, sizes, acts, loss_kind, Yb, z, a, d)
    update_all(theta, grad, m, v, opt_kind, lr, mu, beta1, beta2, eps, t)
    return loss


@njit(cache=True, nogil=True)
def train_epochs(theta, grad, m, v, t, sizes, acts, loss_kind, opt_kind, lr, mu, beta1, beta2, eps,
                 X, Y, orders, batch_size, epoch_losses):
    """Train len(orders) epochs; orders (E, N) gives each epoch's sample order.

    Stops early after an epoch whose loss is not finite. Returns (epochs run, optimizer steps taken).
    """
    n = X.shape[0]
    for e in range(orders.shape[0]):
        total = 0.0
        for start in range(0, n, batch_size):
            idx = orders[e, start:min(start + batch_size, n)]
            t += 1
            loss = train_batch(theta, grad, m, v, t, sizes, acts, loss_kind, opt_kind, lr, mu,
                               beta1, beta2, eps, X[idx], Y[idx])
            total += loss * idx.shape[0]
        epoch_losses[e] = total / n
        if not math.isfinite(epoch_losses[e]):
            return e + 1, t
    return orders.shape[0], t
