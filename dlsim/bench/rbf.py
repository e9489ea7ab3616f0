"""`dlsim bench rbf`: one RBF epoch, the fused Numba kernel against the vectorised NumPy reference and
PyTorch eager (one thread, when installed), at the default size and at sizes that grow.

Two stages are timed on the noisy sine: a delta-rule epoch with every parameter learned (centres, σ
and the output weights; full batch, SGD), and a least-squares epoch (the normal equations over the
samples, then the solve). Both start from the same parameters; the figure is the median µs per epoch.
The cost of an epoch grows as N·K (every sample against every unit) for the delta rule, and as
N·K² + K³ for the solve (the normal equations, then the elimination).
"""
import numpy as np

import dlsim
from dlsim.bench import timing
from dlsim.kernels import rbf as kernel
from dlsim.kernels import rbf_reference as ref

SIZES = ((9, 100), (36, 1_000), (100, 10_000))   # (units K, samples N); the first is the default


def _runner(module, m, stage):
    """One epoch of `stage` on `module`'s kernels, from the model's parameters (copied each call)."""
    K, D, n = m.K, m.D, m.X.shape[0]
    orders, stages = np.arange(n, dtype=np.int64)[None, :], np.array([stage], np.int64)

    def epoch():
        theta = m.theta.copy()
        module.train_epochs(theta, np.zeros_like(theta), np.zeros_like(theta), np.zeros_like(theta), 0, K, D, True,
                            stages, n, 0, 0.1, 0.9, 0.9, 0.999, 1e-8, 1e-8, m.X, m.T, orders, np.zeros((K, D)),
                            np.zeros(K), np.zeros((K + 1, K + 1)), np.zeros(K + 1), np.zeros(1))
    return epoch


def _torch_runner(m, stage):
    torch = timing.torch()
    if torch is None:
        return None
    K, D = m.K, m.D
    X, T = torch.tensor(m.X), torch.tensor(m.T)
    start = m.theta.copy()

    def units(C, sigma):
        return torch.exp(-((X[:, None, :] - C[None, :, :]) ** 2).sum(dim=2) / (2.0 * sigma * sigma))

    def delta():
        w, b, C, sigma = (torch.tensor(a.copy(), requires_grad=True) for a in
                          (start[:K], start[K:K + 1], start[K + 1:K + 1 + K * D].reshape(K, D), start[K + 1 + K * D:]))
        loss = ((units(C, sigma) @ w + b - T) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            for p in (w, b, C, sigma):
                p -= 0.1 * p.grad

    def solve():
        C, sigma = torch.tensor(start[K + 1:K + 1 + K * D].reshape(K, D)), torch.tensor(start[K + 1 + K * D:])
        Phi = torch.cat([units(C, sigma), torch.ones(len(X), 1, dtype=X.dtype)], dim=1)
        torch.linalg.solve(Phi.T @ Phi + 1e-8 * torch.eye(K + 1, dtype=X.dtype), Phi.T @ T)
    return delta if stage == kernel.DELTA else solve


def main(net: str = "rbf", quick: bool = False) -> None:
    print("RBF epoch on the noisy sine: the delta rule with every parameter learned, and the least-squares "
          "solve; median µs per epoch")
    print(timing.header(30))
    for K, n in (SIZES[:2] if quick else SIZES):
        m = dlsim.make("rbf", seed=0, centres=K, samples=n, test=0).model
        for stage, word in ((kernel.DELTA, "delta"), (kernel.SOLVE, "solve")):
            seconds = 0.1 if quick else 0.5
            fused = timing.median_us(_runner(kernel, m, stage), seconds)
            numpy = timing.median_us(_runner(ref, m, stage), seconds, least=3)
            torch_step = _torch_runner(m, stage)
            torch_us = timing.median_us(torch_step, seconds, least=3) if torch_step else None
            print(timing.row(f"{word}, K={K}, N={n:,}", fused, numpy, torch_us, 30), flush=True)
