"""Seeded datasets, each of a kind with a per-sample shape: the 2-D point sets of TensorFlow
Playground, the boolean truth tables, vectors (RGB colours, iris-like flowers); images (C, H, W),
sequences (T, F), token text and latent noise are kinds a network may declare and a data file add;
an environment (a gridworld, CartPole) is the kind an agent learns from by acting in it.

Generated, never shipped. Every set is a function of (name, its kind's options, seed) alone.
Labels are class indices 0..C-1. A kind says which options its sets take: a truth table has no
sample count, and a set without a test split gets no test points.
"""
from dataclasses import dataclass, field

import numpy as np

from dlsim.errors import unknown
from dlsim.protocol.environments import ENVIRONMENTS, Environment


@dataclass(frozen=True)
class Kind:
    """What sort of data a set holds: the shape of one sample, and the options its sets take."""
    name: str
    shape: str                     # one sample, as a learner reads it: "(2,)", "(C, H, W)"
    options: tuple[str, ...] = ()  # of samples, test, noise: those that apply to its sets


POINTS = Kind("points", "(2,)", ("samples", "test", "noise"))
TABLE = Kind("table", "(2,)")
VECTORS = Kind("vectors", "(F,)", ("samples", "test", "noise"))
IMAGES = Kind("images", "(C, H, W)", ("samples", "test", "noise", "image"))   # image: the side, for generated sets
SEQUENCES = Kind("sequences", "(T, F)", ("samples", "test", "noise"))
TEXT = Kind("text", "(T,) tokens", ("samples", "test"))
NOISE = Kind("noise", "(Z,)", ("samples",))
ENVIRONMENT = Kind("environment", "(observation,)")   # an agent's own actions make its data
KINDS = {k.name: k for k in (POINTS, TABLE, VECTORS, IMAGES, SEQUENCES, TEXT, NOISE, ENVIRONMENT)}
DEFAULTS = {"samples": 256, "test": 0, "noise": 0.0, "image": 8}   # where a model has no such option


@dataclass(frozen=True)
class Dataset:
    name: str
    X: np.ndarray        # (N, *shape) training inputs
    y: np.ndarray        # (N,) class index
    X_test: np.ndarray   # (M, *shape), M may be 0
    y_test: np.ndarray   # (M,)
    classes: int = 2
    kind: Kind = POINTS
    # an environment's: what the agent acts in (X is its probe); keyword-only, so that the
    # subclasses' own fields (own data's notes) keep their places
    environment: Environment | None = field(default=None, kw_only=True)

    @property
    def shape(self) -> tuple[int, ...]:
        """One sample's shape: (2,) for a point, (C, H, W) for an image."""
        return tuple(self.X.shape[1:])


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
              "gaussian": _gaussian}   # the 2-D point sets, two classes each


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


@dataclass(frozen=True)
class Source:
    kind: Kind
    generate: object               # (rng, n, noise) -> (X (n, *shape), y (n,)); None: a truth table
    classes: int = 2
    table: object = None           # a truth table's rule (a, b) -> class
    environment: Environment | None = None   # an environment's description (generate is None)


SETS: dict[str, Source] = {
    **{name: Source(TABLE, None, 2, rule) for name, rule in TRUTH_TABLES.items()},
    **{name: Source(POINTS, fn) for name, fn in GENERATORS.items()},
    # vectors for the self-organizing map (classes are for colouring the map, not for training)
    "colors": Source(VECTORS, _colors, 3), "blobs3": Source(POINTS, _blobs3, 3),
    "ring": Source(POINTS, _ring, 1), "iris": Source(VECTORS, _iris, 3),
    # environments: the classes are the actions
    **{name: Source(ENVIRONMENT, None, len(env.actions), environment=env) for name, env in ENVIRONMENTS.items()},
}
NAMES = tuple(SETS)


def register(name: str, source: Source) -> None:
    """Add a set (a data file of images or sequences does, on import)."""
    SETS[name] = source


def kind_of(name: str) -> Kind:
    if name not in SETS:
        raise unknown("dataset", name, SETS)
    return SETS[name].kind


def make(name: str, samples: int = 256, test: int = 64, noise: float = 0.0, seed: int = 0, **shape) -> Dataset:
    """The named dataset with `samples` training and `test` test points (where its kind has them);
    `shape` holds the kind's other options (an image's side), passed to the generator.

    Truth tables (and, or, xor4) are the four corners of the unit square, with no test set.
    """
    source = SETS.get(name)
    if source is None:
        raise unknown("dataset", name, SETS)
    if source.environment is not None:
        X = source.environment.probe
        return Dataset(name, X, np.zeros(len(X), np.int64), X[:0], np.zeros(0, np.int64), source.classes,
                       source.kind, environment=source.environment)
    if source.generate is None:
        X, y = _truth_table(source.table)
        return Dataset(name, X, y, X[:0], y[:0], source.classes, source.kind)
    rng = np.random.default_rng([seed, 7919])  # the data's stream stays apart from the weights'
    X, y = source.generate(rng, samples + test, noise, **shape)
    order = rng.permutation(samples + test)
    X, y = X[order], y[order]
    return Dataset(name, X[:samples], y[:samples], X[samples:], y[samples:], source.classes, source.kind)


def one_hot(y: np.ndarray, classes: int) -> np.ndarray:
    out = np.zeros((y.shape[0], classes))
    out[np.arange(y.shape[0]), y] = 1.0
    return out
