"""`dlsim bench transformer --backend cuda`: the transformer's fused epochs on the GPU against the
CPU's fused path, at the default size and at one where a GPU should win (each sequence is one GPU
thread: a batch of a few sequences leaves most of the device idle). The figure is sequences per
second (s/s), the GPU's including its copies; bandwidth: each sequence's workspaces and gradient row
written and read."""
import numpy as np

import dlsim
from dlsim.bench import gpu_timing
from dlsim.kernels import transformer, transformer_cuda

CONFIGS = {"default (d 16, 2 heads, batch 16)": {},
           "d 32, 4 heads, 8,192 sequences, batch 1,024": {"d_model": 32, "heads": 4, "samples": 8192, "batch": 1024}}
QUICK = {"d 32, 4 heads, 8,192 sequences, batch 1,024": {"samples": 2048}}


def _rate(kernels, m, repeats: int) -> tuple[float, float]:
    """(sequences/s, seconds per sequence) of one fused epoch from the model's parameters."""
    n = m.X.shape[0]
    orders = m.order(0)[None, :].astype(np.int64)

    def epoch():
        theta = m.theta.copy()
        zeros = [np.zeros_like(theta) for _ in range(3)]
        kernels.train_epochs(theta, *zeros, 0, m.cfg, m.hyper(), m.X, m.Y, orders, m.batch_size, np.zeros(1), 0)
    took = gpu_timing.seconds(epoch, repeats)
    return n / took, took / n


def main(net: str = "transformer", quick: bool = False) -> None:
    name, peak = gpu_timing.device()
    print(f"transformer fused epoch: cpu (Numba, 1 thread) against {name}")
    print(gpu_timing.header())
    for label, config in CONFIGS.items():
        config = {**config, **(QUICK.get(label, {}) if quick else {})}
        m = dlsim.make("transformer", seed=0, test=0, **config).model
        cpu, _ = _rate(transformer, m, 1 if quick else 3)
        gpu, per_sequence = _rate(transformer_cuda, m, 3)
        workspaces = sum(a.size for a in transformer.workspace(m.cfg) + transformer.gradient_workspace(m.cfg))
        moved = (2 * workspaces + 2 * m.theta.size) * 8
        print(gpu_timing.row(label, cpu, gpu, moved, per_sequence, peak), flush=True)
