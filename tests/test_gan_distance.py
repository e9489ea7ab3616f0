"""The GAN's (and the diffusion model's) distance between real and generated points reads what
np.histogram2d's cells give, bit for bit, now that it counts them without histogram2d: points on an
edge, NaN, ±∞, a collapsed generator, an empty set of fakes."""
import numpy as np
import pytest

from dlsim.models.point_distance import binned_distance


def _reference(real, fake, bins=8):
    lo, hi = real.min(axis=0), real.max(axis=0)
    pad = 0.1 * np.maximum(hi - lo, 1e-9)
    edges = [np.linspace(lo[i] - pad[i], hi[i] + pad[i], bins + 1) for i in range(2)]

    def shares(points):
        counts = np.histogram2d(points[:, 0], points[:, 1], bins=edges)[0].ravel()
        return np.append(counts, len(points) - counts.sum()) / max(len(points), 1)
    return float(0.5 * np.abs(shares(real) - shares(fake)).sum())


@pytest.mark.parametrize("seed", range(40))
def test_the_distance_is_histogram2ds(seed):
    rng = np.random.default_rng(seed)
    real = rng.normal(size=(int(rng.integers(2, 200)), 2)) * rng.uniform(0.1, 5)
    fake = rng.normal(size=(int(rng.integers(4, 200)), 2)) * rng.uniform(0.1, 10)
    lo, hi = real.min(axis=0), real.max(axis=0)
    pad = 0.1 * np.maximum(hi - lo, 1e-9)
    fake[0], fake[1] = hi + pad, lo - pad          # on the outermost edges
    fake[2, 0], fake[3, 1] = np.nan, np.inf
    if seed % 3 == 0:
        fake[4:] = real[0]                          # a collapsed generator: every fake in one cell
    assert binned_distance(real, fake) == _reference(real, fake)


def test_no_fakes_and_identical_sets():
    real = np.random.default_rng(1).normal(size=(50, 2))
    assert binned_distance(real, real.copy()) == 0.0
    assert binned_distance(real, np.empty((0, 2))) == _reference(real, np.empty((0, 2)))
