"""The transformer's tasks: seeded token sequences whose solution a learner can read off the attention.

Every task writes a sequence s = prompt + ">" + answer and the network reads it as next-token
prediction: inputs s[:-1], targets s[1:], a target kept only where it is part of the answer
(IGNORE elsewhere). With causal=no the answer's own tokens are blanked ("_") in the inputs, so that
no position can read the token it must predict.

- reverse (default), copy, sort: `length` digits, then ">" and the digits reversed, as they were, or
  sorted. A reversing head attends along the anti-diagonal; a sorting one to the smallest digit
  larger than the one just written.
- brackets: `length` brackets, then ">" and y (balanced) or n; half of the strings are balanced.
- induction: `length` distinct letters, then ">" and one of them again: the answer is the letter
  that followed it ("which token came before": two layers solve it, one previous-token head and one
  induction head).
- poems: `length` characters of the shipped poems (assets/text/poems.txt), the next character at
  every position (causal only).

Registered as datasets of kind `text` (at their default length) so that `dlsim list` and the home
screen find them; the model makes its own copy from its options, as the RNN makes its sequences.
"""
from dataclasses import dataclass

import numpy as np

from dlsim.errors import UserError
from dlsim.kernels.transformer import IGNORE
from dlsim.protocol import datasets, sequences
from dlsim.protocol.datasets import TEXT, Dataset, Source

DIGITS = "0123456789"
LETTERS = "abcdefghijklmnop"
SEP, BLANK = ">", "_"
TASKS = ("reverse", "sort", "copy", "brackets", "induction", "poems")
LENGTHS = {"reverse": (2, 8), "sort": (2, 8), "copy": (2, 8), "brackets": (2, 12), "induction": (3, 12),
           "poems": (2, 64)}
TEST_SEED = 104729   # the test sequences come from a stream apart from the training ones'
# each task's own training set and batch, where the options leave them unset (samples 0, batch −1): sorting six
# digits needs more examples, and batches of 32 hold it at 100 % of the test sequences (batches of
# 16 keep it wavering between 0.9 and 1)
OWN = {"sort": {"samples": 4000, "batch": 32}}
USUAL = {"samples": 512, "batch": 16}
UNSET = {"samples": 0, "batch": -1}   # what the options say when they leave it to the task


def with_task_defaults(config: dict) -> dict:
    """config with `samples` and `batch` the task's own (OWN, else USUAL) where they are unset."""
    own = {**USUAL, **OWN.get(config["dataset"], {})}
    return {**config, **{k: v for k, v in own.items() if config.get(k, UNSET[k]) == UNSET[k]}}


@dataclass(frozen=True)
class Task:
    """Token sequences as the kernels take them."""
    name: str
    vocabulary: str        # the symbol of each token
    X: np.ndarray          # (N, T) int64 tokens
    Y: np.ndarray          # (N, T) int64 next tokens, IGNORE where no loss
    X_test: np.ndarray
    Y_test: np.ndarray

    @property
    def context(self) -> int:
        return self.X.shape[1]

    def dataset(self) -> Dataset:
        """The Dataset the platform reads: tokens as numbers (N, T), each sequence's class its last
        scored target."""
        return Dataset(self.name, self.X.astype(np.float64), _last(self.Y), self.X_test.astype(np.float64),
                       _last(self.Y_test), len(self.vocabulary), TEXT)


def _last(Y):
    return np.array([row[row != IGNORE][-1] for row in Y], np.int64) if len(Y) else np.zeros(0, np.int64)


def _digits(rng, n, length, answer):
    prompt = rng.integers(0, 10, (n, length))
    return np.concatenate([prompt, np.full((n, 1), 10), answer(prompt)], axis=1), DIGITS + SEP + BLANK


def _balanced(rng, length):
    """A random balanced string of `length` brackets (0: "(", 1: ")")."""
    out, opened, left = [], 0, length // 2
    for k in range(length):
        closes_left = length - k
        if opened == 0 or (left > 0 and opened < closes_left - 1 and rng.random() < 0.5):
            out.append(0)
            opened += 1
            left -= 1
        else:
            out.append(1)
            opened -= 1
    return out


