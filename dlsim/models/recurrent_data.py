"""The RNN's and the LSTM's data: a sequence task (dlsim.protocol.sequences) made at the length the
model's `length` option asks for, with the output and loss options applied, and a test split.

The tasks are also registered as datasets of kind `sequences` (at their default length), so that
`dlsim list`, the home screen and the Simulator find them by name like any other set; the model
then makes its own copy at the configured length.
"""
from dataclasses import dataclass

import numpy as np

from dlsim.errors import UserError
from dlsim.protocol import datasets, sequences
from dlsim.protocol.datasets import SEQUENCES, Dataset, Source

TASKS = tuple(sequences.TASKS)
TEST_SEED = 104729   # the test split's sequences come from a stream apart from the training ones'


@dataclass(frozen=True)
class Task:
    """The training and test sequences, as the kernels take them."""
    name: str
    X: np.ndarray          # (N, T, F)
    Y: np.ndarray          # (N, T, O) per step, or (N, 1, O) at the last step
    X_test: np.ndarray
    Y_test: np.ndarray
    per_step: bool
    loss: str              # mse | softmax_ce
    vocabulary: str = ""   # characters: the symbol of each one-hot column

    @property
    def length(self) -> int:
        """T, the steps of each sequence (first_bit: the option's length + 1, the bit's step)."""
        return self.X.shape[1]

    def dataset(self) -> Dataset:
        """The Dataset the platform reads: the sequences, with a class per sequence (its last
        target's) where the loss is a classification, else 0."""
        def labels(Y):
            return Y[:, -1].argmax(axis=1) if self.loss == "softmax_ce" else np.zeros(len(Y), np.int64)
        classes = self.Y.shape[2] if self.loss == "softmax_ce" else 1
        return Dataset(self.name, self.X, labels(self.Y), self.X_test, labels(self.Y_test), classes, SEQUENCES)


def _generate(name: str, samples: int, length: int | None, noise: float, seed: int) -> sequences.Sequences:
    fn = sequences.TASKS[name]
    given = {"samples": samples, "seed": seed}
    if length is not None:
        given["length"] = length
    if name == "sine":
        given["noise"] = noise
    return fn(**given)


def make(config: dict, data: Dataset | None = None) -> Task:
    """The task of config['dataset'] with config's length, samples, test, noise, seed, output, loss;
    or the learner's own sequences, when `data` carries them (dlsim.protocol.own_data)."""
    name, length = config["dataset"], config["length"]
    own = getattr(data, "sequences", None)   # (train, test) Sequences read from the learner's file
    if own is not None:
        name, (train, test) = data.name, own
    else:
        try:
            train = _generate(name, config["samples"], length, config["noise"], config["seed"])
        except UserError as e:   # the task's own limits on its length (first_bit: 5–50 steps)
            raise UserError(f"option 'length' on dataset {name}: {str(e).removeprefix(name + ': ')}") from None
        test = _generate(name, max(config["test"], 1), length, config["noise"], config["seed"] + TEST_SEED)
    per_step, loss = train.per_step, train.loss
    Y, Y_test = train.Y, test.Y
    if config["output"] == "every" and not per_step:
        raise UserError(f"option 'output': {name} has a target only after its last step; "
                        f"use output=last (or task)")
    if config["output"] == "last" and per_step:
        per_step, Y, Y_test = False, Y[:, -1:], Y_test[:, -1:]
    if config["loss"] != "task" and config["loss"] != loss:
        if config["loss"] == "softmax_ce":
            raise UserError(f"option 'loss': {name}'s targets are numbers, not classes; use loss=mse (or task)")
        loss = "mse"   # a class task scored by the squared distance to its one-hot target
    n_test = len(test.X) if own is not None else config["test"]
    return Task(name, train.X, np.ascontiguousarray(Y), test.X[:n_test], np.ascontiguousarray(Y_test[:n_test]),
                per_step, loss, train.vocabulary)


def _source(name: str) -> Source:
    """The task at its default length as a registered set: X (n, T, F), y a class per sequence."""
    def generate(rng, n, noise):
        task = _generate(name, n, None, noise, int(rng.integers(2**31)))
        y = task.Y[:, -1].argmax(axis=1) if task.loss == "softmax_ce" else np.zeros(n, np.int64)
        return task.X, y
    classes = {"first_bit": 2, "parity": 2}.get(name, 1)
    return Source(SEQUENCES, generate, classes)


for _name in TASKS:
    datasets.register(_name, _source(_name))
