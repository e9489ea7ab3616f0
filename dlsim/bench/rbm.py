"""`dlsim bench rbm`: one epoch of CD-k, the fused Numba kernel against vectorised NumPy (a batch's
chains as matrices: the textbook implementation) and, when installed, PyTorch eager (one thread),
at the default size and at sizes that grow.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 dlsim bench rbm [--quick]

Each contender trains the same epoch from the same weights with plain SGD, its uniform numbers drawn
ahead (the draws are not timed for NumPy and PyTorch; dlsim draws each sample's inside the epoch, as
training does). The figure is the median ms per epoch. An epoch's cost grows as N·(k + 1)·V·H: every
sample's chain passes through every weight twice per Gibbs step.
"""
import numpy as np

import dlsim
from dlsim.bench import timing
from dlsim.kernels import rbm as kernel

CONFIGS = (("bars", 16, 1, 30, 10), ("digits", 64, 1, 1000, 32), ("digits", 256, 1, 1000, 32),
           ("digits", 256, 5, 1000, 32))   # (dataset, hidden, k, samples, batch)


def _runner(m):
    orders = m.order(0)[None, :].astype(np.int64)

    def run():
        theta = m.theta.copy()
        buffers = [np.zeros_like(theta) for _ in range(5)]
        kernel.train_epochs(theta, *buffers, 0, m.V, m.H, m.k, False, *m.optimizer_settings(), m.X, orders,
                            m.batch_size, m.chains.copy(), m.ends.copy(), m.config["seed"], 0, np.zeros(1))
    return run


def _draws(m):
    """The uniform numbers of every batch, drawn once: (per batch: h₀ (B, H), then k × (v (B, V), h (B, H)))."""
    rng = np.random.default_rng(0)
    n = len(m.X)
    return [(rng.random((min(m.batch_size, n - s), m.H)),
             [(rng.random((min(m.batch_size, n - s), m.V)), rng.random((min(m.batch_size, n - s), m.H)))
              for _ in range(m.k)]) for s in range(0, n, m.batch_size)]


def _cd_epoch(X, W, a, b, draws, batch, lr, sigmoid, binary):
    """One epoch of CD-k with SGD over the rows of X in order, written once for NumPy and PyTorch."""
    for start, (u_h, chain) in zip(range(0, len(X), batch), draws):
        v0 = X[start:start + batch]
        p0 = sigmoid(v0 @ W + b)
        h = binary(u_h < p0)
        for u_v, u_h in chain:
            v = binary(u_v < sigmoid(h @ W.T + a))
            p = sigmoid(v @ W + b)
            h = binary(u_h < p)
        scale = lr / len(v0)
        W += scale * (v0.T @ p0 - v.T @ p)
        a += scale * (v0 - v).sum(0)
        b += scale * (p0 - p).sum(0)


def _numpy_runner(m):
    draws, (W, a, b) = _draws(m), (p.copy() for p in m.params.values())

    def run():
        _cd_epoch(m.X, W.copy(), a.copy(), b.copy(), draws, m.batch_size, float(m.config["lr"]),
                  lambda z: 1.0 / (1.0 + np.exp(-z)), lambda on: on.astype(np.float64))
    return run


def _torch_runner(m):
    torch = timing.torch()
    if torch is None:
        return None
    draws = [(torch.tensor(u), [(torch.tensor(v), torch.tensor(h)) for v, h in chain]) for u, chain in _draws(m)]
    X, params = torch.tensor(m.X), [torch.tensor(p.copy()) for p in m.params.values()]

    def run():
        W, a, b = (p.clone() for p in params)
        _cd_epoch(X, W, a, b, draws, m.batch_size, float(m.config["lr"]), torch.sigmoid, lambda on: on.double())
    return run


def main(net: str = "rbm", quick: bool = False) -> None:
    print("dlsim bench: RBM, one epoch of CD-k with SGD; median ms per epoch")
    print(timing.header(40, "ms"))
    for dataset, hidden, k, samples, batch in (CONFIGS[:2] if quick else CONFIGS):
        m = dlsim.make("rbm", seed=0, dataset=dataset, hidden=hidden, k=k, samples=samples, batch=batch,
                       test=0).model
        seconds = 0.2 if quick else 0.6
        fused = timing.median_us(_runner(m), seconds) / 1e3
        numpy = timing.median_us(_numpy_runner(m), seconds, 3) / 1e3
        torch_run = _torch_runner(m)
        torch_ms = timing.median_us(torch_run, seconds, 3) / 1e3 if torch_run else None
        label = f"{dataset} V={m.V} H={hidden} k={k} N={samples:,}"
        print(timing.row(label, fused, numpy, torch_ms, 40), flush=True)
