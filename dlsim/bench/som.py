"""`dlsim bench som`: one SOM epoch, the fused Numba kernel against the vectorised NumPy SOM (dlsim's reference,
per sample vectorised over all nodes, as MiniSom does) on the same config, the same steps in PyTorch
eager (one thread) when it is installed, and MiniSom itself when it is installed (same data, grid
and σ; its own asymptotic decay), for a few grid sizes.

    dlsim bench som [--quick]

Both run the same epoch from the same weights (300 RGB colours, gaussian, exponential decay) and
both compute the epoch's quantization and topographic errors; the figure is the median ms per
epoch over several timed epochs. Run it on a quiet machine: it is a timing, not a test.
"""

import numpy as np

import dlsim
from dlsim.bench import timing
from dlsim.bench.timing import torch
from dlsim.kernels import som as kernel
from dlsim.kernels import som_reference as ref


def _median_ms(epoch, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = timing.clock()
        epoch()
        times.append((timing.clock() - start) * 1e3)
    return timing.pick(times)


def _minisom_epoch(side: int, X: np.ndarray):
    """One epoch of MiniSom on the same data and grid (its own decay; errors included), or None
    when MiniSom is not installed."""
    try:
        from minisom import MiniSom
    except ImportError:
        return None

    def epoch():
        som = MiniSom(side, side, X.shape[1], sigma=side / 2, learning_rate=0.5, random_seed=0)
        som.train(X, len(X), random_order=True)
        som.quantization_error(X), som.topographic_error(X)
    return epoch


def _torch_epoch(m, W: np.ndarray, order: np.ndarray, lr0: float, sigma0: float):
    """The reference's epoch in PyTorch eager (gaussian neighbourhood, exponential decay, as benched):
    per sample the BMU over all nodes and the pull of every node, then both errors; or None."""
    tm = torch()
    if tm is None:
        return None
    X, pos, T = tm.from_numpy(m.X), tm.from_numpy(m.pos), float(m.horizon())
    rows = [X[int(s)] for s in order]

    def epoch():
        w = tm.from_numpy(W.copy())
        for t, x in enumerate(rows):
            f = min(t, T) / T
            lr, sigma = lr0 * np.exp(-2.0 * f), sigma0 * np.exp(-2.0 * f)
            b = int(((w - x) ** 2).sum(dim=1).argmin())
            h = tm.exp(-((pos - pos[b]) ** 2).sum(dim=1) / (2.0 * sigma * sigma))
            w += (lr * h)[:, None] * (x[None, :] - w)
        d2 = ((X[:, None, :] - w[None, :, :]) ** 2).sum(dim=2)
        two = tm.topk(d2, 2, dim=1, largest=False).indices
        tm.sqrt(d2.gather(1, two[:, :1])).mean()                                        # quantization error
        (((pos[two[:, 0]] - pos[two[:, 1]]) ** 2).sum(dim=1) > ref.NEIGHBOUR_D2).float().mean()   # topographic
    return epoch


def bench(side: int, repeats: int = 5) -> tuple[float, float, float | None, float | None]:
    m = dlsim.make("som", seed=0, rows=side, cols=side, sigma=side / 2).model
    orders = m.order(0)[None, :].astype(np.int64)
    args = (m.pos, m.X, orders, 0, m.horizon(), 0.5, side / 2, m.decay_kind, m.kind, np.zeros(1), np.zeros(1))
    W = m.W.copy()
    kernel.train_epochs(W.copy(), *args)   # compile or load from the cache before timing
    fused = _median_ms(lambda: kernel.train_epochs(W.copy(), *args), repeats)
    numpy = _median_ms(lambda: ref.train_epochs(W.copy(), *args), max(repeats // 2, 2))
    minisom = _minisom_epoch(side, m.X)
    eager = _torch_epoch(m, W, orders[0], 0.5, side / 2)
    return (fused, numpy, _median_ms(minisom, max(repeats // 2, 2)) if minisom else None,
            _median_ms(eager, max(repeats // 2, 2)) if eager else None)


def main(net: str = "som", quick: bool = False) -> None:
    print("SOM epoch, 300 RGB colours, gaussian, exponential decay; median ms per epoch")
    print("grid     fused ms/epoch   numpy ms/epoch   speed-up   torch ms/epoch   speed-up   MiniSom ms/epoch   speed-up")
    for side in ((10,) if quick else (5, 10, 20, 40)):
        fused, numpy, minisom, eager = bench(side, repeats=3 if quick else 5)
        versus = (f"   {eager:>14.2f}   {eager / fused:>7.1f}×" if eager is not None else f"   {'—':>14}   {'—':>8}")
        other = (f"   {minisom:>16.2f}   {minisom / fused:>7.1f}×" if minisom is not None
                 else "   MiniSom not installed")
        print(f"{side:>2}×{side:<4} {fused:>14.2f}   {numpy:>14.2f}   {numpy / fused:>7.1f}×{versus}{other}", flush=True)
