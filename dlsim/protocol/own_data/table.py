"""A CSV file with a header, read line by line in chunks (a large file reports its progress and is
refused as soon as it outgrows the memory budget), every cell checked where it stands: a line that
is not UTF-8, a missing or extra value, a cell that is not a finite number, each refused in one line
naming the file and the line. Quoted cells are fine; a cell spanning lines is not (numbers never do).
"""
import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dlsim.protocol.own_data.problem import quoted, refuse, within

LABEL_NAMES = ("label", "class", "target")   # the label column's name, any case
CHUNK = 8192          # rows parsed into one array at a time
ROW_OVERHEAD = 64     # bytes per row besides its numbers: a label kept as text, a line number
COPIES = 4            # the rows as read, scaled, split, and the kernels' own copy


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]   # the feature columns' names
    X: np.ndarray              # (N, F) the numbers
    labels: list | None        # (N,) each row's label cell as written, or None: no label column
    label_column: str | None
    lines: np.ndarray          # (N,) the line of the file each row came from


def _line_cells(raw: bytes, path: Path, number: int) -> list[str] | None:
    try:
        text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
    except UnicodeDecodeError as error:
        raise refuse(path, f"line {number}", f"byte {error.start + 1} is not UTF-8 text ({error.reason}); "
                     "expected a CSV file saved as UTF-8 (or plain ASCII)") from None
    text = text.rstrip("\r\n")
    if not text.strip():
        return None   # a blank line: nothing on it
    if "\0" in text:
        raise refuse(path, f"line {number}", "holds a NUL byte; expected a text CSV file, not a binary one")
    return [cell.strip() for cell in next(csv.reader([text]))]


def _number(cell: str, path: Path, number: int, column: str, expected: str) -> float:
    if cell == "":
        raise refuse(path, f"line {number}", f"column {column} is empty; expected {expected}")
    try:
        value = float(cell)
    except ValueError:
        raise refuse(path, f"line {number}", f"{quoted(cell)} in column {column} is not a number; "
                     f"expected {expected}") from None
    if not math.isfinite(value):
        raise refuse(path, f"line {number}", f"{quoted(cell)} in column {column} is not a finite number; "
                     f"expected {expected} (no NaN or infinity)")
    return value


def label_index(header: list[str], last_if_unnamed: bool) -> int | None:
    named = [k for k, name in enumerate(header) if name.lower() in LABEL_NAMES]
    if named:
        return named[-1]
    return len(header) - 1 if last_if_unnamed else None


def read(path: Path, *, last_is_label: bool, expected, progress=None, budget: int | None = None) -> Table:
    """The table in `path`. The label column is the one named label, class or target; without one,
    the last column where `last_is_label` (a network that classifies), else none. `expected(columns,
    label)` says, for the messages, what the rows should hold."""
    total = path.stat().st_size
    if total == 0:
        raise refuse(path, "", "the file is empty; expected a header line naming the columns, then one row per sample")
    with open(path, "rb") as f:
        header, number = None, 0
        for raw in f:
            number += 1
            header = _line_cells(raw, path, number)
            if header is not None:
                break
        if header is None:
            raise refuse(path, "", "the file holds only blank lines; expected a header line, then one row per sample")
        _check_header(header, path, number)
        label = label_index(header, last_is_label)
        columns = tuple(name for k, name in enumerate(header) if k != label)
        want = expected(columns, header[label] if label is not None else None)
        if not columns:
            raise refuse(path, f"line {number}", f"the header names no column besides the label; expected {want}")
        width, row_bytes = len(header), len(columns) * 8 * COPIES + ROW_OVERHEAD
        chunks, rows, labels, lines, done = [], [], [] if label is not None else None, [], 0
        for raw in f:
            number += 1
            done += len(raw)
            cells = _line_cells(raw, path, number)
            if cells is None:
                continue
            if len(cells) != width:
                raise refuse(path, f"line {number}", f"{len(cells)} value{'s' * (len(cells) != 1)}; expected "
                             f"{width} like the header ({','.join(header)}): every row the same length")
            rows.append([_number(cells[k], path, number, header[k], want) for k in range(width) if k != label])
            if label is not None:
                if cells[label] == "":
                    raise refuse(path, f"line {number}", f"the label (column {header[label]}) is empty; expected {want}")
                labels.append(cells[label])
            lines.append(number)
            if len(rows) == CHUNK:
                chunks.append(np.array(rows))
                rows = []
                within(budget, len(lines) * row_bytes, path, f"line {number}")
                if progress:
                    progress(done, total)
        if rows:
            chunks.append(np.array(rows))
    if progress:
        progress(total, total)
    if not lines:
        raise refuse(path, "", f"the file has a header but no rows; expected one row per sample below it ({want})")
    return Table(columns, np.concatenate(chunks), labels, header[label] if label is not None else None,
                 np.array(lines, np.int64))


def _check_header(header: list[str], path: Path, number: int) -> None:
    for separator, name in ((";", "semicolons"), ("\t", "tabs")):
        if len(header) == 1 and separator in header[0]:
            raise refuse(path, f"line {number}", f"the columns are separated by {name}; expected commas "
                         "(save it as CSV with a comma as the separator)")
    for k, name in enumerate(header):
        if name == "":
            raise refuse(path, f"line {number}", f"column {k + 1} of the header has no name; expected a "
                         "header naming every column (e.g. x1,x2,label)")
        try:
            float(name)
        except ValueError:
            continue
        raise refuse(path, f"line {number}", f"the first line holds a number ({quoted(name)}) where a column "
                     "name belongs; expected a header naming the columns (e.g. x1,x2,label)")
    repeated = sorted({n for n in header if header.count(n) > 1})
    if repeated:
        raise refuse(path, f"line {number}", f"column {quoted(repeated[0])} is named twice; expected each "
                     "column named once")

