"""`dlsim bench vae`: one epoch of the variational autoencoder on the digits, the fused Numba kernel
against its vectorised NumPy reference and (if installed) PyTorch eager, for codes and encoders that
grow.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 dlsim bench vae [--quick]

Each contender trains the same epoch from the same weights with the same ε (NumPy's draws for each
sample's epoch and row): 1,000 digits of 64 values in batches of 32, tanh hidden layers, the heads μ
and log σ², z = μ + σ·ε, a sigmoid output, BCE summed over the values + KL (β = 1), Adam. The figure
is the median ms per epoch, ε's draws included for dlsim and NumPy (PyTorch gets them made). The
cost grows with the weights a sample passes through (the encoder's, its heads' 2·code outputs, the
decoder's), times the samples: the table says how many; the draws grow with samples × code.
"""
import numpy as np

import dlsim
from dlsim.bench import timing
from dlsim.kernels import vae as kernel
from dlsim.kernels import vae_reference as ref

CONFIGS = (((16,), 2), ((64,), 2), ((64,), 16), ((256, 64), 8))


def _runner(module, m):
    """One epoch per call, from m's weights, on `module`'s train_epochs."""
    orders = m.order(0)[None, :].astype(np.int64)

    def run():
        theta = m.theta.copy()
        zeros = [np.zeros_like(theta) for _ in range(3)]
        module.train_epochs(theta, *zeros, 0, *m._layout(), m.loss_kind, *m.hyper(), 1.0, m.X, orders,
                            m.batch_size, np.zeros(1), m.config["seed"], 0)
    return run


def _torch_runner(m):
    torch = timing.torch()
    if torch is None:
        return None
    order = m.order(0)
    E = torch.tensor(ref.drawn(order, m.code, m.config["seed"], 0, len(order)))
    n_enc = len(m.enc_sizes) - 1

    def run():
        params = [torch.tensor(a.copy(), requires_grad=True) for pair in m.layers(m.theta.copy()) for a in pair]
        opt = torch.optim.Adam(params, lr=float(m.config["lr"]), eps=1e-8)
        X = torch.tensor(m.X[order])
        for start in range(0, len(X), m.batch_size):
            a = x = X[start:start + m.batch_size]
            for l in range(n_enc):
                z = a @ params[2 * l] + params[2 * l + 1]
                a = z if l == n_enc - 1 else torch.tanh(z)
            mu, logvar = a[:, :m.code], a[:, m.code:]
            a = mu + torch.exp(0.5 * logvar) * E[start:start + m.batch_size]
            for l in range(n_enc, len(params) // 2):
                z = a @ params[2 * l] + params[2 * l + 1]
                a = z if l == len(params) // 2 - 1 else torch.tanh(z)
            recon = torch.nn.functional.binary_cross_entropy_with_logits(a, x, reduction="sum") / len(x)
            kl = -0.5 * torch.sum(1 + logvar - mu ** 2 - torch.exp(logvar)) / len(x)
            opt.zero_grad()
            (recon + kl).backward()
            opt.step()
    return run


def main(net: str = "vae", quick: bool = False) -> None:
    print("dlsim bench: VAE, one epoch of 1,000 digits (64 values), batches of 32, tanh, BCE + KL, Adam; "
          "median ms/epoch")
    print(timing.header(34, "ms"))
    for encoder, code in (CONFIGS[:2] if quick else CONFIGS):
        m = dlsim.make("vae", seed=0, encoder=encoder, code=code).model
        weights = sum(int(W.size) for W, _ in m.layers())
        seconds = 0.2 if quick else 0.6
        fused = timing.median_us(_runner(kernel, m), seconds) / 1e3
        numpy = timing.median_us(_runner(ref, m), seconds, 3) / 1e3
        torch_run = _torch_runner(m)
        torch_ms = timing.median_us(torch_run, seconds, 3) / 1e3 if torch_run else None
        label = f"{'-'.join(map(str, m.enc_sizes))}|{'-'.join(map(str, m.dec_sizes))} ({weights:,} w)"
        print(timing.row(label, fused, numpy, torch_ms, 34), flush=True)
