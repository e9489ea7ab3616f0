"""`dlsim bench rbf --backend cuda`: the RBF network's fused epochs on the GPU against the CPU's fused
path: a delta-rule epoch with every parameter learned (full batch) at the default size and at one
where a GPU should win. The figure is samples per second (s/s), the GPU's including its copies;
bandwidth: each sample's row of φ and of gradient shares (2·K + P numbers) written and read back."""
import numpy as np

import dlsim
from dlsim.bench import gpu_timing
from dlsim.kernels import rbf, rbf_cuda

CONFIGS = {"default (9 units, 100 samples)": {}, "100 units, 100,000 samples": {"centres": 100, "samples": 100_000}}
QUICK = {"100 units, 100,000 samples": {"samples": 5_000}}


def _rate(kernels, m, repeats: int) -> tuple[float, float]:
    """(samples/s, seconds per sample) of one fused delta-rule epoch from the model's parameters."""
    K, D, n = m.K, m.D, m.X.shape[0]
    orders = np.arange(n, dtype=np.int64)[None, :]

    def epoch():
        theta = m.theta.copy()
        kernels.train_epochs(theta, np.zeros_like(theta), np.zeros_like(theta), np.zeros_like(theta), 0, K, D, True,
                             np.array([rbf.DELTA], np.int64), n, 0, 0.1, 0.9, 0.9, 0.999, 1e-8, 1e-8, m.X, m.T,
                             orders, np.zeros((K, D)), np.zeros(K), np.zeros((K + 1, K + 1)), np.zeros(K + 1),
                             np.zeros(1))
    took = gpu_timing.seconds(epoch, repeats)
    return n / took, took / n


def main(net: str = "rbf", quick: bool = False) -> None:
    name, peak = gpu_timing.device()
    print(f"RBF fused delta-rule epoch, every parameter learned: cpu (Numba, 1 thread) against {name}")
    print(gpu_timing.header())
    for label, config in CONFIGS.items():
        config = {**config, **(QUICK.get(label, {}) if quick else {})}
        m = dlsim.make("rbf", seed=0, test=0, **config).model
        cpu, _ = _rate(rbf, m, 1 if quick else 3)
        gpu, per_sample = _rate(rbf_cuda, m, 3)
        moved = (2 * m.K + m.theta.size) * 8 * 2
        print(gpu_timing.row(label, cpu, gpu, moved, per_sample, peak), flush=True)
