"""The compiled seeded draws (dlsim.kernels.seeded) give NumPy's own numbers, bit for bit: a sample
order or a GAN iteration that differed would break every replay, rewind and comparison."""
import numpy as np
import pytest

import dlsim
from dlsim.kernels import seeded

# seeds and epochs of one 32-bit word, of two (SeedSequence splits them), zero, and odd sizes
CASES = [(0, 0, 1), (0, 0, 2), (3, 1000, 7), (10**9, 5, 256), (2**40 + 5, 7, 33), (123, 2**33 + 1, 100)]


@pytest.mark.parametrize("seed,first,n", CASES)
def test_orders_are_numpys_permutations(seed, first, n):
    got = seeded.orders(seed, first, 12, 17, n)
    want = np.stack([np.random.default_rng([seed, first + e, 17]).permutation(n) for e in range(12)])
    assert got.dtype == np.int64 and np.array_equal(got, want)


@pytest.mark.parametrize("normal", [False, True])
@pytest.mark.parametrize("n,k,batch,z_dim", [(512, 1, 64, 2), (1, 2, 3, 1), (300, 3, 17, 5)])
def test_gan_draws_are_numpys(normal, n, k, batch, z_dim):
    rows, Z = seeded.latent_draws(7, 40, 30, 31, n, (k, batch), (k + 1, batch, z_dim), normal)
    for e in range(30):
        rng = np.random.default_rng([7, 40 + e, 31])
        assert np.array_equal(rows[e], rng.integers(0, n, (k, batch)))
        want = rng.normal(0.0, 1.0, (k + 1, batch, z_dim)) if normal else rng.uniform(-1.0, 1.0, (k + 1, batch, z_dim))
        assert np.array_equal(Z[e].view(np.int64), want.view(np.int64))   # the bits, −0.0 included


def test_the_normal_tail_is_drawn_as_numpy_draws_it():
    """The ziggurat's rare branches (the tail beyond r, the wedges) need many draws to be reached."""
    _, Z = seeded.latent_draws(1, 0, 4, 31, 2, (1, 1), (1, 20000, 1), True)
    assert np.abs(Z).max() > 3.6   # some draws came from the tail beyond the ziggurat's last layer
    want = []
    for e in range(4):
        rng = np.random.default_rng([1, e, 31])
        rng.integers(0, 2, (1, 1))   # the iteration's real rows come first
        want.append(rng.normal(0.0, 1.0, (20000, 1)))
    assert np.array_equal(Z[:, 0].view(np.int64), np.stack(want).view(np.int64))


@pytest.mark.parametrize("backend", ["cpu", "numpy"])
def test_a_models_orders_are_its_epochs_orders(backend):
    model = dlsim.make("mlp", dataset="moons", seed=4, backend=backend, batch=8).model
    assert np.array_equal(model.orders(3, 5), np.stack([model.order(3 + e) for e in range(5)]))
