"""The MLP's compiled training path: whole batches and whole epochs in one call.

Parameters live in one flat buffer `theta` (P,): layer l's W (sizes[l], sizes[l+1]) then its b, for
l = 0, 1, ... Gradients and optimizer state are flat buffers of the same layout. Activations of a
batch live in (B, U) buffers where U = Σ sizes; layer l's units start at column unit_offsets[l].
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
def forward(theta, sizes, acts, X, Z, A):
    """Fill A (B, U) with every layer's activations (the input first) and Z with pre-activations."""
    w_off, b_off, _ = param_offsets(sizes)
    u = unit_offsets(sizes)
    A[:, 0:sizes[0]] = X
    for l in range(sizes.shape[0] - 1):
        n_in, n_out = sizes[l], sizes[l + 1]
        W = theta[w_off[l]:w_off[l] + n_in * n_out].reshape((n_in, n_out))
        b = theta[b_off[l]:b_off[l] + n_out]
        z_l = Z[:, u[l + 1]:u[l + 2]]
        dense_forward(A[:, u[l]:u[l + 1]], W, b, z_l)
        activate_rows(z_l, acts[l], A[:, u[l + 1]:u[l + 2]])


@njit(cache=True, nogil=True)
def backward(theta, grad, sizes, acts, loss_kind, Y, Z, A, D):
    """Accumulate the batch's gradients into grad and return the batch loss (mean over samples).

    D (B, U) receives every δ = ∂L/∂z; Z and A come from `forward` on the same batch.
    """
    w_off, b_off, _ = param_offsets(sizes)
    u = unit_offsets(sizes)
    n_layers = sizes.shape[0] - 1
    batch = A.shape[0]
    scale = 1.0 / batch
    out = u[n_layers]
    loss = 0.0
    for s in range(batch):
        a_out = A[s, out:out + sizes[n_layers]]
        z_out = Z[s, out:out + sizes[n_layers]]
        loss += sample_loss(a_out, Y[s], loss_kind, scale)
        for k in range(sizes[n_layers]):
            D[s, out + k] = output_delta(z_out, a_out, Y[s], loss_kind, acts[n_layers - 1], scale, k)
    d_in = np.empty((batch, np.max(sizes)))
    for l in range(n_layers - 1, -1, -1):
        n_in, n_out = sizes[l], sizes[l + 1]
        W = theta[w_off[l]:w_off[l] + n_in * n_out].reshape((n_in, n_out))
        dW = grad[w_off[l]:w_off[l] + n_in * n_out].reshape((n_in, n_out))
        db = grad[b_off[l]:b_off[l] + n_out]
        dense_backward(A[:, u[l]:u[l + 1]], W, D[:, u[l + 1]:u[l + 2]], dW, db, d_in[:, :n_in])
        if l > 0:
            for s in range(batch):
                for i in range(n_in):
                    D[s, u[l] + i] = d_in[s, i] * derivative(Z[s, u[l] + i], A[s, u[l] + i], acts[l - 1])
    return loss


@njit(cache=True, nogil=True)
def train_batch(theta, grad, m, v, t, sizes, acts, loss_kind, opt_kind, lr, mu, beta1, beta2, eps,
                Xb, Yb):
    """One optimizer step on one batch; returns the batch loss measured before the step."""
    units = unit_offsets(sizes)[-1]
    Z = np.zeros((Xb.shape[0], units))
    A = np.zeros((Xb.shape[0], units))
    D = np.zeros((Xb.shape[0], units))
    grad[:] = 0.0
    forward(theta, sizes, acts, Xb, Z, A)
    loss = backward(theta, grad, sizes, acts, loss_kind, Yb, Z, A, D)
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
