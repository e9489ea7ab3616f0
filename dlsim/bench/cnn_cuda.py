"""`dlsim bench cnn --backend cuda`: the CNN's fused epochs on the GPU against the CPU's fused path.

Two configs: the default CNN (`dlsim run cnn`: 8×8 bars, 4 kernels, batch 16) and one where a GPU
should win (28×28 images, 32 kernels 3×3, ReLU, 2×2 max pooling, 10 classes, batch 256 on 1,024
random images). Both sides train the same epochs from the same weights; the figure is images per
second (s/s), the GPU's including its copies (one chunk). Bandwidth: the bytes a batch must move at
least (parameters, gradients and Adam's moments, and every map and its δ written and read back)
over the batch's time.
"""
import numpy as np

import dlsim
from dlsim.bench import gpu_timing
from dlsim.kernels import cnn, cnn_cuda
from dlsim.kernels.activations import RELU
from dlsim.kernels.optimizers import ADAM

LARGE = {"side": 28, "kernels": 32, "classes": 10, "batch": 256, "images": 1024}


class Case:
    """What train_epochs takes, from a model or made up at the large size."""

    def __init__(self, theta, conv, sizes, dense_act, X, Y, batch):
        self.theta, self.conv, self.sizes, self.dense_act = theta, conv, sizes, dense_act
        self.X, self.Y, self.batch = X, Y, batch

    @classmethod
    def default(cls):
        m = dlsim.make("cnn", seed=0, optimizer="adam").model
        return cls(m.theta, m.conv, m.sizes, m.dense_act, m.X, m.Y, m.batch_size)

    @classmethod
    def large(cls, images):
        c = LARGE
        conv, sizes = cnn.network((1, c["side"], c["side"]), [dict(kernels=c["kernels"], size=3, stride=1,
                                  padding=cnn.VALID, act=RELU, pool=cnn.MAX)], c["classes"])
        rng = np.random.default_rng(0)
        theta = rng.normal(0.0, 0.1, cnn.param_offsets(conv, sizes)[-1])
        X = rng.random((images, 1, c["side"], c["side"]))
        Y = np.eye(c["classes"])[rng.integers(0, c["classes"], images)]
        return cls(theta, conv, sizes, RELU, X, Y, c["batch"])

    def moved(self) -> float:
        maps = int(cnn.map_offsets(self.conv, self.sizes)[-1])
        return 8.0 * (7 * self.theta.size + 4 * maps * min(self.batch, self.X.shape[0]))


def _rate(kernels, case, epochs: int, repeats: int) -> tuple[float, float]:
    """(images/s, seconds per batch) of `epochs` fused epochs from the case's weights."""
    n = case.X.shape[0]
    orders = np.stack([np.random.default_rng(e).permutation(n) for e in range(epochs)])

    def call():
        th = case.theta.copy()
        grad, m, v = np.zeros_like(th), np.zeros_like(th), np.zeros_like(th)
        kernels.train_epochs(th, grad, m, v, 0, 0, case.conv, case.sizes, case.dense_act, ADAM, 0.01, 0.9, 0.9,
                             0.999, 1e-8, case.X, case.Y, orders, case.batch, np.zeros(epochs))
    took = gpu_timing.seconds(call, repeats)
    return epochs * n / took, took / (epochs * -(-n // case.batch))


def main(net: str = "cnn", quick: bool = False) -> None:
    name, peak = gpu_timing.device()
    print(f"CNN fused epochs (adam, ReLU, max pool): cpu (Numba, 1 thread) against {name}")
    print(gpu_timing.header())
    cases = {"default (8×8, 4 kernels, batch 16)": Case.default(),
             "28×28, 32 kernels, batch 256": Case.large(256 if quick else LARGE["images"])}
    for label, case in cases.items():
        big = case.X[0].size > 100
        cpu, _ = _rate(cnn, case, 1 if big else 5, 1 if big or quick else 3)
        gpu, step = _rate(cnn_cuda, case, 1 if quick else 2 if big else 5, 1 if quick else 3)
        print(gpu_timing.row(label, cpu, gpu, case.moved(), step, peak), flush=True)
