"""The MLP's compiled training path: whole batches and whole epochs in one call.

Parameters live in one flat buffer `theta` (P,): layer l's W (sizes[l], sizes[l+1]) then its b, for
l = 0, 1, ... Gradients and optimizer state are flat buffers of the same layout. Inside a batch each
layer's activations sit feature-major in their own block of a flat (B·U,) buffer, U = Σ sizes;
`forward` and `backward` take (B, U) buffers, sample-major, for callers.

Every number is computed in the same order as the stepwise path's scalar kernels (neuron_z,
backprop_sum, …), only many at once, so a stepped batch and a compiled batch agree to the last bit.
"""
import math

import numpy as np
from dlsim.kernels.jit import glue, inline, kernel

from dlsim.kernels.activations import activate_block, scale_by_derivative
from dlsim.kernels.dense import dense_backward_into, dense_forward_t
from dlsim.kernels.losses import batch_loss, delta, mean_loss  # noqa: F401 (the backend's mlp.mean_loss)
from dlsim.kernels.optimizers import update_all


@inline
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


@inline
def unit_offsets(sizes):
    u = np.empty(sizes.shape[0] + 1, np.int64)
    u[0] = 0
    for l in range(sizes.shape[0]):
        u[l + 1] = u[l] + sizes[l]
    return u


@inline
def _weights(theta, sizes, w_off, l):
    return theta[w_off[l]:w_off[l] + sizes[l] * sizes[l + 1]].reshape((sizes[l], sizes[l + 1]))


@inline
def _block(buf, sizes, u, batch, l):
    """Layer l's block of a flat buffer, feature-major: (sizes[l], B), one row per neuron.

    Rows run over the samples of the batch, so every inner loop below is a long contiguous one that
    the compiler vectorises, while each number is still summed in the stepwise path's order.
    """
    return buf[batch * u[l]:batch * u[l + 1]].reshape((sizes[l], batch))


@kernel
def _forward_blocks(theta, sizes, acts, batch, z, a):
    """Every layer's z and a, from the inputs already in a's first block."""
    w_off, b_off, _ = param_offsets(sizes)
    u = unit_offsets(sizes)
    for l in range(sizes.shape[0] - 1):
        zT = _block(z, sizes, u, batch, l + 1)
        dense_forward_t(_block(a, sizes, u, batch, l), _weights(theta, sizes, w_off, l),
                        theta[b_off[l]:b_off[l] + sizes[l + 1]], zT)
        activate_block(zT, acts[l], _block(a, sizes, u, batch, l + 1))


@kernel
def _output_deltas(zT, aT, Y, loss_kind, act_kind, dT):
    """The output layer's δ into dT (O, B); returns the batch loss, summed sample by sample.

    Two sweeps, not one: the loss calls libm's exp and log1p, which do not vectorise, so the δs get
    a loop of their own, which does.
    """
    scale = 1.0 / aT.shape[1]
    for k in range(aT.shape[0]):
        for s in range(aT.shape[1]):
            dT[k, s] = delta(zT[k, s], aT[k, s], Y[s, k], loss_kind, act_kind, scale, aT.shape[0])
    return batch_loss(zT, aT, Y, loss_kind)


@kernel
def _backward_blocks(theta, grad, sizes, acts, loss_kind, Y, z, a, d, scratch):
    """Every layer's δ into d and the batch's gradients into grad; returns the batch loss.

    scratch is dense_backward_into's, for the batch and the widest layer.
    """
    w_off, b_off, _ = param_offsets(sizes)
    u = unit_offsets(sizes)
    n_layers = sizes.shape[0] - 1
    batch = Y.shape[0]
    loss = _output_deltas(_block(z, sizes, u, batch, n_layers), _block(a, sizes, u, batch, n_layers), Y,
                          loss_kind, acts[n_layers - 1], _block(d, sizes, u, batch, n_layers))
    for l in range(n_layers - 1, -1, -1):
        n_in, n_out = sizes[l], sizes[l + 1]
        dW = grad[w_off[l]:w_off[l] + n_in * n_out].reshape((n_in, n_out))
        db = grad[b_off[l]:b_off[l] + n_out]
        below = _block(d, sizes, u, batch, l)[:n_in if l > 0 else 0]  # the input needs no δ
        dense_backward_into(_block(a, sizes, u, batch, l), _weights(theta, sizes, w_off, l),
                            _block(d, sizes, u, batch, l + 1), dW, db, below, scratch)
        if l > 0:                                  # δ_i = (Σ_j W_ij·δ_j) · f'(z_i)
            scale_by_derivative(below, _block(z, sizes, u, batch, l), _block(a, sizes, u, batch, l),
                                acts[l - 1])
    return loss


