"""The SOM in plain vectorised NumPy: the reference the compiled kernels are checked against, and
the baseline `tools/som_bench.py` times them against. Same formulas as dlsim/kernels/som.py,
written over whole arrays (so sums may round differently in the last bit)."""
import numpy as np

from dlsim.kernels.som import (ASYMPTOTIC, BUBBLE, EXPONENTIAL, GAUSSIAN, LINEAR, NEIGHBOUR_D2,
                               TRIANGLE)


def grid_positions(rows: int, cols: int, hexagonal: bool) -> np.ndarray:
    """(rows·cols, 2) places on the grid, row-major; hexagonal shifts odd rows by ½, rows √3/2 apart."""
    r, c = np.divmod(np.arange(rows * cols), cols)
    if not hexagonal:
        return np.stack([r, c], axis=1).astype(np.float64)
    return np.stack([r * (np.sqrt(3.0) / 2.0), c + 0.5 * (r % 2)], axis=1)


def distances2(x: np.ndarray, W: np.ndarray) -> np.ndarray:
    return ((x[None, :] - W) ** 2).sum(axis=1)


def find_bmu(x: np.ndarray, W: np.ndarray) -> tuple[int, float, int, float]:
    d2 = distances2(x, W)
    best, second = np.argsort(d2, kind="stable")[:2]
    return int(best), float(d2[best]), int(second), float(d2[second])


def neighbourhood(g2: np.ndarray, sigma: float, kind: int) -> np.ndarray:
    if kind == GAUSSIAN:
        return np.exp(-g2 / (2.0 * sigma * sigma))
    if kind == BUBBLE:
        return (g2 <= sigma * sigma).astype(np.float64)
    if kind == TRIANGLE:
        return np.maximum(0.0, 1.0 - np.sqrt(g2) / sigma)
    ratio = g2 / (sigma * sigma)
    return (1.0 - ratio) * np.exp(-0.5 * ratio)


def decay(v0: float, t: float, T: float, kind: int) -> float:
    f = min(t, T) / T
    if kind == EXPONENTIAL:
        return v0 * np.exp(-2.0 * f)
    if kind == LINEAR:
        return v0 * (1.0 - 0.9 * f)
    assert kind == ASYMPTOTIC
    return v0 / (1.0 + 2.0 * f)


def train_sample(x, W, pos, lr, sigma, kind):
    """One online step in place; returns the BMU search as the kernel does."""
    found = find_bmu(x, W)
    pull_all(x, W, pos, found[0], lr, sigma, kind)
    return found


def pull_all(x, W, pos, b, lr, sigma, kind):
    """The update pass alone, in place, around node b."""
    W += (lr * neighbourhoods(pos, b, sigma, kind))[:, None] * (x[None, :] - W)


def bmus(X: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Each row's closest node (the first of equals), a block of rows at a time: bounded memory."""
    block = max(1, 2**20 // max(W.size, 1))
    found = [((X[s:s + block, None, :] - W[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)
             for s in range(0, len(X), block)]
    return np.concatenate(found).astype(np.int64) if found else np.zeros(0, np.int64)


def neighbourhoods(pos: np.ndarray, b: int, sigma: float, kind: int) -> np.ndarray:
    return neighbourhood(((pos - pos[b]) ** 2).sum(axis=1), sigma, kind)


def umatrix(W: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    gaps = np.sqrt(((W[pairs[:, 0]] - W[pairs[:, 1]]) ** 2).sum(axis=1))
    total, count = np.zeros(len(W)), np.zeros(len(W))
    np.add.at(total, pairs.ravel(), np.repeat(gaps, 2))
    np.add.at(count, pairs.ravel(), 1)
    return total / np.maximum(count, 1)


def errors(X, W, pos) -> tuple[float, float]:
    d2 = ((X[:, None, :] - W[None, :, :]) ** 2).sum(axis=2)
    ranked = np.argsort(d2, axis=1, kind="stable")[:, :2]
    qe = np.sqrt(d2[np.arange(len(X)), ranked[:, 0]]).mean()
    apart = ((pos[ranked[:, 0]] - pos[ranked[:, 1]]) ** 2).sum(axis=1) > NEIGHBOUR_D2
    return float(qe), float(apart.mean())


def train_epochs(W, pos, X, orders, t0, T, lr0, sigma0, decay_kind, kind, qe_out, te_out):
    t = t0
    for e in range(orders.shape[0]):
        for s in orders[e]:
            train_sample(X[s], W, pos, decay(lr0, t, T, decay_kind), decay(sigma0, t, T, decay_kind), kind)
            t += 1
        qe_out[e], te_out[e] = errors(X, W, pos)
    return t
