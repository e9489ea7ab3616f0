"""`dlsim bench diffusion`: one epoch of the diffusion model's training on the ring, and one run of
its sampling chain, the fused Numba kernels against their vectorised NumPy references and (if
installed) PyTorch eager, for denoisers that grow.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 dlsim bench diffusion [--quick]

(one BLAS thread, as the kernels and PyTorch here run on one.)

Training: 1,024 points in batches of 64, each with its drawn t and ε, noised to x_t beside 6 time
features, through ReLU hidden layers to ε̂, MSE on ε, Adam: the same epoch from the same weights and
draws for each contender. Sampling: 256 points from x_T down 50 DDPM steps (ε̂, x̂₀, the posterior
mean, the noise added). The figure is the median ms.
"""
import numpy as np

import dlsim
from dlsim.bench import timing
from dlsim.kernels import diffusion as kernel
from dlsim.kernels import diffusion_reference as ref
from dlsim.kernels.mlp_reference import unpack

CONFIGS = ((32, 32), (64, 64), (128, 128, 128))


def _train(module, m, orders, ts, eps):
    def run():
        theta = m.theta.copy()
        zeros = [np.zeros_like(theta) for _ in range(3)]
        module.train_epochs(theta, *zeros, 0, m.sizes, m.acts, m.loss_kind, *m.hyper(), m.X, orders, m.batch_size,
                            np.zeros(1), ts, eps, m.sqrt_ab, m.sqrt_1mab, m.T)
    return run


def _sample(module, m):
    steps = m.sampler_steps()

    def run():
        path = np.empty((len(steps), len(m.x_T), 2))
        path[0] = m.x_T
        module.sample(m.theta, m.sizes, m.acts, m.alpha_bar, steps, m.z_eval, kernel.DDPM, m.T, path)
    return run


def _torch_train(m, orders, ts, eps):
    torch = timing.torch()
    if torch is None:
        return None
    X0, T_, E = (torch.tensor(a[orders[0]]) for a in (m.X, ts[0], eps[0]))   # in the epoch's order
    sqrt_ab, sqrt_1mab = torch.tensor(m.sqrt_ab), torch.tensor(m.sqrt_1mab)
    j = torch.arange(int(m.sizes[0]) - 2)
    scale = np.pi * 2.0 ** (j // 2).double()

    def run():
        params = [torch.tensor(a.copy(), requires_grad=True) for pair in unpack(m.theta.copy(), list(m.sizes))
                  for a in pair]
        opt = torch.optim.Adam(params, lr=float(m.config["lr"]), eps=1e-8)
        for start in range(0, len(X0), m.batch_size):
            x0, tb, eb = X0[start:start + m.batch_size], T_[start:start + m.batch_size], E[start:start + m.batch_size]
            x_t = sqrt_ab[tb, None] * x0 + sqrt_1mab[tb, None] * eb
            angle = scale[None, :] * tb[:, None].double() / m.T
            features = torch.where(j[None, :] % 2 == 0, torch.sin(angle), torch.cos(angle))
            a = torch.cat([x_t, features], dim=1)
            for l in range(0, len(params), 2):
                z = a @ params[l] + params[l + 1]
                a = z if l == len(params) - 2 else torch.relu(z)
            loss = torch.mean((a - eb) ** 2)
            opt.zero_grad()
            loss.backward()
            opt.step()
    return run


def main(net: str = "diffusion", quick: bool = False) -> None:
    print("dlsim bench: diffusion on the ring, T = 50; median ms")
    print("  train: one epoch of 1,024 points, batches of 64, ReLU, MSE on ε, Adam")
    print("  sample: 256 points down 50 DDPM steps (PyTorch: —, sampling is not timed there)")
    print(timing.header(30, "ms"))
    seconds = 0.2 if quick else 0.6
    for hidden in (CONFIGS[:2] if quick else CONFIGS):
        m = dlsim.make("diffusion", seed=0, hidden=hidden, samples=1024).model
        orders = m.order(0)[None, :].astype(np.int64)
        ts, eps = m.epoch_draws(0, 1)
        label = "-".join(map(str, m.sizes))
        fused = timing.median_us(_train(kernel, m, orders, ts, eps), seconds) / 1e3
        numpy = timing.median_us(_train(ref, m, orders, ts, eps), seconds, 3) / 1e3
        torch_run = _torch_train(m, orders, ts, eps)
        torch_ms = timing.median_us(torch_run, seconds, 3) / 1e3 if torch_run else None
        print(timing.row(f"train {label}", fused, numpy, torch_ms, 30), flush=True)
        fused = timing.median_us(_sample(kernel, m), seconds) / 1e3
        numpy = timing.median_us(_sample(ref, m), seconds, 3) / 1e3
        print(timing.row(f"sample {label}", fused, numpy, None, 30), flush=True)
