"""`dlsim bench mlp`: the MLP's fused epochs against its vectorised NumPy reference and (if installed)
PyTorch eager with one thread, over a grid of widths, sample counts and batch sizes.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 dlsim bench mlp [--quick]

(one BLAS thread, as the kernels and PyTorch here run on one.) The MLP: 2 inputs (the spiral), two
tanh hidden layers of 16, 64, 256 or 512 units, one sigmoid output with binary cross-entropy, plain
SGD; 256 or 4,096 samples, in batches of 32 or as one full batch. The first row is the default.
Every contender trains the same epochs from the same weights in the same sample orders; the figure is
the median µs per epoch (several epochs per timed call where an epoch is short, as in a run). The
cost grows with the weights a sample passes through (Σ of the layers' in × out) times the samples.
"""
import numpy as np

import dlsim
from dlsim.bench import timing
from dlsim.kernels import mlp as kernel
from dlsim.kernels import mlp_reference as ref

# (hidden widths, samples, batch; 0 = the full batch); --quick runs the first two
CONFIGS = tuple((hidden, samples, batch) for hidden in ((16, 16), (64, 64), (256, 256), (512, 512))
                for samples in (256, 4096) for batch in (0, 32))
WORK_PER_CALL = 5e6   # samples × weights per timed call at least (a call's overhead is shared)


def _problem(hidden, samples, batch):
    return dlsim.make("mlp", seed=0, dataset="spiral", hidden=hidden, samples=samples, batch=batch).model


def _weights(m) -> int:
    return int(sum(i * o for i, o in zip(m.sizes[:-1], m.sizes[1:])))


def _orders(m):
    epochs = int(max(1, min(64, WORK_PER_CALL // (m.X.shape[0] * _weights(m)))))
    return np.stack([m.order(e) for e in range(epochs)]).astype(np.int64)


def _runner(module, m, orders):
    """`len(orders)` epochs per call, from m's weights, on `module`'s train_epochs."""
    def run():
        theta = m.theta.copy()
        zeros = [np.zeros_like(theta) for _ in range(3)]
        module.train_epochs(theta, *zeros, 0, m.sizes, m.acts, m.loss_kind, *m.hyper(), m.X, m.Y, orders,
                            m.batch_size, np.zeros(len(orders)))
    return run


def _torch_runner(m, orders):
    torch = timing.torch()
    if torch is None:
        return None
    X, Y, lr = torch.tensor(m.X), torch.tensor(m.Y), float(m.config["lr"])
    orders_t = torch.tensor(orders)

    def run():
        params = [torch.tensor(a.copy(), requires_grad=True) for pair in ref.unpack(m.theta.copy(), list(m.sizes))
                  for a in pair]
        for order in orders_t:
            for start in range(0, len(order), m.batch_size):
                idx = order[start:start + m.batch_size]
                a = X[idx]
                for l in range(0, len(params) - 2, 2):
                    a = torch.tanh(a @ params[l] + params[l + 1])
                p = torch.sigmoid(a @ params[-2] + params[-1])
                loss = torch.nn.functional.binary_cross_entropy(p, Y[idx])
                for t in params:
                    t.grad = None
                loss.backward()
                with torch.no_grad():
                    for t in params:
                        t -= lr * t.grad
    return run


def main(net: str = "mlp", quick: bool = False) -> None:
    print("dlsim bench: MLP on the spiral, tanh hidden layers, sigmoid output, BCE, SGD; median µs per epoch")
    print(timing.header(30))
    for hidden, samples, batch in (CONFIGS[:2] if quick else CONFIGS):
        m = _problem(hidden, samples, batch)
        orders = _orders(m)
        seconds = 0.2 if quick else 0.6
        least = 3 if _weights(m) * samples > 1e8 else 5   # the widest, largest rows: fewer calls
        per = lambda run: timing.median_us(run, seconds, least) / len(orders)
        torch_run = _torch_runner(m, orders)
        label = f"{'-'.join(map(str, m.sizes))}, {samples}, {'full' if not batch else f'b{batch}'}"
        print(timing.row(label, per(_runner(kernel, m, orders)), per(_runner(ref, m, orders)),
                         per(torch_run) if torch_run else None, 30), flush=True)
