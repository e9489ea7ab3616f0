"""`dlsim bench rnn --backend cuda` and `dlsim bench lstm --backend cuda`: the fused epochs on the GPU
against the CPU's fused path.

Two configs each: the network's default (sine, hidden 16, T = 20 as `dlsim run` makes it) and one
where a GPU should win (hidden 128, T = 100, batch 256 on 1,024 sequences). Both sides train the
same epochs from the same weights; the figure is sequences per second (s/s), the GPU's including its
copies (one chunk). Bandwidth: the bytes a batch must move at least (parameters, gradients and
Adam's moments, and every step's states and δ written and read back) over the batch's time.
"""
import numpy as np

import dlsim
from dlsim.bench import gpu_timing
from dlsim.kernels import lstm, lstm_cuda, rnn, rnn_cuda
from dlsim.kernels import recurrent as rc

NETS = {"rnn": (rnn, rnn_cuda), "lstm": (lstm, lstm_cuda)}
CONFIGS = {"default": {},
           "hidden 128, T = 100, batch 256": {"hidden": 128, "length": 100, "batch": 256, "samples": 1024}}
QUICK = {"hidden 128, T = 100, batch 256": {"samples": 256}}


def _rate(kernels, m, epochs: int, repeats: int) -> tuple[float, float]:
    """(sequences/s, seconds per batch) of `epochs` fused epochs from the model's weights."""
    orders = np.stack([m.order(e) for e in range(epochs)]).astype(np.int64)

    def call():
        th = m.theta.copy()
        grad, mm, v = np.zeros_like(th), np.zeros_like(th), np.zeros_like(th)
        kernels.train_epochs(th, grad, mm, v, 0, m.cfg, m.hyper(), m.X, m.Y, orders, m.batch_size,
                             np.zeros(epochs), np.zeros(epochs), np.zeros_like(m.dh_norms))
    took = gpu_timing.seconds(call, repeats)
    return epochs * m.X.shape[0] / took, took / (epochs * m.n_batches())


def _moved(m) -> float:
    """Bytes a batch moves at least: the optimizer's buffers, and each step's blocks of every layer."""
    B, T = min(m.batch_size, m.X.shape[0]), m.X.shape[1]
    H, L = int(m.cfg[rc.HIDDEN]), int(m.cfg[rc.LAYERS])
    rows = m.gates * H + 2 * H
    return 8.0 * (7 * m.theta.size + 4 * rows * B * T * L)


def main(net: str = "lstm", quick: bool = False) -> None:
    cpu_kernels, gpu_kernels = NETS[net]
    name, peak = gpu_timing.device()
    print(f"{net.upper()} fused epochs (sine, adam): cpu (Numba, 1 thread) against {name}")
    print(gpu_timing.header())
    for label, config in CONFIGS.items():
        config = {**config, **(QUICK.get(label, {}) if quick else {})}
        m = dlsim.make(net, seed=0, dataset="sine", optimizer="adam", **config).model
        big = m.theta.size * m.X.shape[1] > 100_000
        cpu, _ = _rate(cpu_kernels, m, 1 if big else 20, 1 if big or quick else 3)
        gpu, step = _rate(gpu_kernels, m, 2 if big else 5, 1 if quick else 3)
        print(gpu_timing.row(label, cpu, gpu, _moved(m), step, peak), flush=True)
