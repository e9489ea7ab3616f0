"""Files an export writes: checked before the work starts, written whole or not at all, and never
over an existing file unless the user said so (dlsim.atomic_file).
"""
import os
from collections.abc import Callable

from dlsim.atomic_file import write_whole
from dlsim.errors import UserError


def check_new(path: str, what: str, suffixes: tuple[str, ...], overwrite: bool) -> None:
    """UserError (one line) for a path an export cannot write: no name, a suffix it does not write,
    a folder, a folder that does not exist, or a file that exists and `overwrite` is not given.
    `what` names the path in the message ('--export-curves')."""
    if not path or not path.strip():
        raise UserError(f"{what} needs a file name")
    if not path.lower().endswith(suffixes):
        raise UserError(f"{what} {path}: the name must end in {' or '.join(suffixes)} (the format it writes)")
    if os.path.isdir(path):
        raise UserError(f"{what} {path} is a folder; give a file name ending in {' or '.join(suffixes)}")
    folder = os.path.dirname(path) or "."
    if not os.path.isdir(folder):
        raise UserError(f"{what} {path}: there is no folder '{folder}'")
    if os.path.lexists(path) and not overwrite:
        raise UserError(f"{what} {path} exists; add --overwrite to replace it")


def write_new(path: str, write: Callable, overwrite: bool, what: str, binary: bool = False) -> None:
    """Write a file with `write(stream)`, atomically (dlsim.atomic_file); UserError if it exists (and
    not `overwrite`) or cannot be written."""
    try:
        write_whole(path, write, overwrite, binary)
    except FileExistsError:
        raise UserError(f"{what} {path} exists; add --overwrite to replace it") from None
    except OSError as error:
        raise UserError(f"cannot write {what} {path}: {error.strerror or error}") from None


def numbered(stem: str, suffixes: tuple[str, ...], folder: str = ".") -> int:
    """The least n ≥ 1 for which no `stem-n` + suffix exists in `folder` for any of `suffixes`:
    files an app writes without asking for a name (dlsim-mlp-weights-1.npz, then -2, …), where
    the files that go together (the .npz and the .csv of one export) share their number."""
    taken = set(os.listdir(folder))
    n = 1
    while any(f"{stem}-{n}{suffix}" in taken for suffix in suffixes):
        n += 1
    return n
