"""What loading a learner's data gives: every sample as read (and scaled, said in `notes`), its
identity, and the seeded train/test split a simulation asks for (`dataset`), as a Dataset the
networks take like any generated set, with the extra fields own data has."""
from dataclasses import dataclass

import numpy as np

from dlsim.protocol import sequences
from dlsim.protocol.datasets import SEQUENCES, TEXT, Dataset, Kind
from dlsim.protocol.own_data.identity import Identity

TEST_SHARE = 0.2        # held out when the file gives no test set and the network takes one
SPLIT_STREAM = 2020     # the split's random stream, apart from the weights' and the shuffling's
TEXT_TEST_SEED = 104729  # the text windows held out come from a stream apart from the training ones'


@dataclass(frozen=True)
class OwnDataset(Dataset):
    """A Dataset read from the learner's file: the class names it used, where it came from, what
    the loader did to it, and for sequence networks the (train, test) Sequences themselves."""
    class_names: tuple[str, ...] = ()
    identity: Identity | None = None
    notes: tuple[str, ...] = ()
    sequences: tuple | None = None   # (train, test) dlsim.protocol.sequences.Sequences, or None


@dataclass(frozen=True)
class OwnData:
    name: str                    # the file's name, as summaries say it
    kind: Kind
    X: np.ndarray                # (N, *one sample's shape), scaled as the notes say; text: (0,)
    y: np.ndarray                # (N,) class index; 0 for every sample when unlabelled
    classes: int
    identity: Identity
    notes: tuple[str, ...] = ()  # what was read and done to it, one line each
    class_names: tuple[str, ...] = ()
    labelled: bool = True
    given_test: tuple | None = None   # (X_test, y_test) when the file holds its own test set
    next_value: bool = False     # unlabelled sequences: predict each next value (X = v[:-1], Y = v[1:])
    text: str = ""
    vocabulary: str = ""

    def split(self, seed: int, test: bool) -> tuple:
        """(train rows, test rows, the line saying so): the file's own test set, or TEST_SHARE held
        out after a shuffle seeded by `seed` alone (none for a network without a test set)."""
        n = len(self.X)
        if self.given_test is not None:
            return np.arange(n), None, f"split: {n:,} training samples, {len(self.given_test[0]):,} test " \
                                       f"samples as the file gives them"
        if not test:
            return np.arange(n), np.arange(0), f"split: all {n:,} samples train (no test set: the network has none, or test=0)"
        order = np.random.default_rng([seed, SPLIT_STREAM]).permutation(n)
        held = min(int(round(n * TEST_SHARE)), n - 2)
        return np.sort(order[held:]), np.sort(order[:held]), \
            f"split: {n - held:,} training, {held:,} test samples ({TEST_SHARE:.0%} held out, shuffled with seed {seed})"

    def dataset(self, config: dict) -> OwnDataset:
        """The Dataset a simulation with `config` trains on (its seed; a test share held out if its
        `test` option is above 0; a text's windows of `length` characters, `samples` of them)."""
        seed = config.get("seed", 0)
        if self.kind is TEXT:
            return self._text_dataset(config)
        train, held, said = self.split(seed, config.get("test", 0) > 0)   # test=0: no test set, as for a generated one
        if held is None:
            X_test, y_test = self.given_test
        else:
            X_test, y_test = self.X[held], self.y[held]
        X, y = self.X[train], self.y[train]
        seqs = (self._sequences(X, y), self._sequences(X_test, y_test)) if self.kind is SEQUENCES else None
        if self.next_value:   # the inputs are every value but the last: the targets are the next ones
            X, X_test = X[:, :-1], X_test[:, :-1]
        return OwnDataset(self.name, X, y, X_test, y_test, self.classes, self.kind, self.class_names,
                          self.identity, self.notes + (said,), seqs)

    def _sequences(self, X, y):
        if self.next_value:
            return sequences.Sequences(X[:, :-1], X[:, 1:], per_step=True, loss="mse")
        return sequences.Sequences(X, np.eye(self.classes)[y][:, None, :], per_step=False, loss="softmax_ce")

    def _text_dataset(self, config: dict) -> OwnDataset:
        samples, length, seed = config.get("samples", 256), config.get("length", 32), config.get("seed", 0)
        length = min(length, len(self.text) - 1)
        train = sequences.characters(samples, length, seed, text=self.text)
        test = sequences.characters(max(config.get("test", 0), 1), length, seed + TEXT_TEST_SEED, text=self.text)
        n_test = config.get("test", 0)
        test = sequences.Sequences(test.X[:n_test], test.Y[:n_test], True, "softmax_ce", test.vocabulary)
        said = (f"windows: {samples:,} training, {n_test:,} test windows of {length} characters at places "
                f"drawn with seed {seed}")
        labels = train.Y[:, -1].argmax(axis=1)
        return OwnDataset(self.name, train.X, labels, test.X, test.Y[:, -1].argmax(axis=1) if n_test else labels[:0],
                          len(self.vocabulary), SEQUENCES, tuple(self.vocabulary), self.identity,
                          self.notes + (said,), (train, test))
