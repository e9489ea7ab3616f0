"""`dlsim bench ae`: one epoch of the autoencoder on the digits, the fused Numba kernel against its
vectorised NumPy reference and (if installed) PyTorch eager, for codes and encoders that grow.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 dlsim bench ae [--quick]

(one BLAS thread, as the kernels and PyTorch here run on one: NumPy's default of a thread per core
measures the machine's contention, not the arithmetic, wherever the cores are busy).

Each contender trains the same epoch from the same weights: 1,000 digits of 64 values in batches
of 32, tanh hidden layers, a linear code, a sigmoid output, MSE, Adam. The figure is the median ms
per epoch. The cost grows with the weights a sample passes through (Σ of the layers' in × out, twice
for the encoder's mirror), times the samples: the table says how many of each.
"""
import numpy as np

import dlsim
from dlsim.bench import timing
from dlsim.kernels import ae as kernel
from dlsim.kernels import ae_reference as ref

CONFIGS = (((16,), 2), ((64,), 2), ((64,), 16), ((256, 64), 8))


def _args(m):
    return (m.sizes, m.acts, m.loss_kind, *m.hyper(), m.tied)


def _runner(module, m):
    """One epoch per call, from m's weights, on `module`'s train_epochs."""
    orders = m.order(0)[None, :].astype(np.int64)

    def run():
        theta = m.theta.copy()
        zeros = [np.zeros_like(theta) for _ in range(3)]
        module.train_epochs(theta, *zeros, 0, *_args(m), m.X, orders, m.batch_size, np.zeros(1), 0.0,
                            m.config["seed"], 0)
    return run


def _torch_runner(m):
    torch = timing.torch()
    if torch is None:
        return None
    order = m.order(0)

    def run():
        params = [torch.tensor(a.copy(), requires_grad=True) for pair in ref.unpack(m.theta.copy(), list(m.sizes))
                  for a in pair]
        opt = torch.optim.Adam(params, lr=float(m.config["lr"]), eps=1e-8)
        X = torch.tensor(m.X[order])
        code = 2 * (len(m.sizes) // 2 - 1)   # the code layer's W in params
        for start in range(0, len(X), m.batch_size):
            a = x = X[start:start + m.batch_size]
            for l in range(0, len(params), 2):
                z = a @ params[l] + params[l + 1]
                a = torch.sigmoid(z) if l == len(params) - 2 else z if l == code else torch.tanh(z)
            loss = torch.mean((a - x) ** 2)
            opt.zero_grad()
            loss.backward()
            opt.step()
    return run


def main(net: str = "ae", quick: bool = False) -> None:
    print("dlsim bench: AE, one epoch of 1,000 digits (64 values), batches of 32, tanh, MSE, Adam; median ms/epoch")
    print(timing.header(34, "ms"))
    for encoder, code in (CONFIGS[:2] if quick else CONFIGS):
        m = dlsim.make("ae", seed=0, encoder=encoder, code=code).model
        weights = int(sum(i * o for i, o in zip(m.sizes[:-1], m.sizes[1:])))
        seconds = 0.2 if quick else 0.6
        fused = timing.median_us(_runner(kernel, m), seconds) / 1e3
        numpy = timing.median_us(_runner(ref, m), seconds, 3) / 1e3
        torch_run = _torch_runner(m)
        torch_ms = timing.median_us(torch_run, seconds, 3) / 1e3 if torch_run else None
        label = f"{'-'.join(map(str, m.sizes))} ({weights:,} w)"
        print(timing.row(label, fused, numpy, torch_ms, 34), flush=True)
