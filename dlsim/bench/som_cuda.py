"""`dlsim bench som --backend cuda`: the SOM's fused epochs on the GPU against the CPU's fused path.

Two configs: the default map (10×10 on 300 colours) and one where a GPU should win (50×50 on 10,000
vectors). Both train the same epoch from the same weights and compute its errors; the figure is
samples per second (s/s), the GPU's including its copies. Bandwidth: each sample reads the whole map
and writes it back (2·N·D·8 bytes) over the time per sample, against the device's peak.
"""
import numpy as np

import dlsim
from dlsim.bench import gpu_timing
from dlsim.kernels import som, som_cuda

CONFIGS = {"default (10×10, 300 samples)": {},
           "50×50, 10,000 samples": {"rows": 50, "cols": 50, "samples": 10_000, "sigma": 25.0}}
QUICK = {"50×50, 10,000 samples": {"samples": 2_000}}


def _rate(kernels, m, repeats: int) -> tuple[float, float]:
    """(samples/s, seconds per sample) of one fused epoch from the model's weights."""
    orders = m.order(0)[None, :].astype(np.int64)
    args = (m.pos, m.X, orders, 0, m.horizon(), float(m.config["lr"]), float(m.config["sigma"]),
            m.decay_kind, m.kind, np.zeros(1), np.zeros(1))
    took = gpu_timing.seconds(lambda: kernels.train_epochs(m.W.copy(), *args), repeats)
    return m.X.shape[0] / took, took / m.X.shape[0]


def main(net: str = "som", quick: bool = False) -> None:
    name, peak = gpu_timing.device()
    print(f"SOM fused epoch, gaussian, exponential decay: cpu (Numba, 1 thread) against {name}")
    print(gpu_timing.header())
    for label, config in CONFIGS.items():
        config = {**config, **(QUICK.get(label, {}) if quick else {})}
        m = dlsim.make("som", seed=0, **config).model
        cpu, _ = _rate(som, m, 1 if quick else 3)
        gpu, per_sample = _rate(som_cuda, m, 3)
        print(gpu_timing.row(label, cpu, gpu, 2.0 * m.W.size * 8, per_sample, peak), flush=True)
