"""The diffusion model in plain NumPy: the textbook formulas, vectorised over the points (same names
and signatures as dlsim.kernels.diffusion). The `numpy` backend runs the model on these; tests
compare the compiled kernels with them. The denoiser's training is the MLP reference's."""
import numpy as np

from dlsim.kernels.mlp_reference import backward, forward, layer_values, mean_loss, train_batch
from dlsim.kernels.reference import update_all

SALT = 37
DDPM, DDIM = 0, 1
SAMPLERS = {"ddpm": DDPM, "ddim": DDIM}

SHARED = (backward, forward, mean_loss, train_batch)


def feature(t, T, j):
    angle = np.pi * 2.0 ** (j // 2) * t / T
    return np.sin(angle) if j % 2 == 0 else np.cos(angle)


def noised(x0, eps, a, b):
    return a * x0 + b * eps


def x0_estimate(x, eps_hat, ab_t):
    return (x - np.sqrt(1.0 - ab_t) * eps_hat) / np.sqrt(ab_t)


def posterior_mean(x0_hat, x, ab_t, ab_s):
    beta = 1.0 - ab_t / ab_s
    return np.sqrt(ab_s) * beta / (1.0 - ab_t) * x0_hat + np.sqrt(ab_t / ab_s) * (1.0 - ab_s) / (1.0 - ab_t) * x


def posterior_sigma(ab_t, ab_s):
    return np.sqrt((1.0 - ab_s) / (1.0 - ab_t) * (1.0 - ab_t / ab_s))


def reverse(x, eps_hat, ab_t, ab_s, z, sampler):
    x0_hat = x0_estimate(x, eps_hat, ab_t)
    if sampler == DDIM:
        mean = np.sqrt(ab_s) * x0_hat + np.sqrt(1.0 - ab_s) * eps_hat
        return x0_hat, mean, 0.0 * mean, mean
    added = posterior_sigma(ab_t, ab_s) * z
    mean = posterior_mean(x0_hat, x, ab_t, ab_s)
    return x0_hat, mean, added, mean + added


def forward_process(X, eps, sqrt_ab, sqrt_1mab, out):
    out[:] = sqrt_ab[:, None, None] * X[None] + sqrt_1mab[:, None, None] * eps[None]


def embedding(t, T, out):
    out[:] = [feature(t, T, j) for j in range(len(out))]


def _features(ts, T, E):
    """(B, E): the time features of each step in ts."""
    j = np.arange(E)
    angle = np.pi * 2.0 ** (j // 2)[None, :] * np.asarray(ts, np.float64)[:, None] / T
    return np.where(j % 2 == 0, np.sin(angle), np.cos(angle))


def network_inputs(X, idx, ts, eps, sqrt_ab, sqrt_1mab, T, inputs, targets):
    t = ts[idx]
    inputs[:, :2] = sqrt_ab[t][:, None] * X[idx] + sqrt_1mab[t][:, None] * eps[idx]
    inputs[:, 2:] = _features(t, T, inputs.shape[1] - 2)
    targets[:] = eps[idx]


def train_epochs(theta, grad, m, v, t, sizes, acts, loss_kind, opt_kind, lr, mu, beta1, beta2, eps_adam,
                 X, orders, batch_size, epoch_losses, ts, eps, sqrt_ab, sqrt_1mab, T):
    from dlsim.kernels.mlp_reference import gradients
    n = X.shape[0]
    for e in range(orders.shape[0]):
        total = 0.0
        for start in range(0, n, batch_size):
            idx = orders[e, start:start + batch_size]
            inputs, targets = np.empty((len(idx), sizes[0])), np.empty((len(idx), 2))
            network_inputs(X, idx, ts[e], eps[e], sqrt_ab, sqrt_1mab, T, inputs, targets)
            loss, grad[:] = gradients(theta, list(sizes), list(acts), loss_kind, inputs, targets)
            t += 1
            update_all(theta, grad, m, v, opt_kind, lr, mu, beta1, beta2, eps_adam, t)
            total += loss * len(idx)
        epoch_losses[e] = total / n
        if not np.isfinite(epoch_losses[e]):
            return e + 1, t
    return orders.shape[0], t


def denoise(theta, sizes, acts, Xt, t, T, out):
    inputs = np.hstack([Xt, _features(np.full(len(Xt), t), T, sizes[0] - 2)])
    out[:] = layer_values(theta, list(sizes), list(acts), inputs)[1][-1]


def sample(theta, sizes, acts, alpha_bar, steps, noise, sampler, T, path):
    eps_hat = np.empty((path.shape[1], 2))
    for i in range(len(steps) - 1):
        t, s = steps[i], steps[i + 1]
        denoise(theta, sizes, acts, path[i], t, T, eps_hat)
        z = noise[i] if s > 0 else np.zeros_like(noise[i])
        path[i + 1] = reverse(path[i], eps_hat, alpha_bar[t], alpha_bar[s], z, sampler)[3]
