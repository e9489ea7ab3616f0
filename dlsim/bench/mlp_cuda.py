"""`dlsim bench mlp --backend cuda`: the MLP's fused epochs on the GPU against the CPU's fused path.

Two configs: the default MLP (2-16-16-1, 256 samples, full batch), and one where a GPU should win
(hidden 512×512, batch 4,096). Both sides train the same epochs from the same weights; the figure is
samples per second (s/s), the GPU's including its copies in and out (one chunk). Bandwidth: the
bytes one step must move at least (parameters, gradients and Adam's moments, and every layer's
z, a and δ written and read back) over the step's time, against the device's peak.
"""
import numpy as np

import dlsim
from dlsim.bench import gpu_timing
from dlsim.kernels import mlp, mlp_cuda

CONFIGS = {"default (2-16-16-1, full batch)": {},
           "hidden 512×512, batch 4096": {"hidden": (512, 512), "batch": 4096, "samples": 16384}}
QUICK = {"hidden 512×512, batch 4096": {"samples": 4096}}


def _rate(kernels, m, epochs: int, repeats: int) -> tuple[float, float]:
    """(samples/s, seconds per step) of `epochs` fused epochs from the model's weights."""
    orders = np.stack([m.order(e) for e in range(epochs)]).astype(np.int64)

    def call():
        th = m.theta.copy()
        grad, mm, v = np.zeros_like(th), np.zeros_like(th), np.zeros_like(th)
        kernels.train_epochs(th, grad, mm, v, 0, m.sizes, m.acts, m.loss_kind, *m.hyper(), m.X, m.Y,
                             orders, m.batch_size, np.zeros(epochs))
    took = gpu_timing.seconds(call, repeats)
    return epochs * m.X.shape[0] / took, took / (epochs * m.n_batches())


def _moved(m) -> float:
    units = int(m.sizes.sum())
    return 8.0 * (7 * m.theta.size + 6 * units * min(m.batch_size, m.X.shape[0]))


def main(net: str = "mlp", quick: bool = False) -> None:
    name, peak = gpu_timing.device()
    print(f"MLP fused epochs, adam, tanh, BCE: cpu (Numba, 1 thread) against {name}")
    print(gpu_timing.header())
    for label, config in CONFIGS.items():
        config = {**config, **(QUICK.get(label, {}) if quick else {})}
        m = dlsim.make("mlp", seed=0, dataset="spiral", optimizer="adam", **config).model
        big = m.theta.size > 10_000
        cpu, _ = _rate(mlp, m, 1 if big else 200, 1 if big or quick else 3)
        gpu, step = _rate(mlp_cuda, m, 5 if big else 50, 3)
        print(gpu_timing.row(label, cpu, gpu, _moved(m), step, peak), flush=True)
