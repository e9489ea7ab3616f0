"""The diffusion model's compiled paths: training ε̂(x_t, t) on noised points, and sampling backwards.

The denoiser is an MLP (dlsim.kernels.mlp's blocks, the very sums in the very order) whose input is
a noised point x_t beside sinusoidal features of its time step t, and whose target is the noise ε
that made x_t from the clean point x₀: x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·ε, with MSE on ε. What is new lives
here: the time embedding, the forward (noising) process and the reverse (sampling) step, each a
scalar @inline the stepped path calls one number at a time and these kernels loop over.

t and ε are drawn per epoch from np.random.default_rng([seed, epoch, salt]) (t = 1 + integers(0, T,
N), then ε = normal(0, 1, (N, 2)), indexed by the row of data: dlsim.kernels.seeded draws the same
bits in compiled code), so a sample's draws are a function of its place alone and a rewind or any
path draws them again to the bit.
"""
import math

import numpy as np

from dlsim.kernels.jit import inline, kernel
from dlsim.kernels.mlp import _block, _forward_blocks, _step, _workspace, unit_offsets
from dlsim.kernels.mlp import backward, forward, mean_loss, train_batch

SALT = 37   # the draws of t and ε, apart from the orders' (17), the AE's (23) and the GAN's (31)

# the MLP's, as this backend's diffusion.backward, .forward, .mean_loss, .train_batch
SHARED = (backward, forward, mean_loss, train_batch)

DDPM, DDIM = 0, 1
SAMPLERS = {"ddpm": DDPM, "ddim": DDIM}