def _is_balanced(row):
    depth = 0
    for b in row:
        depth += 1 if b == 0 else -1
        if depth < 0:
            return False
    return depth == 0


def _brackets(rng, n, length):
    if length % 2:
        raise UserError(f"option 'length': brackets needs an even number of brackets, got {length}")
    rows = []
    for k in range(n):
        row = _balanced(rng, length) if k % 2 == 0 else list(rng.integers(0, 2, length))
        rows.append(row + [2, 5 if _is_balanced(row) else 4])
    return np.array(rows, np.int64), "()" + SEP + BLANK + "ny"


def _induction(rng, n, length):
    letters = np.stack([rng.permutation(len(LETTERS))[:length] for _ in range(n)])
    k = rng.integers(0, length - 1, n)
    rows = np.concatenate([letters, np.full((n, 1), len(LETTERS)), letters[np.arange(n), k][:, None],
                           letters[np.arange(n), k + 1][:, None]], axis=1)
    return rows, LETTERS + SEP + BLANK


def _poems(seed, n, length):
    text = sequences.load_text()
    vocab = sequences.vocabulary(text) + BLANK
    codes = sequences.encode(text, vocab)
    starts = np.random.default_rng(seed).integers(0, len(codes) - length, n)
    return codes[starts[:, None] + np.arange(length + 1)], vocab


def sequences_of(name: str, n: int, length: int, seed: int) -> tuple[np.ndarray, str, int]:
    """(rows (n, T + 1) of tokens, vocabulary, where the answer starts in a row)."""
    rng = np.random.default_rng([seed, 31])
    if name == "poems":
        rows, vocab = _poems(seed, n, length)
        return rows, vocab, 1
    if name == "brackets":
        rows, vocab = _brackets(rng, n, length)
    elif name == "induction":
        rows, vocab = _induction(rng, n, length)
    else:
        answer = {"reverse": lambda p: p[:, ::-1], "copy": lambda p: p, "sort": lambda p: np.sort(p, axis=1)}[name]
        rows, vocab = _digits(rng, n, length, answer)
    return rows, vocab, rows.shape[1] - (1 if name in ("brackets", "induction") else length)


def inputs_and_targets(rows, start, causal, blank):
    """X = rows[:, :-1] (the answer's tokens blanked where the attention is not causal), Y = rows[:, 1:]
    with IGNORE before the answer."""
    X, Y = rows[:, :-1].copy(), rows[:, 1:].copy()
    Y[:, :start - 1] = IGNORE
    if not causal:
        X[:, start:] = blank
    return np.ascontiguousarray(X), np.ascontiguousarray(Y)


def make(config: dict) -> Task:
    """The task of config's dataset, length, samples, test, seed and causal."""
    name, length = config["dataset"], config["length"]
    low, high = LENGTHS[name]
    if not low <= length <= high:
        raise UserError(f"option 'length': {name} takes {low} to {high}, got {length}")
    causal = config["causal"] == "yes"
    if name == "poems" and not causal:
        raise UserError("option 'causal': poems predicts the next character at every position, which "
                        "causal=no would let each position read; use causal=yes")
    rows, vocab, start = sequences_of(name, config["samples"], length, config["seed"])
    test, _, _ = sequences_of(name, max(config["test"], 1), length, config["seed"] + TEST_SEED)
    blank = vocab.index(BLANK)
    X, Y = inputs_and_targets(rows, start, causal, blank)
    X_test, Y_test = inputs_and_targets(test[:config["test"]], start, causal, blank)
    return Task(name, vocab, X, Y, X_test, Y_test)


def _source(name: str) -> Source:
    def generate(rng, n, noise):
        rows, vocab, start = sequences_of(name, n, 4 if name != "poems" else 16, int(rng.integers(2**31)))
        X, Y = inputs_and_targets(rows, start, True, vocab.index(BLANK))
        return X.astype(np.float64), _last(Y)
    return Source(TEXT, generate, {"brackets": 6, "induction": 18}.get(name, 12 if name != "poems" else 62))


for _name in TASKS:
    datasets.register(_name, _source(_name))
