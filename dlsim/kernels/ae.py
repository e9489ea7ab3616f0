"""The autoencoder's compiled training path: an MLP whose target is its own (clean) input.

The forward and backward passes are the MLP's (dlsim.kernels.mlp's blocks, the very sums in the very
order); what the autoencoder adds is small and lives here: the corruption of a denoising
autoencoder's input (each value zeroed where its uniform number falls below p, the numbers drawn
from a generator seeded by (seed, epoch·N + row, salt), so a sample's corruption is a function of
its place alone and any path, or a rewind, draws it again to the bit), and the tying of weights
(the decoder's W the encoder's transposed: both copies get the sum of their two gradients, and the
optimizer then moves both the same way, so they stay equal to the bit).
"""
import math

import numpy as np

from dlsim.kernels.jit import glue, inline, kernel
from dlsim.kernels.mlp import _backward_blocks, _block, _forward_blocks, _workspace, param_offsets, unit_offsets
from dlsim.kernels.mlp import backward, forward, mean_loss
from dlsim.kernels.optimizers import update_all
from dlsim.kernels.seeded import STATE_WORDS, next_double, seed

SALT = 23   # the corruption's stream, apart from the orders' (17)

SHARED = (backward, forward, mean_loss)   # the MLP's, as this backend's ae.backward, ae.forward, ae.mean_loss


@kernel
def uniforms(seed_, key, salt, u):
    """u[:] = np.random.default_rng([seed_, key, salt]).random(len(u))."""
    st = np.zeros(STATE_WORDS, np.uint64)
    seed(st, seed_, key, salt)
    for k in range(u.shape[0]):
        u[k] = next_double(st)


@inline
def corrupt(x, u, p):
    """A masked input value: x where its uniform number u ≥ p, else 0 (dropped)."""
    return x if u >= p else 0.0


@kernel
def corrupt_row(seed_, key, p, x, u, out):
    """One sample's corrupted input: u drawn for key (epoch·N + row), out = corrupt(x, u, p)."""
    uniforms(seed_, key, SALT, u)
    for k in range(x.shape[0]):
        out[k] = corrupt(x[k], u[k], p)


@kernel
def nearest_rows(codes, train, out):
    """out[i] = the row of `train` nearest to codes[i] in squared distance, the lower row on a tie
    (what a code kept: its nearest training code's class). Each distance sums its terms in order."""
    for i in range(codes.shape[0]):
        best, at = np.inf, 0
        for j in range(train.shape[0]):
            d = 0.0
            for k in range(codes.shape[1]):
                diff = codes[i, k] - train[j, k]
                d += diff * diff
            if d < best:
                best, at = d, j
        out[i] = at


@kernel
def tie_gradients(grad, sizes):
    """For each pair of layers l and L−1−l (the decoder's mirror of the encoder's), set both copies
    of a tied weight's gradient to ∂W_enc[i,j] + ∂W_dec[j,i], in that order."""
    w_off, _, _ = param_offsets(sizes)
    n_layers = sizes.shape[0] - 1
    for l in range(n_layers // 2):
        m = n_layers - 1 - l
        n_in, n_out = sizes[l], sizes[l + 1]
        enc = grad[w_off[l]:w_off[l] + n_in * n_out].reshape((n_in, n_out))
        dec = grad[w_off[m]:w_off[m] + n_out * n_in].reshape((n_out, n_in))
        for i in range(n_in):
            for j in range(n_out):
                g = enc[i, j] + dec[j, i]
                enc[i, j] = g
                dec[j, i] = g


@kernel
def _step(theta, grad, m, v, t, sizes, acts, loss_kind, opt_kind, lr, mu, beta1, beta2, eps, tied, Yb,
          z, a, d, scratch):
    """One optimizer step on the batch whose (corrupted) inputs are in a's first block, clean in Yb."""
    grad[:] = 0.0
    _forward_blocks(theta, sizes, acts, Yb.shape[0], z, a)
    loss = _backward_blocks(theta, grad, sizes, acts, loss_kind, Yb, z, a, d, scratch)
    if tied:
        tie_gradients(grad, sizes)
    update_all(theta, grad, m, v, opt_kind, lr, mu, beta1, beta2, eps, t)
    return loss


@glue
def train_batch(theta, grad, m, v, t, sizes, acts, loss_kind, opt_kind, lr, mu, beta1, beta2, eps, tied,
                Xb, Yb):
    """One optimizer step on one batch: inputs Xb (already corrupted), targets Yb; returns the batch
    loss measured before the step."""
    z, a, d, scratch = _workspace(sizes, Xb.shape[0])
    _block(a, sizes, unit_offsets(sizes), Xb.shape[0], 0)[:, :] = Xb.T
    return _step(theta, grad, m, v, t, sizes, acts, loss_kind, opt_kind, lr, mu, beta1, beta2, eps, tied, Yb,
                 z, a, d, scratch)


@kernel
def train_epochs(theta, grad, m, v, t, sizes, acts, loss_kind, opt_kind, lr, mu, beta1, beta2, eps, tied,
                 X, orders, batch_size, epoch_losses, p, seed_, first_epoch):
    """Train len(orders) epochs (orders (E, N): each epoch's sample order) on targets X, the inputs
    corrupted per sample where p > 0. Stops after an epoch whose loss is not finite. Returns (epochs
    run, optimizer steps taken)."""
    n, f = X.shape
    u = unit_offsets(sizes)
    z, a, d, scratch = _workspace(sizes, min(batch_size, n))
    Yb = np.empty((min(batch_size, n), f))
    draws, noisy = np.empty(f), np.empty(f)
    for e in range(orders.shape[0]):
        total = 0.0
        for start in range(0, n, batch_size):
            idx = orders[e, start:min(start + batch_size, n)]
            batch = idx.shape[0]
            inputs = _block(a, sizes, u, batch, 0)
            for s in range(batch):
                row = X[idx[s]]
                if p > 0.0:
                    corrupt_row(seed_, (first_epoch + e) * n + idx[s], p, row, draws, noisy)
                    for k in range(f):
                        inputs[k, s] = noisy[k]
                else:
                    for k in range(f):
                        inputs[k, s] = row[k]
                for k in range(f):
                    Yb[s, k] = row[k]
            t += 1
            loss = _step(theta, grad, m, v, t, sizes, acts, loss_kind, opt_kind, lr, mu, beta1, beta2, eps, tied,
                         Yb[:batch], z, a, d, scratch)
            total += loss * batch
        epoch_losses[e] = total / n
        if not math.isfinite(epoch_losses[e]):
            return e + 1, t
    return orders.shape[0], t
