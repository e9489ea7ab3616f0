"""Weights and curves as files a learner, a spreadsheet or an autograder opens: the numbers exactly
as the kernels computed them.

Weights (`Simulator.params`, by the names the app and `sim[name]` use):
  .npz  one array per parameter, named as `sim.params` names it ("layer[0].W"); NumPy's own format,
        no pickle: `np.load(path)["layer[0].W"]`.
  .csv  one long table, a row per number: parameter,i,j,…,value. One file opens in one window whatever
        the shapes (a CNN's 4-D kernels and a SOM's grid of vectors fit the same columns as a 2-D
        matrix, where a file per matrix only suits the 2-D ones); a spreadsheet's filter picks a
        parameter, sorting by value finds the largest weight, a pivot table lays a matrix out again,
        and `i,j` are the indices of `sim["layer[0].W"][i, j]` and of the app's `layer[0].W[i,j]`.
        A parameter with fewer dimensions leaves the last index cells empty.
Curves (`Simulator.history`: the metrics recorded at the end of each epoch): .csv, one row per
entry, the columns every key in the order they first appear ("epoch" first); a metric not measured
(a test accuracy without a test set) is an empty cell.

Every float is written as Python's repr, the shortest text that reads back to the same bits (0.1,
not 0.10000000000000001), so reading a file gives back exactly what was written ("nan", "inf" and
"-0.0" included); whole numbers stay whole.
"""
import csv
import math
import zipfile

import numpy as np

from dlsim.errors import UserError
from dlsim.console.output_files import write_new

INDEX_NAMES = "ijklmnopqrstuvwxyz"   # as many as the deepest parameter needs (a CNN's kernels: 4)
WEIGHTS = (".npz", ".csv")
CURVES = (".csv",)


def text(value) -> str:
    """A cell: a float by its repr (exact), a whole number whole, None empty."""
    if value is None:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value)).lower()
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    return str(value)


def number(cell: str):
    """The value `text` wrote: None for an empty cell, an int where it was whole, else a float."""
    if cell == "":
        return None
    if cell in ("true", "false"):
        return cell == "true"
    try:
        return int(cell)
    except ValueError:
        return float(cell)


# --- weights --------------------------------------------------------------------------------
def write_weights(params: dict[str, np.ndarray], path: str, overwrite: bool = False,
                  what: str = "weights file") -> None:
    """`params` to `path` (.npz or .csv, by its suffix); UserError if it exists (and not `overwrite`)."""
    if path.lower().endswith(".npz"):
        write_new(path, lambda stream: _npz(params, stream), overwrite, what, binary=True)
    else:
        write_new(path, lambda stream: _weights_csv(params, stream), overwrite, what)


def _npz(params: dict[str, np.ndarray], stream) -> None:
    """As np.savez writes (a zip of .npy files), but by name whatever the name: np.savez takes the
    arrays as keyword arguments, and a parameter called 'file' would collide with its own."""
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name, array in params.items():
            with archive.open(f"{name}.npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asarray(array), allow_pickle=False)


def _weights_csv(params: dict[str, np.ndarray], stream) -> None:
    depth = max((np.ndim(a) for a in params.values()), default=0)
    out = csv.writer(stream, lineterminator="\n")
    out.writerow(["parameter", *INDEX_NAMES[:depth], "value"])
    for name, array in params.items():
        array = np.asarray(array)
        pad = [""] * (depth - array.ndim)
        for index, value in np.ndenumerate(array):
            out.writerow([name, *index, *pad, text(value)])


def read_weights(path: str) -> dict[str, np.ndarray]:
    """What write_weights wrote, by parameter name (for a check, a test or an autograder)."""
    if path.lower().endswith(".npz"):
        with np.load(path, allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}
    with open(path, encoding="utf-8-sig", newline="") as stream:   # -sig: as a spreadsheet saves it too
        rows = csv.reader(stream)
        header = next(rows)
        depth = len(header) - 2
        cells: dict[str, list] = {}
        for row in rows:
            index = tuple(int(i) for i in row[1:1 + depth] if i != "")
            cells.setdefault(row[0], []).append((index, float(row[-1])))
    return {name: _array(name, found) for name, found in cells.items()}


def _array(name: str, found: list) -> np.ndarray:
    """The array whose cells, in C order, are `found`: its shape is one past the largest index."""
    shape = tuple(max(index[d] for index, _ in found) + 1 for d in range(len(found[0][0])))
    if len(found) != math.prod(shape):
        raise UserError(f"parameter {name}: {len(found)} values for the shape {shape}")
    return np.array([value for _, value in found], dtype=np.float64).reshape(shape)


# --- curves ---------------------------------------------------------------------------------
def columns(history: list[dict]) -> list[str]:
    """Every key of the history, in the order they first appear."""
    return list(dict.fromkeys(key for entry in history for key in entry))


def write_curves(history: list[dict], path: str, overwrite: bool = False, what: str = "curves file") -> None:
    """The history as CSV with a header; UserError if `path` exists (and not `overwrite`)."""
    keys = columns(history) or ["epoch"]
    def write(stream):
        out = csv.writer(stream, lineterminator="\n")
        out.writerow(keys)
        out.writerows([text(entry.get(key)) for key in keys] for entry in history)
    write_new(path, write, overwrite, what)


def read_curves(path: str) -> list[dict]:
    """What write_curves wrote: one dict per row (an empty cell is None)."""
    with open(path, encoding="utf-8-sig", newline="") as stream:   # -sig: as a spreadsheet saves it too
        return [{key: number(cell) for key, cell in row.items()} for row in csv.DictReader(stream)]
