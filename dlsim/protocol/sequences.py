"""Sequence tasks for the RNN and the LSTM: seeded generators of (inputs, targets) arrays.

Every task returns a `Sequences`: X (N, T, F) and Y, either (N, T, O) — a target at every step — or
(N, 1, O) — one target after the last step —, the shapes dlsim.kernels.rnn and .lstm take. `length`
is the sequence length T (first_bit: the noise steps after the bit, so T = length + 1). The same
arguments and seed give the same arrays.

- sine: the next value of noisy sine waves (regression at every step).
- first_bit: a bit (±1) at step 0, then `length` steps of louder noise; say the bit at the end (the memory task on
  which the RNN's gradient vanishes as T grows and the LSTM still learns).
- adding: random numbers with two of them marked; output their sum at the end (Hochreiter & Schmidhuber).
- parity: the running parity of a bit string, at every step.
- counting: how many ones a bit string holds, as a class at the end.
- characters: the next character of a short text (assets/text/poems.txt by default), one-hot.
"""
from dataclasses import dataclass

import numpy as np

from dlsim.errors import UserError
from dlsim.data_files import assets_dir

FIRST_BIT_STEPS = (5, 50)
FIRST_BIT_NOISE = 2.0   # the distractors' standard deviation: twice the bit's size
DEFAULT_TEXT = "poems.txt"


@dataclass(frozen=True)
class Sequences:
    X: np.ndarray             # (N, T, F)
    Y: np.ndarray             # (N, T, O) per step, or (N, 1, O) at the last step only
    per_step: bool
    loss: str                 # "mse" or "softmax_ce"
    vocabulary: str = ""      # characters: the symbol of each one-hot column


def _check(task: str, name: str, value: int, low: int, high: int | None = None) -> None:
    if not isinstance(value, (int, np.integer)) or value < low or (high is not None and value > high):
        allowed = f"an integer from {low} to {high}" if high is not None else f"an integer ≥ {low}"
        raise UserError(f"{task}: {name} must be {allowed}, got {value!r}")


def _one_hot(indices: np.ndarray, classes: int) -> np.ndarray:
    return np.eye(classes)[indices]


def sine(samples: int = 128, length: int = 20, noise: float = 0.05, seed: int = 0) -> Sequences:
    """Waves sin(ω·t + φ) (ω from 0.1 to 0.5 rad per step, any phase) plus Gaussian noise; the
    target at step t is the noisy value at t + 1."""
    _check("sine", "samples", samples, 1)
    _check("sine", "length", length, 1)
    rng = np.random.default_rng(seed)
    omega = rng.uniform(0.1, 0.5, (samples, 1))
    phase = rng.uniform(0.0, 2 * np.pi, (samples, 1))
    wave = np.sin(omega * np.arange(length + 1) + phase) + rng.normal(0.0, noise, (samples, length + 1))
    return Sequences(wave[:, :-1, None], wave[:, 1:, None], per_step=True, loss="mse")


def first_bit(samples: int = 128, length: int = 10, seed: int = 0) -> Sequences:
    """Step 0 carries the bit as ±1; steps 1..length are distractors, Gaussian noise of standard deviation
    FIRST_BIT_NOISE (often larger than the bit); the target after the last step is the bit, one-hot
    (class 0 for −1, class 1 for +1). The sequence has length + 1 steps.

    Calibrated so that the vanishing gradient shows: with the default RNN and LSTM (8 units, Adam,
    lr 0.01, 60 epochs of 256 sequences) both learn it at length ≤ 10; at length 20 the RNN stays
    near chance while the LSTM learns it (3 seeds of 3); at length 30 the LSTM needs a forget bias of 2
    (README, "The RNN and the LSTM"). With uniform noise in (−1, 1) the RNN learnt it at length 30
    too: a distractor weaker than the bit cannot overwrite the state that holds it."""
    _check("first_bit", "samples", samples, 1)
    _check("first_bit", "length", length, *FIRST_BIT_STEPS)
    rng = np.random.default_rng(seed)
    bits = rng.integers(0, 2, samples)
    X = rng.normal(0.0, FIRST_BIT_NOISE, (samples, length + 1, 1))
    X[:, 0, 0] = 2.0 * bits - 1.0
    return Sequences(X, _one_hot(bits, 2)[:, None, :], per_step=False, loss="softmax_ce")


