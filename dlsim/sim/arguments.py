"""What the Python API accepts from a user, checked before any of it reaches a model or a kernel.

A compiled kernel trusts its arrays' shapes (it indexes them without bounds checks), so every array
a user hands the Simulator is checked here first: its type, shape, range and finiteness. Each
mistake is one UserError line that names the argument and says what is allowed.
"""
import numbers as abc
from typing import Any

import numpy as np

from dlsim.errors import UserError

SHOWN = 60   # characters of a bad value echoed in a message: a huge input is not printed whole


def clip(text: str) -> str:
    return text if len(text) <= SHOWN else text[:SHOWN - 1] + "…"


def shown(value: Any) -> str:
    return clip(repr(value))


def numbers(value: Any, what: str) -> np.ndarray:
    """value as a float64 array, refusing what only looks like numbers (strings, None, complex,
    ragged lists) and integers too large for a float."""
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError):   # a ragged list: rows of different lengths
        raise UserError(f"{what}: {shown(value)} is not a number or a rectangular array of numbers") from None
    if raw.dtype.kind == "O" and all(isinstance(v, abc.Real) for v in raw.ravel()):
        try:   # Python integers beyond 64 bits
            return np.asarray(raw, np.float64)
        except OverflowError:
            raise UserError(f"{what}: {shown(value)} is too large for a 64-bit float") from None
    if raw.dtype.kind not in "biuf":
        raise UserError(f"{what}: {shown(value)} is not a number or an array of numbers")
    return raw.astype(np.float64)


def finite(values: np.ndarray, what: str) -> np.ndarray:
    if not np.all(np.isfinite(values)):
        raise UserError(f"{what} must be finite numbers (no NaN or infinity)")
    return values


def count(value: Any, what: str) -> int | None:
    """A number of epochs or steps: None, or a whole number >= 0 (not a bool, a float or a string)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise UserError(f"{what} must be a whole number >= 0, got {shown(value)}")
    return int(value)


def element(index: Any, shape: tuple[int, ...], what: str) -> tuple[int, ...]:
    """index as a tuple of one in-range integer per axis of shape (negative counts from the end,
    as in Python), with the ranges allowed in the message."""
    given = index if isinstance(index, (tuple, list)) else (index,)
    use = f"use {len(shape)} whole number{'s' * (len(shape) != 1)}, " + " and ".join(f"0..{n - 1}" for n in shape)
    if len(given) != len(shape) or any(isinstance(i, bool) or not isinstance(i, (int, np.integer)) for i in given):
        raise UserError(f"index {shown(index)} for {what}, which has shape {shape}: {use}")
    if any(not -n <= i < n for i, n in zip(given, shape)):
        raise UserError(f"index {shown(index)} is outside {what}, which has shape {shape}: {use}")
    return tuple(int(i) % n for i, n in zip(given, shape))
