"""Which of the platform's kinds a learner's data is, read the way the network needs it: a CSV as
points or vectors (one sample a row) or as sequences (one sequence a row); an .npy/.npz by its
arrays' shapes; a folder of PNGs as images; a .txt as text for the character models. Then the
labels become classes, the inputs are scaled (said, never hidden), and the samples are counted."""
import os
from pathlib import Path

import numpy as np

from dlsim.protocol.datasets import IMAGES, POINTS, SEQUENCES, TEXT, VECTORS
from dlsim.protocol.own_data import arrays, folder, identity, scaling, table
from dlsim.protocol.own_data.labels import classes_of
from dlsim.protocol.own_data.problem import refuse, within
from dlsim.protocol.own_data.result import OwnData

MIN_SAMPLES = 4          # two to train on, and a test share
MOST_CHARACTERS = 200    # distinct characters in a text: the one-hot width
FORMATS = ".csv (with a header), .npy, .npz, .txt, or a folder of PNGs"


def load(source, kinds: tuple[str, ...], *, labels_needed: bool, scale: bool = True,
         progress=None, budget: int | None = None) -> OwnData:
    """The learner's data for a network taking `kinds`: a path (str or Path), arrays (X alone, (X, y),
    or a dict of X, y, X_test, y_test), or an OwnData already loaded (returned as it is)."""
    if isinstance(source, OwnData):
        return source
    reading = Reading(kinds, labels_needed, scale, progress, budget)
    if isinstance(source, (str, Path)):
        if not str(source).strip():
            raise refuse(None, "", f"an empty path; expected a file: {FORMATS}")
        return reading.path(Path(source).expanduser())
    given = source if isinstance(source, dict) else dict(zip(("X", "y"), source)) \
        if isinstance(source, (tuple, list)) else {"X": source}
    return reading.arrays(given, None, identity.of_arrays(*(np.asarray(given[k]) for k in sorted(given))))


def kinds_said(kinds) -> str:
    """The kinds a network takes, as a learner reads them: a truth table is points too."""
    shown = sorted(k for k in kinds if k != "table") or sorted(kinds)
    return " or ".join(shown)


