"""Image sets for the CNN, as float arrays (N, C, H, W) in [0, 1] and class indices (N,).

Generated sets are functions of (samples, size, noise, seed) alone: horizontal vs vertical bars;
crosses vs circles vs squares; and the same shapes in colour (3 channels). Each shape is drawn at a
random place and scale, so a kernel that detects an edge has to detect it anywhere. The handwritten
digits are the UCI 8×8 set shipped in assets/digits/ (see its LICENSE.md).
"""
import numpy as np

from dlsim.errors import UserError
from dlsim.data_files import assets_dir

SIZES = range(8, 29)   # up to MNIST's 28×28: the side `dlsim bench cnn` times, and the app draws
BARS = ("horizontal", "vertical")
SHAPES = ("cross", "circle", "square")
DIGITS = tuple(str(d) for d in range(10))


def _check(samples: int, size: int, noise: float) -> None:
    if size not in SIZES:
        raise UserError(f"image size {size} is not allowed; choose from {SIZES.start} to {SIZES.stop - 1}")
    if samples < 1:
        raise UserError(f"samples must be at least 1 (got {samples})")
    if not 0.0 <= noise <= 1.0:
        raise UserError(f"noise must be between 0 and 1 (got {noise})")


def _finish(images: np.ndarray, noise: float, rng) -> np.ndarray:
    """Add uniform noise of the given amplitude and clip to [0, 1]."""
    if noise:
        images = images + rng.uniform(-noise, noise, images.shape)
    return np.clip(images, 0.0, 1.0)


def bars(samples: int = 200, size: int = 8, noise: float = 0.1, seed: int = 0):
    """A bar 1–2 pixels thick, at least half the image long, somewhere in the image: class 0 when it
    runs horizontally, 1 when vertically. Classes alternate, so any prefix is balanced."""
    _check(samples, size, noise)
    rng = np.random.default_rng(seed)
    X = np.zeros((samples, 1, size, size))
    y = np.arange(samples) % 2
    for n in range(samples):
        thick = rng.integers(1, 3)
        length = rng.integers((size + 1) // 2, size + 1)
        across = rng.integers(0, size - thick + 1)
        along = rng.integers(0, size - length + 1)
        if y[n] == 0:
            X[n, 0, across:across + thick, along:along + length] = 1.0
        else:
            X[n, 0, along:along + length, across:across + thick] = 1.0
    return _finish(X, noise, rng), y


def _shape(kind: int, size: int, rng) -> np.ndarray:
    """One outline (cross, circle or square) of random radius, centred at a random place inside."""
    radius = rng.uniform(size * 0.2, size * 0.35)
    margin = radius + 0.5
    cy, cx = rng.uniform(margin, size - 1 - margin, 2) if size - 1 > 2 * margin else ((size - 1) / 2,) * 2
    rows, cols = np.mgrid[0:size, 0:size].astype(float)
    dy, dx = rows - cy, cols - cx
    if kind == 0:     # cross: two strokes through the centre
        return ((np.abs(dy) <= 0.5) & (np.abs(dx) <= radius)) | ((np.abs(dx) <= 0.5) & (np.abs(dy) <= radius))
    if kind == 1:     # circle: a ring one pixel wide
        return np.abs(np.hypot(dy, dx) - radius) <= 0.5
    edge = np.maximum(np.abs(dy), np.abs(dx))   # square: its outline
    return np.abs(edge - radius) <= 0.5


def shapes(samples: int = 300, size: int = 12, noise: float = 0.1, seed: int = 0):
    """Crosses (0), circles (1) and squares (2) as one-pixel outlines, shifted and scaled at random."""
    _check(samples, size, noise)
    rng = np.random.default_rng(seed)
    y = np.arange(samples) % 3
    X = np.stack([_shape(kind, size, rng) for kind in y])[:, None].astype(float)
    return _finish(X, noise, rng), y


def colour_shapes(samples: int = 300, size: int = 12, noise: float = 0.1, seed: int = 0):
    """The shapes in a random bright colour (3 channels, RGB) on black: the class is the shape, not the
    colour, so the kernels must combine the channels."""
    _check(samples, size, noise)
    rng = np.random.default_rng(seed)
    y = np.arange(samples) % 3
    X = np.zeros((samples, 3, size, size))
    for n, kind in enumerate(y):
        colour = rng.uniform(0.0, 1.0, 3)
        colour /= colour.max()                   # at least one channel at full brightness
        X[n] = _shape(kind, size, rng)[None] * colour[:, None, None]
    return _finish(X, noise, rng), y


def digits():
    """The 1,797 UCI handwritten digits: images (1797, 1, 8, 8) scaled from 0–16 to [0, 1], labels 0–9."""
    path = assets_dir() / "digits" / "digits.npz"
    try:
        with np.load(path, allow_pickle=False) as data:
            images, labels = data["images"], data["labels"]
    except OSError as error:
        raise UserError(f"cannot read the digits data {path}: {error.strerror or error}") from None
    return images[:, None].astype(float) / 16.0, labels.astype(np.int64)


def split(X: np.ndarray, y: np.ndarray, test: float = 0.2, seed: int = 0):
    """(X_train, y_train, X_test, y_test): a seeded shuffle, then the last `test` fraction held out."""
    if not 0.0 <= test < 1.0:
        raise UserError(f"test fraction must be at least 0 and below 1 (got {test})")
    order = np.random.default_rng(seed).permutation(len(X))
    n_test = int(round(len(X) * test))
    train, held = order[:len(X) - n_test], order[len(X) - n_test:]
    return X[train], y[train], X[held], y[held]
