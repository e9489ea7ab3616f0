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


# --- vector sets for the self-organizing map (classes are for colouring the map, not for training) ---
def _colors(rng, n, noise):
    """Random RGB colours in [0, 1]³, labelled by their strongest channel: the classic colour map."""
    X = rng.uniform(0.0, 1.0, (n, 3))
    return np.clip(X + rng.normal(0, noise, X.shape), 0.0, 1.0), X.argmax(axis=1).astype(np.int64)


def _blobs3(rng, n, noise):
    """Three round Gaussian blobs in the plane."""
    y = np.arange(n) % 3
    centres = np.array([[-0.5, -0.4], [0.5, -0.4], [0.0, 0.5]])[y]
    return centres + rng.normal(0, 0.15 + noise, (n, 2)), y


def _ring(rng, n, noise):
    """One annulus: a shape a flat grid can only cover by folding (one class)."""
    radius, angle = rng.uniform(0.6, 1.0, n), rng.uniform(0, 2 * np.pi, n)
    X = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    return X + rng.normal(0, noise, X.shape), np.zeros(n, np.int64)


# Per-species means and standard deviations (cm) of Fisher's iris measurements (sepal length,
# sepal width, petal length, petal width); the points are drawn from them, not shipped.
_IRIS = np.array([[[5.006, 3.428, 1.462, 0.246], [0.352, 0.379, 0.174, 0.105]],
                  [[5.936, 2.770, 4.260, 1.326], [0.516, 0.314, 0.470, 0.198]],
                  [[6.588, 2.974, 5.552, 2.026], [0.636, 0.322, 0.552, 0.275]]])


def _iris(rng, n, noise):
    """Iris-like 4-D flowers, three species, generated from the real per-species statistics."""
    y = np.arange(n) % 3
    X = _IRIS[y, 0] + rng.normal(0, 1, (n, 4)) * (_IRIS[y, 1] + noise)
    return np.maximum(X, 0.1), y


# name: (generator, classes). Kept apart from GENERATORS, whose sets are all 2-D with two classes.
VECTOR_SETS = {"colors": (_colors, 3), "blobs3": (_blobs3, 3), "ring": (_ring, 1), "iris": (_iris, 3)}


def make(name: str, samples: int = 256, test: int = 64, noise: float = 0.0, seed: int = 0) -> Dataset:
    """The named dataset with `samples` training and `test` test points.

    Truth tables (and, or, xor4) are the four corners of the unit square, with no test set.
    """
    if name in TRUTH_TABLES:
        X, y = _truth_table(TRUTH_TABLES[name])
        return Dataset(name, X, y, X[:0], y[:0])
    generator, classes = VECTOR_SETS.get(name, (GENERATORS.get(name), 2))
    if generator is None:
        raise unknown("dataset", name, NAMES + tuple(VECTOR_SETS))
    rng = np.random.default_rng([seed, 7919])  # the data's stream stays apart from the weights'
    X, y = generator(rng, samples + test, noise)
    order = rng.permutation(samples + test)
    X, y = X[order], y[order]
    return Dataset(name, X[:samples], y[:samples], X[samples:], y[samples:], classes)


def one_hot(y: np.ndarray, classes: int) -> np.ndarray:
    out = np.zeros((y.shape[0], classes))
    out[np.arange(y.shape[0]), y] = 1.0
    return out