def adding(samples: int = 128, length: int = 20, seed: int = 0) -> Sequences:
    """Feature 0: numbers uniform in [0, 1); feature 1: a marker, 1 at one step of the first half
    and one of the second half. Target after the last step: the sum of the two marked numbers."""
    _check("adding", "samples", samples, 1)
    _check("adding", "length", length, 2)
    rng = np.random.default_rng(seed)
    X = np.zeros((samples, length, 2))
    X[:, :, 0] = rng.uniform(0.0, 1.0, (samples, length))
    half = length // 2
    first = rng.integers(0, half, samples)
    second = rng.integers(half, length, samples)
    rows = np.arange(samples)
    X[rows, first, 1] = 1.0
    X[rows, second, 1] = 1.0
    total = X[rows, first, 0] + X[rows, second, 0]
    return Sequences(X, total[:, None, None], per_step=False, loss="mse")


def _bits(task: str, samples: int, length: int, seed: int) -> np.ndarray:
    _check(task, "samples", samples, 1)
    _check(task, "length", length, 1)
    return np.random.default_rng(seed).integers(0, 2, (samples, length))


def parity(samples: int = 128, length: int = 8, seed: int = 0) -> Sequences:
    """Bits in; at every step, whether an odd number of ones has been seen so far (one-hot)."""
    bits = _bits("parity", samples, length, seed)
    return Sequences(bits[:, :, None].astype(float), _one_hot(np.cumsum(bits, axis=1) % 2, 2),
                     per_step=True, loss="softmax_ce")


def counting(samples: int = 128, length: int = 8, seed: int = 0) -> Sequences:
    """Bits in; after the last step, the number of ones as one of T + 1 classes."""
    bits = _bits("counting", samples, length, seed)
    return Sequences(bits[:, :, None].astype(float), _one_hot(bits.sum(axis=1), length + 1)[:, None, :],
                     per_step=False, loss="softmax_ce")


def load_text(name: str = DEFAULT_TEXT) -> str:
    """A text shipped in assets/text/."""
    path = assets_dir() / "text" / name
    if not path.is_file():
        raise UserError(f"text {name!r} not found in {path.parent}")
    return path.read_text(encoding="utf-8")


def vocabulary(text: str) -> str:
    """The distinct characters of text, sorted: column k of a one-hot vector is vocabulary[k]."""
    return "".join(sorted(set(text)))


def encode(text: str, vocab: str) -> np.ndarray:
    index = {ch: k for k, ch in enumerate(vocab)}
    missing = sorted(set(text) - set(index))
    if missing:
        raise UserError(f"characters not in the vocabulary: {''.join(missing)!r}")
    return np.array([index[ch] for ch in text], np.int64)


def decode(indices, vocab: str) -> str:
    return "".join(vocab[int(k)] for k in indices)


def characters(samples: int = 128, length: int = 32, seed: int = 0, text: str | None = None) -> Sequences:
    """Windows of length + 1 characters at random places in the text: X is one-hot characters 0..T−1
    and Y the next character at every step, over the text's own vocabulary."""
    text = load_text() if text is None else text
    _check("characters", "samples", samples, 1)
    _check("characters", "length", length, 1, max(len(text) - 1, 1))
    if len(text) < 2:
        raise UserError("characters: the text needs at least 2 characters")
    vocab = vocabulary(text)
    codes = encode(text, vocab)
    starts = np.random.default_rng(seed).integers(0, len(text) - length, samples)
    windows = codes[starts[:, None] + np.arange(length + 1)]   # (N, T+1)
    return Sequences(_one_hot(windows[:, :-1], len(vocab)), _one_hot(windows[:, 1:], len(vocab)),
                     per_step=True, loss="softmax_ce", vocabulary=vocab)


TASKS = {"sine": sine, "first_bit": first_bit, "adding": adding, "parity": parity, "counting": counting,
         "characters": characters}
