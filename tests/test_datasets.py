"""Seeded datasets: the same seed gives the same points, and each set has the shape it promises."""
import numpy as np
import pytest

import dlsim
from dlsim.errors import UserError
from dlsim.protocol import datasets

GENERATED = tuple(datasets.GENERATORS)


@pytest.mark.parametrize("name", GENERATED)
def test_generated_sets_are_seeded_and_shaped(name):
    a = datasets.make(name, samples=50, test=10, noise=0.1, seed=3)
    b = datasets.make(name, samples=50, test=10, noise=0.1, seed=3)
    c = datasets.make(name, samples=50, test=10, noise=0.1, seed=4)
    for field in ("X", "y", "X_test", "y_test"):
        assert np.array_equal(getattr(a, field), getattr(b, field)), field
    assert not np.array_equal(a.X, c.X)
    assert a.X.shape == (50, 2) and a.X_test.shape == (10, 2)
    assert a.y.shape == (50,) and a.y_test.shape == (10,)
    assert a.y.dtype == np.int64 and set(np.unique(a.y)) == {0, 1} and a.classes == 2
    assert np.all(np.isfinite(a.X)) and np.abs(a.X).max() < 3
    # train and test are different points
    assert not (a.X[:, None, :] == a.X_test[None, :, :]).all(axis=2).any()
    # both classes are well represented
    assert 0.3 < a.y.mean() < 0.7


@pytest.mark.parametrize("name", GENERATED)
def test_noise_moves_the_points_but_not_the_labels(name):
    clean = datasets.make(name, samples=40, test=0, noise=0.0, seed=1)
    noisy = datasets.make(name, samples=40, test=0, noise=0.3, seed=1)
    assert np.array_equal(clean.y, noisy.y)
    assert not np.allclose(clean.X, noisy.X)


def test_truth_tables_are_exact():
    corners = [[0, 0], [0, 1], [1, 0], [1, 1]]
    for name, labels in (("and", [0, 0, 0, 1]), ("or", [0, 1, 1, 1]), ("xor4", [0, 1, 1, 0])):
        d = datasets.make(name, samples=999, test=999, noise=1.0, seed=5)   # options do not apply
        assert np.array_equal(d.X, corners) and np.array_equal(d.y, labels), name
        assert d.X_test.shape == (0, 2) and d.y_test.shape == (0,)


def test_xor_labels_follow_the_quadrants():
    d = datasets.make("xor", samples=200, test=0, noise=0.0, seed=2)
    assert np.array_equal(d.y, (d.X[:, 0] * d.X[:, 1] < 0).astype(np.int64))
    assert np.abs(d.X).min() >= 0.05   # kept off the axes, where the class would be ambiguous


def test_circle_classes_are_rings():
    d = datasets.make("circle", samples=200, test=0, noise=0.0, seed=2)
    r = np.hypot(d.X[:, 0], d.X[:, 1])
    assert r[d.y == 0].max() <= 0.45 and r[d.y == 1].min() >= 0.65


def test_unknown_dataset_suggests_the_near_miss():
    with pytest.raises(UserError, match=r"unknown dataset 'circel' \(did you mean 'circle'\?\)"):
        datasets.make("circel")
    with pytest.raises(UserError, match="choose from: and, or, xor4, xor, circle"):
        datasets.make("zzz")


def test_one_hot():
    assert np.array_equal(datasets.one_hot(np.array([1, 0, 1]), 2), [[0, 1], [1, 0], [0, 1]])


def test_models_get_the_data_their_options_ask_for():
    sim = dlsim.make("mlp", seed=6, dataset="moons", samples=30, test=7, noise=0.2)
    expected = datasets.make("moons", samples=30, test=7, noise=0.2, seed=6)
    assert np.array_equal(sim.data.X, expected.X) and np.array_equal(sim.data.X_test, expected.X_test)
    # the perceptron names XOR's truth table "xor", and two Gaussian blobs "blobs"
    assert np.array_equal(dlsim.make("perceptron", dataset="xor").data.y, [0, 1, 1, 0])
    blobs = dlsim.make("perceptron", seed=2, dataset="blobs", samples=12, test=3)
    assert np.array_equal(blobs.data.X, datasets.make("gaussian", samples=12, test=3, seed=2).X)
