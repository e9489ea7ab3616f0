"""The RBF network's data: a noisy 1-D sine to fit (regression), or a 2-D point set to classify.

The sine's inputs are registered as a dataset of kind `vectors` with one feature (`sine1d`: x drawn
evenly at random over [−π, π]), so that `dlsim list`, the Simulator and saved sessions find it like
any other set; its targets t = sin(x) + noise·N(0, 1) are numbers, not classes, so the model makes
them here from the inputs and the seed (a stream of their own: the same data gives the same targets).
A classification set's targets are its labels 0 and 1, which the linear output fits by least squares.
"""
import numpy as np

from dlsim.protocol import datasets
from dlsim.protocol.datasets import VECTORS, Dataset, Source

SINE = "sine1d"          # the stored set's name (the model's option says "sine")
TARGET_SALT = 7927       # the targets' noise is drawn from default_rng([seed, TARGET_SALT, split])
POINT_SETS = ("xor", "circle", "moons", "gaussian", "spiral")


def _sine_inputs(rng, n, noise):
    """x (n, 1) evenly at random over [−π, π]; one class (the targets are made by `targets`)."""
    return rng.uniform(-np.pi, np.pi, (n, 1)), np.zeros(n, np.int64)


datasets.register(SINE, Source(VECTORS, _sine_inputs, 1))


def regression(data: Dataset) -> bool:
    """Whether the set is the sine (numbers to fit) rather than classes to separate."""
    return data.name == SINE


def targets(data: Dataset, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(T (N,), T_test (M,)): the training and test targets the output is fitted to."""
    if not regression(data):
        return data.y.astype(np.float64), data.y_test.astype(np.float64)
    out = []
    for split, X in enumerate((data.X, data.X_test)):
        rng = np.random.default_rng([seed, TARGET_SALT, split])
        out.append(np.sin(X[:, 0]) + noise * rng.normal(0.0, 1.0, len(X)))
    return out[0], out[1]