class Reading:
    def __init__(self, kinds, labels_needed, scale, progress, budget):
        self.kinds, self.labels_needed, self.scale = set(kinds), labels_needed, scale
        self.progress, self.budget = progress, budget

    def takes(self, *kinds: str) -> bool:
        return bool(self.kinds & set(kinds))

    def wrong_kind(self, path, what: str):
        return refuse(path, "", f"{what}, but this network takes {kinds_said(self.kinds)}; expected "
                      + {"images": "an .npz of images (X: N×H×W) or a folder of PNGs per class",
                         "sequences": "a CSV with one sequence a row, an .npz of X (N×T×F), or a .txt text"}.get(
                          sorted(self.kinds)[0], "a CSV with a header (one sample a row), or an .npy/.npz"))

    # --- files ---------------------------------------------------------------------------------
    def path(self, path: Path) -> OwnData:
        if not path.exists():
            raise refuse(path, "", f"no such file or folder ({path}); expected {FORMATS}")
        if not path.is_dir() and not path.is_file():   # a pipe would wait forever, a device never end
            raise refuse(path, "", f"not a regular file (a pipe, a socket or a device); expected {FORMATS}")
        if path.is_dir() and not self.takes("images"):
            raise self.wrong_kind(path, "a folder (images, one subfolder per class)")
        suffix = path.suffix.lower()
        try:
            if path.is_dir():
                return self.image_folder(path)
            if suffix == ".csv":
                return self.csv(path)
            if suffix in (".npy", ".npz"):
                return self.arrays(arrays.read(path, self.budget), path, identity.of_file(path))
            if suffix == ".txt":
                return self.text(path)
        except PermissionError as error:   # in a folder: the image or class folder it could not read
            inside = os.path.relpath(error.filename, path) if path.is_dir() and error.filename else "."
            raise refuse(path, "" if inside == "." else inside, "cannot be read (permission denied); "
                         "expected a file you may read") from None
        except OSError as error:   # gone since it was chosen, a disk error: said, never a traceback
            raise refuse(path, "", f"cannot be read ({error.strerror or error}); expected {FORMATS}") from None
        raise refuse(path, "", f"a {suffix or 'file without an extension'} file is not a format dlsim reads; "
                     f"expected {FORMATS}")

    def csv(self, path: Path) -> OwnData:
        if self.takes("sequences"):
            return self.sequence_csv(path)
        if not self.takes("points", "vectors", "table"):
            raise self.wrong_kind(path, "a CSV file")

        def expected(columns, label):
            numbers = f"numbers in column{'s' * (len(columns) > 1)} {','.join(columns)}"
            return numbers + (f" and a class label in column {label}" if label else "")
        t = table.read(path, last_is_label=self.labels_needed, expected=expected, progress=self.progress,
                       budget=self.budget)
        labels = None if t.labels is None else (t.labels, lambda i: f"line {t.lines[i]}")
        said = f"read {path.name}: {len(t.X):,} rows of {len(t.columns)} numbers (columns {','.join(t.columns)})" \
               + (f", labels in column {t.label_column}" if t.label_column else ", no labels")
        return self.vectors(t.X, labels, t.columns, path, identity.of_file(path), said, expected(t.columns, t.label_column))

    def sequence_csv(self, path: Path) -> OwnData:
        def expected(columns, label):
            return f"one sequence a row: numbers in columns {_span(columns)}" + \
                (f" and a class label in column {label}" if label else "")
        t = table.read(path, last_is_label=False, expected=expected, progress=self.progress, budget=self.budget)
        labels = None if t.labels is None else (t.labels, lambda i: f"line {t.lines[i]}")
        said = f"read {path.name}: {len(t.X):,} sequences of {len(t.columns)} steps" + \
            (f", a class per sequence in column {t.label_column}" if t.label_column else
             ", no labels: the task is to predict each next value")
        return self.sequences(t.X[:, :, None], labels, path, identity.of_file(path), said,
                              expected(t.columns, t.label_column))

    def image_folder(self, path: Path) -> OwnData:
        X, y, names, files = folder.read(path, self.progress, self.budget)
        said = f"read {path.name}/: {len(X):,} images of {X.shape[3]}×{X.shape[2]} pixels, {X.shape[1]} channel" \
               f"{'s' * (X.shape[1] > 1)}, {len(names)} classes from the subfolders"
        note = f"classes: {len(names)}, from the subfolders in sorted order: " + \
            ", ".join(f"{n}={k}" for k, n in enumerate(names[:8])) + (", …" if len(names) > 8 else "")
        return self.images(X, y, len(names), names, path, identity.of_files(path, files), (said, note), True)

    def text(self, path: Path) -> OwnData:
        if not self.takes("sequences"):
            raise self.wrong_kind(path, "a .txt file (text, for the character models)")
        raw = path.read_bytes()
        if not raw.strip():
            raise refuse(path, "", "the file is empty; expected some text (a few lines at least) to learn from")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line, column = raw[:error.start].count(b"\n") + 1, error.start - raw.rfind(b"\n", 0, error.start)
            raise refuse(path, f"line {line}", f"byte {column} is not UTF-8 text ({error.reason}); "
                         "expected a text file saved as UTF-8") from None
        vocabulary = "".join(sorted(set(text)))
        if len(text) < 3:
            raise refuse(path, "", f"{len(text)} characters; expected a text of at least 3 (better: a few lines)")
        if len(vocabulary) > MOST_CHARACTERS:
            raise refuse(path, "", f"{len(vocabulary)} distinct characters; expected at most {MOST_CHARACTERS} "
                         "(each is one input of the network)")
        said = f"read {path.name}: {len(text):,} characters, {len(vocabulary)} distinct (the one-hot width)"
        return OwnData(path.name, TEXT, np.zeros((0,)), np.zeros(0, np.int64), len(vocabulary),
                       identity.of_file(path), (said,), tuple(vocabulary), True, text=text, vocabulary=vocabulary)

    # --- arrays --------------------------------------------------------------------------------
    def arrays(self, given: dict, path: Path | None, ident) -> OwnData:
        unknown = sorted(set(given) - set(arrays.KEYS))
        if unknown:
            raise refuse(path, "", f"an array named {unknown[0]!r}; expected only X, y, X_test and y_test")
        if "X" not in given:
            raise refuse(path, "", "no array X; expected the inputs as X (and their labels as y)")
        X = arrays.numbers(given["X"], path, "X")
        y, test = given.get("y"), None
        if y is not None:
            arrays.paired(X, y, path, "X", "y")
        if "X_test" in given:
            X_test = arrays.numbers(given["X_test"], path, "X_test")
            if X_test.shape[1:] != X.shape[1:]:
                raise refuse(path, "", f"X_test's samples have shape {X_test.shape[1:]}; expected {X.shape[1:]} "
                             "like X's")
            if (y is None) != ("y_test" not in given):
                raise refuse(path, "", "labels for one set only; expected y and y_test both, or neither")
            test = (X_test, given.get("y_test"))
            if test[1] is not None:
                arrays.paired(X_test, test[1], path, "X_test", "y_test")
        name = path.name if path is not None else "arrays"
        said = f"read {name}: X of shape {X.shape}" + (", labels y" if y is not None else ", no labels") + \
            (f", a test set of {len(test[0]):,}" if test else "")
        n_train = len(X)
        labels = None if y is None else (list(np.asarray(y).tolist()) + (list(np.asarray(test[1]).tolist())
                                         if test and test[1] is not None else []),
                                         lambda i: f"y[{i}]" if i < n_train else f"y_test[{i - n_train}]")
        if test is not None:
            X = np.concatenate([X, test[0]])
        expected = "labels 0..C−1 or class names"
        if X.ndim == 2 and self.takes("points", "vectors", "table"):
            data = self.vectors(X, labels, tuple(f"x{k + 1}" for k in range(X.shape[1])), path, ident, said, expected)
        elif X.ndim == 2 and self.takes("sequences"):
            data = self.sequences(X[:, :, None], labels, path, ident, said, expected)
        elif X.ndim == 3 and self.takes("sequences"):
            data = self.sequences(X, labels, path, ident, said, expected)
        elif X.ndim in (3, 4) and self.takes("images"):
            ys = self._labels(labels, path, expected) if labels else None
            if ys is None and self.labels_needed:
                raise refuse(path, "", "no labels; expected np.savez(file, X=images, y=labels)")
            y, classes, names, note = ys or (np.zeros(len(X), np.int64), 1, ("0",), None)
            data = self.images(X[:, None] if X.ndim == 3 else X, y, classes, names, path, ident,
                               (said,) + ((note,) if note else ()), np.issubdtype(np.asarray(given["X"]).dtype, np.integer))
        else:
            raise self.wrong_kind(path, f"X has shape {X.shape}")
        if test is None:
            return data
        return _with_test(data, n_train)

    # --- each kind -----------------------------------------------------------------------------
    def _labels(self, labels, path, expected: str):
        values, where = labels
        return classes_of(values, path, where, expected)

    def _count(self, n: int, path, what: str) -> None:
        if n < MIN_SAMPLES:
            raise refuse(path, "", f"only {n} {what}{'s' * (n != 1)}; expected at least {MIN_SAMPLES}")

    def vectors(self, X, labels, columns, path, ident, said, expected) -> OwnData:
        self._count(len(X), path, "sample")
        within(self.budget, X.nbytes * table.COPIES, path, "")
        if X.shape[1] == 2 and self.takes("points", "table"):
            kind = POINTS
        elif self.takes("vectors"):
            kind = VECTORS
        else:
            raise refuse(path, "", f"{X.shape[1]} columns of numbers ({_span(columns)}); expected 2: this network "
                         "takes 2-D points (a label column is one named label, class or target"
                         + (", or the last)" if self.labels_needed else ")"))
        if labels is None and self.labels_needed:
            raise refuse(path, "", "no labels; this network classifies: expected a label column (named label) "
                         "or np.savez(file, X=inputs, y=labels)")
        y, classes, names, note = self._labels(labels, path, expected) if labels else \
            (np.zeros(len(X), np.int64), 1, ("0",), None)
        scaled, how = (scaling.points if kind is POINTS else scaling.vectors)(X, columns) if self.scale else (X, None)
        if note and not self.labels_needed:   # a GAN, a SOM: the classes only colour the pictures
            note += " (used to colour the pictures only: this network does not learn classes)"
        notes = (said,) + tuple(n for n in (note, how or ("inputs used as written" if self.scale else
                                                          "inputs not scaled (scale=False)")) if n)
        return OwnData(path.name if path else "arrays", kind, scaled, y, classes, ident, notes, names,
                       labels is not None)

    def sequences(self, X, labels, path, ident, said, expected) -> OwnData:
        self._count(len(X), path, "sequence")
        within(self.budget, X.nbytes * table.COPIES, path, "")
        if labels is None and X.shape[1] < 2:
            raise refuse(path, "", "sequences of one step and no labels; expected at least 2 steps (the task "
                         "is to predict each next value)")
        y, classes, names, note = self._labels(labels, path, expected) if labels else \
            (np.zeros(len(X), np.int64), 1, ("0",), None)
        scaled, how = scaling.values(X) if self.scale else (X, None)
        notes = (said,) + tuple(n for n in (note, how or ("values used as written" if self.scale else
                                                          "values not scaled (scale=False)")) if n)
        return OwnData(path.name if path else "arrays", SEQUENCES, scaled, y, classes, ident, notes, names,
                       labels is not None, next_value=labels is None)

    def images(self, X, y, classes, names, path, ident, notes, integers: bool) -> OwnData:
        self._count(len(X), path, "image")
        within(self.budget, X.nbytes * folder.COPIES, path, "")
        scaled, how = scaling.pixels(X, integers or path is not None and path.is_dir()) if self.scale else (X, None)
        notes = notes + ((how or "pixels used as written (already in [0, 1])") if self.scale else
                         "pixels not scaled (scale=False)",)
        return OwnData(path.name if path else "arrays", IMAGES, scaled, y, classes, ident, notes, names, True)


def _with_test(data: OwnData, n_train: int) -> OwnData:
    """The file's own test set (its last rows here, read and scaled with the rest) kept apart."""
    from dataclasses import replace
    X, y = data.X, data.y
    return replace(data, X=X[:n_train], y=y[:n_train], given_test=(X[n_train:], y[n_train:]))


def _span(columns) -> str:
    return ",".join(columns) if len(columns) <= 4 else f"{columns[0]} … {columns[-1]}"
