"""NumPy files a learner saved (`np.save`, `np.savez`) and arrays handed over in Python, read without
pickle (a data file is data, never code) and checked: numbers only, finite, one label per sample.
An `.npz` holds `X` and, optionally, `y` (labels), `X_test` and `y_test` (its own test set); an
`.npy` holds `X` alone (no labels: a GAN's or a SOM's data)."""
import zipfile
from pathlib import Path

import numpy as np

from dlsim.protocol.own_data.problem import refuse, within

KEYS = ("X", "y", "X_test", "y_test")
COPIES = 4   # the arrays as read, as float64, scaled and split


def _elements(path: Path) -> int:
    """How many numbers the file's arrays hold, from their headers alone (0 where unreadable: the
    loading that follows says why)."""
    def count(f) -> int:
        major, _ = np.lib.format.read_magic(f)
        header = np.lib.format.read_array_header_1_0 if major == 1 else np.lib.format.read_array_header_2_0
        return int(np.prod(header(f)[0]))
    try:
        if path.suffix == ".npy":
            with open(path, "rb") as f:
                return count(f)
        with zipfile.ZipFile(path) as archive:
            total = 0
            for name in archive.namelist():
                with archive.open(name) as f:
                    total += count(f)
            return total
    except (OSError, ValueError, zipfile.BadZipFile, EOFError):
        return 0


def read(path: Path, budget: int | None = None) -> dict[str, np.ndarray]:
    """The arrays of an .npy or .npz file by name (X, y, X_test, y_test); refused before any is
    loaded when their headers say they would not fit in `budget` bytes (as float64, copied)."""
    if path.stat().st_size == 0:
        raise refuse(path, "", f"the file is empty; expected arrays saved by NumPy ({_how(path)})")
    with open(path, "rb") as f:
        start = f.read(6)
    if start != np.lib.format.MAGIC_PREFIX and not start.startswith(b"PK"):
        raise refuse(path, "", f"not a NumPy file (its first bytes are neither .npy's nor a zip's); expected {_how(path)}")
    within(budget, _elements(path) * 8 * COPIES, path, "")
    if path.suffix == ".npy":
        return {"X": _npy(path)}
    try:
        with np.load(path, allow_pickle=False) as loaded:
            arrays = {key: loaded[key] for key in loaded.files}
    except ValueError as error:
        raise refuse(path, "", _why(error, path)) from None
    except (OSError, zipfile.BadZipFile, EOFError) as error:
        raise refuse(path, "", f"not a readable NumPy file ({error}); expected {_how(path)}") from None
    unknown = sorted(set(arrays) - set(KEYS))
    if "X" not in arrays:
        raise refuse(path, "", f"no array named X (it holds {', '.join(sorted(arrays)) or 'none'}); expected "
                     "np.savez(file, X=inputs, y=labels)")
    if unknown:
        raise refuse(path, "", f"an array named {unknown[0]!r}; expected only X, y, X_test and y_test")
    return arrays


def _npy(path: Path) -> np.ndarray:
    try:
        return np.load(path, allow_pickle=False)
    except ValueError as error:
        raise refuse(path, "", _why(error, path)) from None
    except (OSError, EOFError) as error:
        raise refuse(path, "", f"not a readable NumPy file ({error}); expected {_how(path)}") from None


def _how(path: Path) -> str:
    return "np.save(file, X)" if path.suffix == ".npy" else "np.savez(file, X=inputs, y=labels)"


def _why(error: ValueError, path: Path) -> str:
    if "pickle" in str(error):
        return f"holds Python objects, which are read only with pickle (never, for data); expected plain " \
               f"numeric arrays: {_how(path)}"
    return f"not a readable NumPy file ({error}); expected {_how(path)}"


def numbers(a, path, name: str, kinds: str = "numbers") -> np.ndarray:
    """The array `name` as float64, or a refusal naming the first bad index."""
    a = np.asarray(a)
    if a.ndim == 0:
        raise refuse(path, "", f"array {name} is a single number (shape ()); expected one sample a row")
    if a.dtype == object or a.dtype.kind not in "biuf":
        raise refuse(path, "", f"array {name} holds {a.dtype} values; expected {kinds}")
    a = a.astype(np.float64)
    bad = np.argwhere(~np.isfinite(a))
    if bad.size:
        where = ", ".join(map(str, bad[0]))
        raise refuse(path, f"{name}[{where}]", f"{a[tuple(bad[0])]} is not a finite number; expected {kinds} "
                     "(no NaN or infinity)")
    return a


def paired(X: np.ndarray, y, path, xs: str, ys: str) -> None:
    y = np.asarray(y)
    if y.ndim != 1:
        raise refuse(path, "", f"array {ys} has shape {y.shape}; expected one label per sample: shape ({len(X)},)")
    if len(y) != len(X):
        raise refuse(path, "", f"array {ys} has {len(y):,} labels but {xs} has {len(X):,} samples; expected one "
                     "label per sample")