@inline
def _workspace(sizes, batch):
    """z, a, d (B·U each, blocked as above), and dense_backward_into's scratch."""
    n = batch * unit_offsets(sizes)[-1]
    return np.empty(n), np.empty(n), np.empty(n), np.empty(batch * sizes.max())


@kernel
def _to_blocks(M, sizes, u, out):
    for l in range(sizes.shape[0]):
        _block(out, sizes, u, M.shape[0], l)[:, :] = M[:, u[l]:u[l + 1]].T


@kernel
def _from_blocks(buf, sizes, u, M):
    for l in range(sizes.shape[0]):
        M[:, u[l]:u[l + 1]] = _block(buf, sizes, u, M.shape[0], l).T


@glue
def forward(theta, sizes, acts, X, Z, A):
    """Fill A (B, U) with every layer's activations (the input first) and Z with pre-activations."""
    u = unit_offsets(sizes)
    z, a = np.zeros(X.shape[0] * u[-1]), np.zeros(X.shape[0] * u[-1])
    _block(a, sizes, u, X.shape[0], 0)[:, :] = X.T
    _forward_blocks(theta, sizes, acts, X.shape[0], z, a)
    _from_blocks(z, sizes, u, Z)
    _from_blocks(a, sizes, u, A)


@glue
def backward(theta, grad, sizes, acts, loss_kind, Y, Z, A, D):
    """Accumulate the batch's gradients into grad and return the batch loss (mean over samples).

    D (B, U) receives every δ = ∂L/∂z; Z and A come from `forward` on the same batch.
    """
    u = unit_offsets(sizes)
    z, a, d, scratch = _workspace(sizes, Y.shape[0])
    d[:] = 0.0
    _to_blocks(Z, sizes, u, z)
    _to_blocks(A, sizes, u, a)
    loss = _backward_blocks(theta, grad, sizes, acts, loss_kind, Y, z, a, d, scratch)
    _from_blocks(d, sizes, u, D)
    return loss


@kernel
def _step(theta, grad, m, v, t, sizes, acts, loss_kind, opt_kind, lr, mu, beta1, beta2, eps, Yb,
          z, a, d, scratch):
    """One optimizer step on the batch whose inputs are in a's first block and targets in Yb."""
    grad[:] = 0.0
    _forward_blocks(theta, sizes, acts, Yb.shape[0], z, a)
    loss = _backward_blocks(theta, grad, sizes, acts, loss_kind, Yb, z, a, d, scratch)
    update_all(theta, grad, m, v, opt_kind, lr, mu, beta1, beta2, eps, t)
    return loss


@glue
def train_batch(theta, grad, m, v, t, sizes, acts, loss_kind, opt_kind, lr, mu, beta1, beta2, eps,
                Xb, Yb):
    """One optimizer step on one batch; returns the batch loss measured before the step."""
    z, a, d, scratch = _workspace(sizes, Xb.shape[0])
    _block(a, sizes, unit_offsets(sizes), Xb.shape[0], 0)[:, :] = Xb.T
    return _step(theta, grad, m, v, t, sizes, acts, loss_kind, opt_kind, lr, mu, beta1, beta2, eps, Yb,
                 z, a, d, scratch)


@kernel
def train_epochs(theta, grad, m, v, t, sizes, acts, loss_kind, opt_kind, lr, mu, beta1, beta2, eps,
                 X, Y, orders, batch_size, epoch_losses):
    """Train len(orders) epochs; orders (E, N) gives each epoch's sample order.

    Stops early after an epoch whose loss is not finite. Returns (epochs run, optimizer steps taken).
    The buffers are made once, for the largest batch; each batch's rows are gathered straight into
    them (inputs feature-major), with no per-batch allocation.
    """
    n = X.shape[0]
    u = unit_offsets(sizes)
    z, a, d, scratch = _workspace(sizes, min(batch_size, n))
    Yb = np.empty((min(batch_size, n), Y.shape[1]))
    for e in range(orders.shape[0]):
        total = 0.0
        for start in range(0, n, batch_size):
            idx = orders[e, start:min(start + batch_size, n)]
            batch = idx.shape[0]
            inputs = _block(a, sizes, u, batch, 0)
            for s in range(batch):   # number by number: an array view per sample costs more
                for f in range(X.shape[1]):
                    inputs[f, s] = X[idx[s], f]
                for k in range(Y.shape[1]):
                    Yb[s, k] = Y[idx[s], k]
            t += 1
            loss = _step(theta, grad, m, v, t, sizes, acts, loss_kind, opt_kind, lr, mu, beta1, beta2, eps,
                         Yb[:batch], z, a, d, scratch)
            total += loss * batch
        epoch_losses[e] = total / n
        if not math.isfinite(epoch_losses[e]):
            return e + 1, t
    return orders.shape[0], t
