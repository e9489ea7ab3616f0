"""`dlsim bench gan --backend cuda`: the GAN's fused iterations on the GPU against the CPU's fused path.

Two configs: the default GAN (G and D 16×16, batch 64) and one where a GPU should win (G and D
256×256, batch 1,024). Both sides train the same iterations from the same weights and draws; the
figure is points per second through D (2B a D step, B a G step: s/s), the GPU's including its
copies (one chunk). Bandwidth: the bytes an iteration must move at least (both networks' parameters,
gradients and Adam's moments, and every layer's z, a and δ written and read back) over its time.
"""
import numpy as np

import dlsim
from dlsim.bench import gpu_timing
from dlsim.kernels import gan, gan_cuda

CONFIGS = {"default (16×16 each, batch 64)": {},
           "256×256 each, batch 1024": {"g_hidden": (256, 256), "d_hidden": (256, 256), "batch": 1024,
                                        "samples": 4096}}


def _points(m) -> int:
    """Points through D in one iteration."""
    return m.batch * (2 * m.config["k"] + 1)


def _rate(kernels, m, iterations: int, repeats: int) -> tuple[float, float]:
    """(points/s, seconds per iteration) of `iterations` fused iterations from the model's weights."""
    drawn = [m.draws(e) for e in range(iterations)]
    rows, Z = np.stack([d[0] for d in drawn]), np.stack([d[1] for d in drawn])

    def call():
        theta, grad, mm, v = m.theta.copy(), np.zeros_like(m.theta), np.zeros_like(m.theta), np.zeros_like(m.theta)
        parts = [m.part(buf, net) for net in ("D", "G") for buf in (theta, grad, mm, v)]
        kernels.train_iterations(*parts, 0, 0, m.sizes["D"], m.acts["D"], m.sizes["G"], m.acts["G"], m.hyper("D"),
                                 m.hyper("G"), m.g_kind(), m.X, rows, Z, m.config["k"], 1, np.empty(iterations),
                                 np.empty(iterations))
    took = gpu_timing.seconds(call, repeats)
    return iterations * _points(m) / took, took / iterations


def _moved(m) -> float:
    d_units, g_units = int(m.sizes["D"].sum()), int(m.sizes["G"].sum())
    units = d_units * 2 * m.batch * m.config["k"] + (d_units + g_units) * m.batch   # D steps, then the G step
    return 8.0 * (7 * m.theta.size + 6 * units)


def main(net: str = "gan", quick: bool = False) -> None:
    name, peak = gpu_timing.device()
    print(f"GAN fused iterations (k = 1, adam, tanh): cpu (Numba, 1 thread) against {name}")
    print(gpu_timing.header())
    for label, config in CONFIGS.items():
        m = dlsim.make("gan", seed=0, **config).model
        big = m.theta.size > 10_000
        cpu, _ = _rate(gan, m, 2 if big else 100, 1 if big or quick else 3)
        gpu, step = _rate(gan_cuda, m, 2 if quick else 10 if big else 50, 1 if quick else 3)
        print(gpu_timing.row(label, cpu, gpu, _moved(m), step, peak), flush=True)
