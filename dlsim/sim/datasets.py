"""Seeded datasets: the 2-D point sets of TensorFlow Playground and the boolean truth tables.

Generated, never shipped. Every set is a function of (name, samples, test, noise, seed) alone.
Labels are class indices 0..C-1.
"""
from dataclasses import dataclass

import numpy as np

from dlsim.errors import unknown


@dataclass(frozen=True)
class Dataset:
    name: str
    X: np.ndarray        # (N, 2) training inputs
    y: np.ndarray        # (N,) class index
    X_test: np.ndarray   # (M, 2), M may be 0
    y_test: np.ndarray   # (M,)
    classes: int = 2


def _truth_table(fn):
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    return X, np.array([fn(int(a), int(b)) for a, b in X], dtype=np.int64)


TRUTH_TABLES = {"and": lambda a, b: a & b, "or": lambda a, b: a | b, "xor4": lambda a, b: a ^ b}


def _xor(rng, n, noise):
    X = rng.uniform(-1, 1, size=(n, 2))
    X += np.sign(X) * 0.05  # keep points off the axes, where the class is ambiguous
    y = (X[:, 0] * X[:, 1] < 0).astype(np.int64)
    return X + rng.normal(0, noise, X.shape), y


def _circle(rng, n, noise):
    y = np.arange(n) % 2
    radius = np.where(y == 0, rng.uniform(0, 0.45, n), rng.uniform(0.65, 1.0, n))
    angle = rng.uniform(0, 2 * np.pi, n)
    X = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    return X + rng.normal(0, noise, X.shape), y


def _moons(rng, n, noise):
    y = np.arange(n) % 2
    t = rng.uniform(0, np.pi, n)
    X = np.where(y[:, None] == 0,
                 np.stack([np.cos(t), np.sin(t)], axis=1),
                 np.stack([1 - np.cos(t), 0.5 - np.sin(t)], axis=1))
    X = (X - [0.5, 0.25]) / 1.2  # centre on the origin, inside [-1, 1]
    return X + rng.normal(0, noise, X.shape), y


def _spiral(rng, n, noise):
    y = np.arange(n) % 2
    r = rng.uniform(0.05, 1.0, n)
    angle = 1.75 * 2 * np.pi * r + np.pi * y
    X = np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1)
    return X + rng.normal(0, noise, X.shape), y


def _gaussian(rng, n, noise):
    y = np.arange(n) % 2
    centres = np.where(y[:, None] == 0, [-0.5, -0.5], [0.5, 0.5])
    return centres + rng.normal(0, 0.2 + noise, (n, 2)), y


GENERATORS = {"xor": _xor, "circle": _circle, "moons": _moons, "spiral": _spiral,
              "gaussian": _gaussian}
NAMES = tuple(TRUTH_TABLES) + tuple(GENERATORS)


def make(name: str, samples: int = 256, test: int = 64, noise: float = 0.0, seed: int = 0) -> Dataset:
    """The named dataset with `samples` training and `test` test points.

    Truth tables (and, or, xor4) are the four corners of the unit square, with no test set.
    """
    if name in TRUTH_TABLES:
        X, y = _truth_table(TRUTH_TABLES[name])
        return Dataset(name, X, y, X[:0], y[:0])
    if name not in GENERATORS:
        raise unknown("dataset", name, NAMES)
    rng = np.random.default_rng([seed, 7919])  # the data's stream stays apart from the weights'
    X, y = GENERATORS[name](rng, samples + test, noise)
    order = rng.permutation(samples + test)
    X, y = X[order], y[order]
    return Dataset(name, X[:samples], y[:samples], X[samples:], y[samples:])


def one_hot(y: np.ndarray, classes: int) -> np.ndarray:
    out = np.zeros((y.shape[0], classes))
    out[np.arange(y.shape[0]), y] = 1.0
    return out
