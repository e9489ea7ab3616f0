"""The GAN's real distributions: 2-D point sets a learner recognises at a glance, each of one class
(the labels mean nothing to a GAN: every point is "real"). Registered as point sets on import;
two moons is the MLP's, its two classes merged."""
import numpy as np

from dlsim.protocol.datasets import POINTS, Source, register

SPREAD = 0.05   # the standard deviation of each small Gaussian (before the `noise` option's)


def _ring8(rng, n, noise):
    """Eight small Gaussians on a circle of radius 1: the classic test of mode collapse."""
    angle = 2 * np.pi * (np.arange(n) % 8) / 8
    centres = np.stack([np.cos(angle), np.sin(angle)], axis=1)
    return centres + rng.normal(0, SPREAD + noise, (n, 2)), np.zeros(n, np.int64)


def _gaussian1(rng, n, noise):
    """One round Gaussian off the origin (where G starts): the simplest thing to learn."""
    return np.array([0.5, 0.5]) + rng.normal(0, 0.15 + noise, (n, 2)), np.zeros(n, np.int64)


def _line(rng, n, noise):
    """A segment from (−0.8, −0.4) to (0.8, 0.4): a 1-D shape, which a 1-D latent z can match."""
    t = rng.uniform(-1, 1, n)
    X = np.stack([0.8 * t, 0.4 * t], axis=1)
    return X + rng.normal(0, 0.02 + noise, X.shape), np.zeros(n, np.int64)


def _grid25(rng, n, noise):
    """A 5×5 grid of small Gaussians over [−1, 1]²: 25 modes."""
    k = np.arange(n) % 25
    centres = np.stack([k % 5, k // 5], axis=1) * 0.5 - 1.0
    return centres + rng.normal(0, SPREAD + noise, (n, 2)), np.zeros(n, np.int64)


SETS = {"ring8": _ring8, "gaussian1": _gaussian1, "line": _line, "grid25": _grid25}
for _name, _generate in SETS.items():
    register(_name, Source(POINTS, _generate, 1))
