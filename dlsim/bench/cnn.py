"""`dlsim bench cnn`: the CNN's training step: the compiled kernel (dlsim.kernels.cnn.train_batch) against the
vectorised NumPy implementation (dlsim.kernels.cnn_reference, windows by stride tricks and einsum)
and, when PyTorch is installed, PyTorch eager (conv2d, one thread).

    dlsim bench cnn [--quick]

The default CNN: 8×8 digits, one conv layer of four 3×3 kernels (stride 1, valid), ReLU, 2×2 max
pool, dense to the 10 classes, softmax cross-entropy, plain SGD; batch 1 and 32. The full run adds how
the step time grows with the image side (8 → 28) and the kernels per layer (4 → 32), at batch 32 (not with --quick).
The figure is the median µs per step over many timed steps. It is a timing, not a test: run it on a
quiet machine.
"""
import numpy as np

from dlsim.bench import timing
from dlsim.kernels import cnn
from dlsim.kernels import cnn_reference as ref
from dlsim.kernels.activations import RELU
from dlsim.kernels.optimizers import SGD
from dlsim.protocol import images

LR = 0.05


def _torch_step(conv, sizes, theta, X, Y):
    """The same network and step in PyTorch eager, or None when PyTorch is not installed."""
    torch = timing.torch()
    if torch is None:
        return None
    (K, b), = [(torch.tensor(K, requires_grad=True), torch.tensor(b, requires_grad=True))
               for K, b in ref.unpack(theta.copy(), conv, sizes)[0]]
    (W, c), = [(torch.tensor(W, requires_grad=True), torch.tensor(c, requires_grad=True))
               for W, c in ref.unpack(theta.copy(), conv, sizes)[1]]
    params = [K, b, W, c]
    opt = torch.optim.SGD(params, lr=LR)
    x, target = torch.tensor(X), torch.tensor(Y.argmax(axis=1))

    def step():
        opt.zero_grad()
        a = torch.nn.functional.max_pool2d(torch.relu(torch.nn.functional.conv2d(x, K, b)), 2)
        loss = torch.nn.functional.cross_entropy(a.flatten(1) @ W + c, target)
        loss.backward()
        opt.step()
    return step


def bench(side: int, kernels: int, batch: int, X_all=None, classes: int = 10):
    conv, sizes = cnn.network((1, side, side), [dict(kernels=kernels, size=3, stride=1, padding=cnn.VALID,
                                                     act=RELU, pool=cnn.MAX)], classes)
    rng = np.random.default_rng(0)
    theta = rng.normal(0.0, 0.3, cnn.param_offsets(conv, sizes)[-1])
    X = X_all[:batch] if X_all is not None else rng.uniform(0.0, 1.0, (batch, 1, side, side))
    Y = np.eye(classes)[rng.integers(0, classes, batch)]
    compiled, grad, m, v = theta.copy(), np.zeros_like(theta), np.zeros_like(theta), np.zeros_like(theta)
    fused = timing.median_us(lambda: cnn.train_batch(compiled, grad, m, v, 1, 0, conv, sizes, RELU, SGD, LR, 0.0, 0.9,
                                               0.999, 1e-8, X, Y))
    reference, state = theta.copy(), {"m": 0.0, "v": 0.0, "t": 0}
    numpy = timing.median_us(lambda: ref.train_step(reference, state, conv, sizes, RELU, X, Y, "sgd", LR))
    torch_step = _torch_step(conv, sizes, theta, X, Y)
    torch = timing.median_us(torch_step) if torch_step else None
    return fused, numpy, torch


def main(net: str = "cnn", quick: bool = False) -> None:
    digits, _ = images.digits()
    print("CNN training step (SGD), µs per step")
    print(timing.header())
    for batch in (1, 32):
        print(timing.row(f"default, batch {batch}", *bench(8, 4, batch, digits)))
    if not quick:
        for side in (8, 12, 16, 20, 28):
            print(timing.row(f"{side}×{side}, 4 kernels, b32", *bench(side, 4, 32)))
        for kernels in (4, 8, 16, 32):
            print(timing.row(f"8×8, {kernels} kernels, b32", *bench(8, kernels, 32)))

