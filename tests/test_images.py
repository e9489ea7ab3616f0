"""The CNN's image sets: shapes and labels, the same images for the same seed, the shipped digits."""
import numpy as np
import pytest

from dlsim.errors import UserError
from dlsim.protocol import images

GENERATORS = [(images.bars, 1, 2), (images.shapes, 1, 3), (images.colour_shapes, 3, 3)]


@pytest.mark.parametrize("make,channels,classes", GENERATORS)
@pytest.mark.parametrize("size", (8, 16))
def test_generated_sets_have_their_shape_range_and_balanced_labels(make, channels, classes, size):
    X, y = make(samples=30, size=size, seed=1)
    assert X.shape == (30, channels, size, size) and X.dtype == float
    assert 0.0 <= X.min() and X.max() <= 1.0
    assert np.array_equal(np.bincount(y, minlength=classes), [30 // classes] * classes)
    clean, _ = make(samples=30, size=size, noise=0.0, seed=1)
    assert np.all(clean.reshape(30, -1).max(axis=1) > 0.5)   # every image shows its shape


@pytest.mark.parametrize("make,channels,classes", GENERATORS)
def test_a_seed_gives_the_same_images_and_another_seed_others(make, channels, classes):
    X, y = make(samples=12, size=10, seed=5)
    X2, y2 = make(samples=12, size=10, seed=5)
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    assert not np.array_equal(X, make(samples=12, size=10, seed=6)[0])


def test_bars_run_along_their_label():
    X, y = images.bars(samples=40, size=12, noise=0.0, seed=2)
    rows_lit = (X[:, 0] > 0.5).any(axis=2).sum(axis=1)    # how many rows the bar touches
    cols_lit = (X[:, 0] > 0.5).any(axis=1).sum(axis=1)
    assert np.all((rows_lit < cols_lit)[y == 0]) and np.all((cols_lit < rows_lit)[y == 1])


def test_shapes_are_shifted_not_always_in_the_same_place():
    X, y = images.shapes(samples=30, size=14, noise=0.0, seed=3)
    centres = {tuple(np.argwhere(x[0] > 0.5).mean(axis=0).round()) for x in X[y == 2]}
    assert len(centres) > 3


@pytest.mark.parametrize("kwargs,message", [
    (dict(size=7), "image size 7 is not allowed; choose from 8 to 28"),
    (dict(size=29), "image size 29 is not allowed; choose from 8 to 28"),
    (dict(samples=0), "samples must be at least 1"),
    (dict(noise=2.0), "noise must be between 0 and 1"),
])
def test_a_bad_option_is_one_clear_error(kwargs, message):
    with pytest.raises(UserError, match=message):
        images.shapes(**kwargs)


def test_the_shipped_digits_load_as_plain_arrays_with_their_licence():
    X, y = images.digits()
    assert X.shape == (1797, 1, 8, 8) and y.shape == (1797,)
    assert X.min() == 0.0 and X.max() == 1.0
    assert np.array_equal(np.unique(y), np.arange(10)) and np.bincount(y).min() > 170
    licence = (images.assets_dir() / "digits" / "LICENSE.md").read_text()
    assert "CC BY 4.0" in licence and "Alpaydin" in licence


def test_a_seeded_split_holds_out_the_fraction_and_keeps_every_image_once():
    X, y = images.digits()
    a = images.split(X, y, test=0.25, seed=4)
    b = images.split(X, y, test=0.25, seed=4)
    assert len(a[2]) == 449 and len(a[0]) == 1797 - 449
    assert all(np.array_equal(p, q) for p, q in zip(a, b))
    assert not np.array_equal(a[3], images.split(X, y, test=0.25, seed=5)[3])
    flat = np.concatenate([a[0], a[2]]).reshape(1797, -1)
    assert len(np.unique(flat, axis=0)) == len(np.unique(X.reshape(1797, -1), axis=0))
    with pytest.raises(UserError, match="test fraction"):
        images.split(X, y, test=1.0)


def test_a_missing_digits_file_is_one_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(images, "assets_dir", lambda: tmp_path)
    with pytest.raises(UserError, match="cannot read the digits data"):
        images.digits()