@inline
def feature(t, T, j):
    """Time feature j of step t: sin (j even) or cos (j odd) of π·2^(j//2)·t/T. (np.sin, not
    math.sin: the numpy backend runs this function by Python, where jit's stand-in for `math` has
    no sin.)"""
    angle = math.pi * 2.0 ** (j // 2) * t / T
    return np.sin(angle) if j % 2 == 0 else np.cos(angle)


@inline
def noised(x0, eps, a, b):
    """One coordinate of the forward process: x_t = a·x₀ + b·ε, a = √ᾱ_t, b = √(1−ᾱ_t)."""
    return a * x0 + b * eps


@inline
def x0_estimate(x, eps_hat, ab_t):
    """x̂₀ = (x_t − √(1−ᾱ_t)·ε̂) / √ᾱ_t: the clean point the noise estimate implies."""
    return (x - math.sqrt(1.0 - ab_t) * eps_hat) / math.sqrt(ab_t)


@inline
def posterior_mean(x0_hat, x, ab_t, ab_s):
    """μ of q(x_s | x_t, x̂₀) for s < t (s = t − 1 when every step is taken):
    √ᾱ_s·β/(1−ᾱ_t)·x̂₀ + √(ᾱ_t/ᾱ_s)·(1−ᾱ_s)/(1−ᾱ_t)·x_t, with β = 1 − ᾱ_t/ᾱ_s."""
    beta = 1.0 - ab_t / ab_s
    return (math.sqrt(ab_s) * beta / (1.0 - ab_t)) * x0_hat + (
        math.sqrt(ab_t / ab_s) * (1.0 - ab_s) / (1.0 - ab_t)) * x


@inline
def posterior_sigma(ab_t, ab_s):
    """σ of that posterior: √((1−ᾱ_s)/(1−ᾱ_t)·β)."""
    return math.sqrt((1.0 - ab_s) / (1.0 - ab_t) * (1.0 - ab_t / ab_s))


@inline
def reverse(x, eps_hat, ab_t, ab_s, z, sampler):
    """One coordinate of one reverse step x_t → x_s: (x̂₀, the step's mean, the noise it adds, x_s).
    DDPM: the posterior mean plus σ·z; DDIM (deterministic): √ᾱ_s·x̂₀ + √(1−ᾱ_s)·ε̂."""
    x0_hat = x0_estimate(x, eps_hat, ab_t)
    if sampler == DDIM:
        mean = math.sqrt(ab_s) * x0_hat + math.sqrt(1.0 - ab_s) * eps_hat
        return x0_hat, mean, 0.0, mean
    added = posterior_sigma(ab_t, ab_s) * z
    mean = posterior_mean(x0_hat, x, ab_t, ab_s)
    return x0_hat, mean, added, mean + added


@kernel
def forward_process(X, eps, sqrt_ab, sqrt_1mab, out):
    """out (T + 1, N, 2): the points X (N, 2) noised to every step t = 0 … T, each with its own
    noise eps (N, 2), the same at every t (so that a point can be followed as t moves)."""
    for t in range(out.shape[0]):
        for r in range(X.shape[0]):
            for k in range(2):
                out[t, r, k] = noised(X[r, k], eps[r, k], sqrt_ab[t], sqrt_1mab[t])


@kernel
def embedding(t, T, out):
    """out (E,) = every time feature of step t."""
    for j in range(out.shape[0]):
        out[j] = feature(t, T, j)


@inline
def _inputs_into(X, idx, ts, eps, sqrt_ab, sqrt_1mab, T, inputs, Yb):
    """The network's inputs feature-major (2 + E, B): x_t of each row of idx, then its time
    features; and its target ε into Yb (B, 2)."""
    for s in range(idx.shape[0]):
        r = idx[s]
        t = ts[r]
        for k in range(2):
            inputs[k, s] = noised(X[r, k], eps[r, k], sqrt_ab[t], sqrt_1mab[t])
            Yb[s, k] = eps[r, k]
        for j in range(inputs.shape[0] - 2):
            inputs[2 + j, s] = feature(t, T, j)


@kernel
def network_inputs(X, idx, ts, eps, sqrt_ab, sqrt_1mab, T, inputs, targets):
    """inputs (B, 2 + E): [x_t, time features] of the rows idx of X (N, 2), with their step ts[row]
    and noise eps[row] (this epoch's draws); targets (B, 2): that noise."""
    inT = np.empty((inputs.shape[1], idx.shape[0]))
    _inputs_into(X, idx, ts, eps, sqrt_ab, sqrt_1mab, T, inT, targets)
    inputs[:, :] = inT.T


@kernel
def train_epochs(theta, grad, m, v, t, sizes, acts, loss_kind, opt_kind, lr, mu, beta1, beta2, eps_adam,
                 X, orders, batch_size, epoch_losses, ts, eps, sqrt_ab, sqrt_1mab, T):
    """Train len(orders) epochs; orders (E, N) each epoch's sample order, ts (E, N) and eps (E, N, 2)
    its draws by row. Stops after an epoch whose loss is not finite. Returns (epochs run, steps)."""
    n = X.shape[0]
    u = unit_offsets(sizes)
    z, a, d, scratch = _workspace(sizes, min(batch_size, n))
    Yb = np.empty((min(batch_size, n), 2))
    for e in range(orders.shape[0]):
        total = 0.0
        for start in range(0, n, batch_size):
            idx = orders[e, start:min(start + batch_size, n)]
            batch = idx.shape[0]
            _inputs_into(X, idx, ts[e], eps[e], sqrt_ab, sqrt_1mab, T, _block(a, sizes, u, batch, 0), Yb)
            t += 1
            loss = _step(theta, grad, m, v, t, sizes, acts, loss_kind, opt_kind, lr, mu, beta1, beta2, eps_adam,
                         Yb[:batch], z, a, d, scratch)
            total += loss * batch
        epoch_losses[e] = total / n
        if not math.isfinite(epoch_losses[e]):
            return e + 1, t
    return orders.shape[0], t


@inline
def _denoise_into(theta, sizes, acts, Xt, t, T, z, a, out):
    """ε̂ (M, 2) of the points Xt (M, 2), all at step t, through the blocks z, a."""
    u = unit_offsets(sizes)
    m = Xt.shape[0]
    inputs = _block(a, sizes, u, m, 0)
    for s in range(m):
        inputs[0, s] = Xt[s, 0]
        inputs[1, s] = Xt[s, 1]
    for j in range(sizes[0] - 2):
        value = feature(t, T, j)
        for s in range(m):
            inputs[2 + j, s] = value
    _forward_blocks(theta, sizes, acts, m, z, a)
    last = _block(a, sizes, u, m, sizes.shape[0] - 1)
    for s in range(m):
        out[s, 0] = last[0, s]
        out[s, 1] = last[1, s]


@kernel
def denoise(theta, sizes, acts, Xt, t, T, out):
    """out (M, 2) = ε̂(x_t, t) of every point of Xt (M, 2) at step t."""
    n = Xt.shape[0] * unit_offsets(sizes)[-1]
    _denoise_into(theta, sizes, acts, Xt, t, T, np.empty(n), np.empty(n), out)


@kernel
def sample(theta, sizes, acts, alpha_bar, steps, noise, sampler, T, path):
    """Run the reverse chain over the time steps `steps` (S + 1,), from steps[0] = T down to
    steps[S] = 0: path[0] (M, 2) holds x_T, and path[i + 1] receives x at steps[i + 1]; noise (S, M, 2)
    is the z of each DDPM step (none is added on the last step, to t = 0)."""
    m = path.shape[1]
    n = m * unit_offsets(sizes)[-1]
    z, a, eps_hat = np.empty(n), np.empty(n), np.empty((m, 2))
    for i in range(steps.shape[0] - 1):
        t, s = steps[i], steps[i + 1]
        _denoise_into(theta, sizes, acts, path[i], t, T, z, a, eps_hat)
        for p in range(m):
            for k in range(2):
                zk = noise[i, p, k] if s > 0 else 0.0
                path[i + 1, p, k] = reverse(path[i, p, k], eps_hat[p, k], alpha_bar[t], alpha_bar[s], zk, sampler)[3]
