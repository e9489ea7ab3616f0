"""The autoencoder in plain NumPy: the MLP's textbook backpropagation (mlp_reference) with the
input corrupted by NumPy's own generator and the tied gradients summed, vectorised. The `numpy`
backend runs the autoencoder on these (same names and signatures as dlsim.kernels.ae); tests compare
the compiled kernels with them."""
import numpy as np

from dlsim.kernels.mlp_reference import backward, forward, gradients, mean_loss, unpack
from dlsim.kernels.reference import update_all

SALT = 23

SHARED = (backward, forward, mean_loss)   # the MLP's, as this backend's ae.backward, ae.forward, ae.mean_loss


def uniforms(seed_, key, salt, u):
    u[:] = np.random.default_rng([seed_, key, salt]).random(len(u))


def corrupt(x, u, p):
    return x if u >= p else 0.0


def corrupt_row(seed_, key, p, x, u, out):
    uniforms(seed_, key, SALT, u)
    out[:] = np.where(u >= p, x, 0.0)


def nearest_rows(codes, train, out):
    d = ((codes[:, None, :] - train[None, :, :]) ** 2).sum(axis=2)   # (M, N)
    out[:] = d.argmin(axis=1)


def tie_gradients(grad, sizes):
    layers = unpack(grad, sizes)
    for l in range(len(layers) // 2):
        enc, dec = layers[l][0], layers[len(layers) - 1 - l][0]
        enc[:] = enc + dec.T
        dec[:] = enc.T


def train_batch(theta, grad, m, v, t, sizes, acts, loss_kind, opt_kind, lr, mu, beta1, beta2, eps, tied,
                Xb, Yb):
    loss, grad[:] = _gradients(theta, sizes, acts, loss_kind, Xb, Yb)
    if tied:
        tie_gradients(grad, sizes)
    update_all(theta, grad, m, v, opt_kind, lr, mu, beta1, beta2, eps, t)
    return loss


def _gradients(theta, sizes, acts, loss_kind, inputs, targets):
    """The MLP's gradients of the inputs' reconstruction error against the targets (clean inputs)."""
    return gradients(theta, list(sizes), list(acts), loss_kind, inputs, targets)


def corrupted(X, rows, p, seed_, epoch):
    """The inputs of X's `rows` as epoch `epoch` corrupts them (p: the share dropped)."""
    if p <= 0.0:
        return X[rows]
    n, f = X.shape
    keep = np.stack([np.random.default_rng([seed_, epoch * n + r, SALT]).random(f) >= p for r in rows])
    return np.where(keep, X[rows], 0.0)


def train_epochs(theta, grad, m, v, t, sizes, acts, loss_kind, opt_kind, lr, mu, beta1, beta2, eps, tied,
                 X, orders, batch_size, epoch_losses, p, seed_, first_epoch):
    n = X.shape[0]
    for e in range(orders.shape[0]):
        total = 0.0
        for start in range(0, n, batch_size):
            idx = orders[e, start:start + batch_size]
            t += 1
            loss = train_batch(theta, grad, m, v, t, sizes, acts, loss_kind, opt_kind, lr, mu, beta1, beta2,
                               eps, tied, corrupted(X, idx, p, seed_, first_epoch + e), X[idx])
            total += loss * len(idx)
        epoch_losses[e] = total / n
        if not np.isfinite(epoch_losses[e]):
            return e + 1, t
    return orders.shape[0], t
