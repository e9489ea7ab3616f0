"""The variational autoencoder in plain NumPy: textbook backpropagation through the decoder, the
reparameterisation z = μ + σ·ε and the encoder, vectorised over the batch, ε from NumPy's own
generator. The `numpy` backend runs the VAE on these (same names and signatures as
dlsim.kernels.vae); tests compare the compiled kernels with them."""
import numpy as np

from dlsim.kernels.mlp_reference import forward, layer_values, unpack
from dlsim.kernels.reference import batch_loss, derivative, output_deltas, update_all

SALT = 29

SHARED = (forward,)


def epsilons(seed_, key, out):
    out[:] = np.random.default_rng([seed_, key, SALT]).standard_normal(len(out))


def _backprop(layers, glayers, acts, zs, as_, delta):
    """The MLP's backward pass from the top δ; returns the δ of its input (∂L/∂input)."""
    for l in range(len(layers) - 1, -1, -1):
        glayers[l][0][:] = as_[l].T @ delta
        glayers[l][1][:] = delta.sum(axis=0)
        delta = delta @ layers[l][0].T
        if l > 0:
            delta = delta * derivative(zs[l - 1], as_[l], acts[l - 1])
    return delta


def gradients(theta, es, eacts, ds, dacts, loss_kind, beta, X, E):
    """(loss, flat gradient) of the batch X (B, F) with ε E (B, C)."""
    es, eacts, ds, dacts = list(es), list(eacts), list(ds), list(dacts)
    pe = sum(i * o + o for i, o in zip(es[:-1], es[1:]))
    c, B, F = ds[0], X.shape[0], X.shape[1]
    zs_e, as_e = layer_values(theta[:pe], es, eacts, X)
    mu, logvar = as_e[-1][:, :c], as_e[-1][:, c:]
    sigma = np.exp(0.5 * logvar)
    z = mu + sigma * E
    zs_d, as_d = layer_values(theta[pe:], ds, dacts, z)
    kl = -0.5 * (1.0 + logvar - mu ** 2 - np.exp(logvar)).sum(axis=1)
    loss = batch_loss(zs_d[-1], as_d[-1], X, loss_kind) * F + beta * kl.mean()
    grad = np.zeros_like(theta)
    dz = _backprop(unpack(theta[pe:], ds), unpack(grad[pe:], ds), dacts, zs_d, as_d,
                   output_deltas(zs_d[-1], as_d[-1], X, loss_kind, dacts[-1]) * F)
    d_mu = dz + beta * mu / B
    d_logvar = dz * E * 0.5 * sigma + beta * 0.5 * (np.exp(logvar) - 1.0) / B
    _backprop(unpack(theta[:pe], es), unpack(grad[:pe], es), eacts, zs_e, as_e, np.hstack([d_mu, d_logvar]))
    return loss, grad


def train_batch(theta, grad, m, v, t, es, eacts, ds, dacts, loss_kind, opt_kind, lr, mu, beta1, beta2, eps, beta,
                Xb, Eb):
    loss, grad[:] = gradients(theta, es, eacts, ds, dacts, loss_kind, beta, Xb, Eb)
    update_all(theta, grad, m, v, opt_kind, lr, mu, beta1, beta2, eps, t)
    return loss


def drawn(rows, c, seed_, epoch, n):
    """(len(rows), C): the ε of each of `rows` in epoch `epoch`."""
    E = np.empty((len(rows), c))
    for k, r in enumerate(rows):
        epsilons(seed_, epoch * n + int(r), E[k])
    return E


def train_epochs(theta, grad, m, v, t, es, eacts, ds, dacts, loss_kind, opt_kind, lr, mu, beta1, beta2, eps, beta,
                 X, orders, batch_size, epoch_losses, seed_, first_epoch):
    n = X.shape[0]
    for e in range(orders.shape[0]):
        total = 0.0
        for start in range(0, n, batch_size):
            idx = orders[e, start:start + batch_size]
            t += 1
            loss = train_batch(theta, grad, m, v, t, es, eacts, ds, dacts, loss_kind, opt_kind, lr, mu, beta1, beta2,
                               eps, beta, X[idx], drawn(idx, int(ds[0]), seed_, first_epoch + e, n))
            total += loss * len(idx)
        epoch_losses[e] = total / n
        if not np.isfinite(epoch_losses[e]):
            return e + 1, t
    return orders.shape[0], t


def recon_loss(Z_out, A_out, Y, kind):
    return batch_loss(Z_out, A_out, Y, kind) * Y.shape[1]


def kl_rows(heads, out):
    c = heads.shape[1] // 2
    mu, logvar = heads[:, :c], heads[:, c:]
    out[:] = -0.5 * (1.0 + logvar - mu ** 2 - np.exp(logvar)).sum(axis=1)
