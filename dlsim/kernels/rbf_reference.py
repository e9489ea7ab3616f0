"""The RBF network in plain vectorised NumPy: the reference the compiled kernels (dlsim/kernels/rbf.py)
are checked against and the baseline `dlsim bench rbf` times them against. The same formulas and
signatures, written over whole arrays (so sums may round differently in the last bit), and the
solve by np.linalg.solve."""
import numpy as np

from dlsim.kernels.rbf import DELTA, KMEANS, SOLVE
from dlsim.kernels.reference import update_all


def _parts(theta, K, D):
    """(w (K,), b, C (K, D), sigma (K,)): views into theta."""
    return theta[:K], theta[K], theta[K + 1:K + 1 + K * D].reshape(K, D), theta[K + 1 + K * D:]


def _units(X, C, sigma):
    """d² and φ (N, K) for the rows of X."""
    d2 = ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)
    return d2, np.exp(-d2 / (2.0 * sigma * sigma))


def units(x, C, sigma, d2, phi):
    d2[:], phi[:] = (a[0] for a in _units(x[None, :], C, sigma))


def forward(theta, K, D, X, Phi, out):
    w, b, C, sigma = _parts(theta, K, D)
    Phi[:, :] = _units(X, C, sigma)[1]
    out[:] = b + Phi @ w


def _loss_and_grad(theta, K, D, learned, X, T):
    """(mean squared error, its gradient in theta's layout; the centres' and widths' only if learned)."""
    w, b, C, sigma = _parts(theta, K, D)
    d2, phi = _units(X, C, sigma)
    err = b + phi @ w - T
    delta = 2.0 * err / len(X)                                   # (N,)
    grad = np.zeros_like(theta)
    grad[:K], grad[K] = phi.T @ delta, delta.sum()
    if learned:
        dphi_phi = (delta[:, None] * w[None, :]) * phi           # (N, K)
        diff = X[:, None, :] - C[None, :, :]                     # (N, K, D)
        grad[K + 1:K + 1 + K * D] = (dphi_phi[:, :, None] * diff).sum(axis=0).ravel() / np.repeat(sigma ** 2, D)
        grad[K + 1 + K * D:] = (dphi_phi * d2).sum(axis=0) / sigma ** 3
    return float((err ** 2).mean()), grad


def gradients(theta, grad, K, D, X, T):
    loss, grad[:] = _loss_and_grad(theta, K, D, True, X, T)
    return loss


def mean_loss(theta, K, D, X, T):
    w, b, C, sigma = _parts(theta, K, D)
    return float(((b + _units(X, C, sigma)[1] @ w - T) ** 2).mean()) if len(X) else 0.0


def delta_batch(theta, grad, m, v, t, K, D, learned, kind, lr, mu, beta1, beta2, eps, X, T):
    loss, grad[:] = _loss_and_grad(theta, K, D, learned, X, T)
    n = theta.shape[0] if learned else K + 1
    update_all(theta[:n], grad[:n], m[:n], v[:n], kind, lr, mu, beta1, beta2, eps, t)
    return loss


def kmeans_batch(C, sums, counts, X):
    d2 = ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)
    best = d2.argmin(axis=1)
    sums[:, :] = 0.0
    counts[:] = np.bincount(best, minlength=len(C))
    np.add.at(sums, best, X)
    won = counts > 0
    C[won] = sums[won] / counts[won, None]
    return float(d2[np.arange(len(X)), best].mean())


def solve(A, r, ridge, out):
    out[:] = np.linalg.solve(A + ridge * np.eye(len(r)), r)


def solve_batch(theta, A, r, ridge, K, D, X, T):
    _, _, C, sigma = _parts(theta, K, D)
    Phi = np.hstack([_units(X, C, sigma)[1], np.ones((len(X), 1))])   # (N, K+1): the bias's column
    A[:, :] = Phi.T @ Phi
    r[:] = Phi.T @ T
    solve(A, r, ridge, theta[:K + 1])
    return mean_loss(theta, K, D, X, T)


def train_epochs(theta, grad, m, v, steps, K, D, learned, stages, batch, kind, lr, mu, beta1, beta2, eps,
                 ridge, X, T, orders, sums, counts, A, r, losses):
    n = X.shape[0]
    C = theta[K + 1:K + 1 + K * D].reshape(K, D)
    for e in range(orders.shape[0]):
        Xo, To = X[orders[e]], T[orders[e]]
        if stages[e] == KMEANS:
            steps += 1
            losses[e] = kmeans_batch(C, sums, counts, Xo)
        elif stages[e] == SOLVE:
            steps += 1
            losses[e] = solve_batch(theta, A, r, ridge, K, D, Xo, To)
        else:
            assert stages[e] == DELTA
            total = 0.0
            for start in range(0, n, batch):
                steps += 1
                total += delta_batch(theta, grad, m, v, steps, K, D, learned, kind, lr, mu, beta1, beta2, eps,
                                     Xo[start:start + batch], To[start:start + batch]) * len(Xo[start:start + batch])
            losses[e] = total / n
        if not np.isfinite(losses[e]):
            return e + 1, steps
    return orders.shape[0], steps
