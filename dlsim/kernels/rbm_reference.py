"""The RBM in plain vectorised NumPy: the reference the compiled kernels (dlsim/kernels/rbm.py) are
checked against, what the `numpy` backend runs, and the baseline `dlsim bench rbm` times. The same
names and signatures, written over whole arrays (sums may round differently in the last bit, so a
probability within an ulp of its uniform number could draw the other state: the tests compare to a
tolerance), with NumPy's own generator for the uniform numbers."""
import math

import numpy as np

from dlsim.kernels.ae_reference import uniforms
from dlsim.kernels.rbm import ENUMERABLE, GIBBS_SALT, SALT, draws
from dlsim.kernels.reference import update_all

__all__ = ("ENUMERABLE", "GIBBS_SALT", "SALT", "draws")


def _parts(theta, V, H):
    """(W (V, H), a (V,), b (H,)): views into theta."""
    return theta[:V * H].reshape(V, H), theta[V * H:V * H + V], theta[V * H + V:]


def sigmoid(z):
    z = np.asarray(z, np.float64)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def bernoulli(p, u):
    return np.where(u < p, 1.0, 0.0)


def hidden_input(v, theta, V, H, j):
    W, _, b = _parts(theta, V, H)
    return b[j] + v @ W[:, j]


def visible_input(h, theta, V, H, i):
    W, a, _ = _parts(theta, V, H)
    return a[i] + W[i] @ h


def cd_gradient(pos, neg, q, scale):
    return (neg[q] - pos[q]) * scale


def _statistics(v, ph, V, H, acc):
    acc[:V * H] += np.outer(v, ph).ravel()
    acc[V * H:V * H + V] += v
    acc[V * H + V:] += ph


def cd_sample(x, chain, end, theta, WT, V, H, k, persistent, u, pos, neg, h, ph, pv, v):
    W, a, b = _parts(theta, V, H)
    ph[:] = sigmoid(b + x @ W)
    h[:] = bernoulli(ph, u[:H])
    n = H
    _statistics(x, ph, V, H, pos)
    pv[:] = sigmoid(a + W @ h)
    err = float(((x - pv) ** 2).sum() / V)
    if persistent:
        v[:] = chain
        ph[:] = sigmoid(b + v @ W)
        h[:] = bernoulli(ph, u[n:n + H])
        n += H
    for t in range(k):
        pv[:] = sigmoid(a + W @ h)
        v[:] = bernoulli(pv, u[n:n + V])
        n += V
        ph[:] = sigmoid(b + v @ W)
        if t < k - 1:
            h[:] = bernoulli(ph, u[n:n + H])
            n += H
    _statistics(v, ph, V, H, neg)
    if persistent:
        end[:] = v
    return err


def apply_update(theta, grad, m, mv, pos, neg, t, opt_kind, lr, mu, beta1, beta2, eps, scale):
    grad[:] = (neg - pos) * scale
    update_all(theta, grad, m, mv, opt_kind, lr, mu, beta1, beta2, eps, t)


def _buffers(V, H, k, persistent):
    return np.empty(draws(V, H, k, persistent)), np.empty(H), np.empty(H), np.empty(V), np.empty(V)


def train_batch(theta, grad, m, mv, pos, neg, t, V, H, k, persistent, opt_kind, lr, mu, beta1, beta2, eps, X,
                rows, chains, ends, seed_, key0):
    u, h, ph, pv, v = _buffers(V, H, k, persistent)
    pos[:] = 0.0
    neg[:] = 0.0
    scale = 1.0 / len(rows)
    loss = 0.0
    for s, r in enumerate(rows):
        uniforms(seed_, key0 + int(r), SALT, u)
        loss += cd_sample(X[r], chains[s], ends[s], theta, None, V, H, k, persistent, u, pos, neg, h, ph, pv, v) * scale
    apply_update(theta, grad, m, mv, pos, neg, t, opt_kind, lr, mu, beta1, beta2, eps, scale)
    if persistent:
        chains[:len(rows)] = ends[:len(rows)]
    return loss


def train_epochs(theta, grad, m, mv, pos, neg, t, V, H, k, persistent, opt_kind, lr, mu, beta1, beta2, eps, X,
                 orders, batch_size, chains, ends, seed_, first_epoch, epoch_losses):
    n = X.shape[0]
    for e in range(orders.shape[0]):
        total = 0.0
        for start in range(0, n, batch_size):
            rows = orders[e, start:start + batch_size]
            t += 1
            total += train_batch(theta, grad, m, mv, pos, neg, t, V, H, k, persistent, opt_kind, lr, mu, beta1,
                                 beta2, eps, X, rows, chains, ends, seed_, (first_epoch + e) * n) * len(rows)
        epoch_losses[e] = total / n
        if not np.isfinite(epoch_losses[e]):
            return e + 1, t
    return orders.shape[0], t


def softplus(z):
    return np.logaddexp(0.0, z)


def transpose(theta, V, H, WT):
    WT[:] = theta[:V * H].reshape(V, H).T.ravel()


def hidden_probs(theta, V, H, X, out):
    W, _, b = _parts(theta, V, H)
    out[:, :] = sigmoid(b + X @ W)


def visible_probs(theta, V, H, Hs, out):
    W, a, _ = _parts(theta, V, H)
    out[:, :] = sigmoid(a + Hs @ W.T)


def free_energy(theta, V, H, X, out):
    W, a, b = _parts(theta, V, H)
    out[:] = -X @ a - softplus(b + X @ W).sum(axis=1)


def log_partition(theta, V, H):
    W, a, b = _parts(theta, V, H)
    small = min(V, H)
    states = ((np.arange(2 ** small)[:, None] >> np.arange(small)[None, :]) & 1).astype(np.float64)
    if H <= V:
        terms = states @ b + softplus(a + states @ W.T).sum(axis=1)
    else:
        terms = states @ a + softplus(b + states @ W).sum(axis=1)
    top = terms.max()
    return float(top + math.log(np.exp(terms - top).sum()))


def gibbs(theta, V, H, v, clamp, steps, seed_, pv):
    W, a, b = _parts(theta, V, H)
    held = clamp > 0.0
    for r in range(v.shape[0]):
        u = np.random.default_rng([seed_, r, GIBBS_SALT]).random(steps * (H + V))
        n = 0
        for _ in range(steps):
            h = bernoulli(sigmoid(b + v[r] @ W), u[n:n + H])
            n += H
            pv[r] = sigmoid(a + W @ h)
            vis = bernoulli(pv[r], u[n:n + V])
            n += V
            pv[r] = np.where(held, v[r], pv[r])
            v[r] = np.where(held, v[r], vis)
