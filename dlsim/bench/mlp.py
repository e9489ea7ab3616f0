"""`dlsim bench mlp`: the compiled MLP training step against NumPy and (if installed) PyTorch eager.

The default MLP: 2-16-16-1, tanh, sigmoid output with binary cross-entropy, plain SGD, 256 samples,
full batch, so one epoch is one step. Each contender runs the same step from the same weights; the
figure is the median µs per step over several timed blocks.
"""
import statistics
import sys
import time

import numpy as np

import dlsim
from dlsim.bench import timing
from dlsim.kernels import mlp_reference as ref


def _median_us(step, steps: int, blocks: int) -> float:
    times = []
    for _ in range(blocks):
        start = time.perf_counter()
        step(steps)
        times.append((time.perf_counter() - start) / steps * 1e6)
    return statistics.median(times)


def _problem():
    sim = dlsim.make("mlp", seed=0, dataset="spiral")
    m = sim.model
    return m, m.theta.copy()


def numba_runner(m, theta):
    th, grad, mm, v = theta.copy(), np.zeros_like(theta), np.zeros_like(theta), np.zeros_like(theta)
    hyper = m.hyper()

    def run(steps):
        orders = np.tile(np.arange(m.X.shape[0]), (steps, 1))
        from dlsim.kernels import mlp
        mlp.train_epochs(th, grad, mm, v, 0, m.sizes, m.acts, m.loss_kind, *hyper, m.X, m.Y,
                         orders, m.batch_size, np.zeros(steps))
    return run


def numpy_runner(m, theta):
    th = theta.copy()
    sizes, acts, lr = list(m.sizes), list(m.acts), float(m.config["lr"])

    def run(steps):
        for _ in range(steps):
            _, grad = ref.gradients(th, sizes, acts, m.loss_kind, m.X, m.Y)
            th[:] -= lr * grad
    return run


def torch_runner(m, theta):
    torch = timing.torch()
    if torch is None:
        return None
    params = [torch.tensor(a.copy(), requires_grad=True) for pair in ref.unpack(theta.copy(), list(m.sizes))
              for a in pair]
    X, Y = torch.tensor(m.X), torch.tensor(m.Y)
    lr = float(m.config["lr"])

    def run(steps):
        for _ in range(steps):
            a = X
            for l in range(0, len(params) - 2, 2):
                a = torch.tanh(a @ params[l] + params[l + 1])
            p = torch.sigmoid(a @ params[-2] + params[-1])
            loss = torch.nn.functional.binary_cross_entropy(p, Y)
            for t in params:
                t.grad = None
            loss.backward()
            with torch.no_grad():
                for t in params:
                    t -= lr * t.grad
    return run


def main(net: str = "mlp", quick: bool = False) -> None:
    m, theta = _problem()
    steps, blocks = (200, 3) if quick else (2000, 7)
    print(f"dlsim bench: MLP {'-'.join(map(str, m.sizes))}, tanh, BCE, SGD, {m.X.shape[0]} samples, "
          f"full batch; median of {blocks} blocks of {steps} steps")
    contenders = {"numba (fused)": numba_runner(m, theta), "numpy": numpy_runner(m, theta),
                  "torch eager (1 thread)": torch_runner(m, theta)}
    start = time.perf_counter()
    contenders["numba (fused)"](1)  # compile (or load from the on-disk cache) before timing
    print(f"  compile/load: {time.perf_counter() - start:.2f} s")
    results = {}
    for name, run in contenders.items():
        if run is None:
            print(f"  {name:24s} not installed")
            continue
        run(max(steps // 10, 1))  # warm up
        results[name] = _median_us(run, steps, blocks)
        print(f"  {name:24s} {results[name]:9.1f} µs/step")
    fused = results["numba (fused)"]
    for name, us in results.items():
        if name != "numba (fused)":
            print(f"  numba is {us / fused:.1f}× faster than {name}")
    sys.stdout.flush()
