"""Files an export writes: checked before the work starts, written whole or not at all, and never
over an existing file unless the user said so.

A file is written to a temporary name beside it and then put in place in one step: a reader never
sees half of it, and a failure (a full disk, Ctrl+C) leaves whatever was there before. Without
`overwrite` the last step is a hard link, which fails if the name was taken meanwhile (by another
run, or the learner's own file): nothing is ever replaced by accident, even in a race.
"""
import os
import secrets
from collections.abc import Callable

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
    """Write a file with `write(stream)`, atomically; UserError if it exists (and not `overwrite`)
    or cannot be written. Text is UTF-8 with the platform's plain '\\n' line ends."""
    folder = os.path.dirname(path) or "."
    temporary = os.path.join(folder, f".{os.path.basename(path)}.{secrets.token_hex(4)}.part")
    try:   # the permissions of any new file (the umask applies), not a temporary file's 0600
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as error:
        raise UserError(f"cannot write {what} {path}: {error.strerror or error}") from None
    try:
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")) as stream:
            write(stream)
        _put(temporary, path, overwrite, what)
    except OSError as error:
        raise UserError(f"cannot write {what} {path}: {error.strerror or error}") from None
    finally:
        if os.path.lexists(temporary):
            os.unlink(temporary)


def _put(temporary: str, path: str, overwrite: bool, what: str) -> None:
    if overwrite:
        os.replace(temporary, path)
        return
    try:
        os.link(temporary, path)     # fails where the name is taken: never replaces a file
    except FileExistsError:
        raise UserError(f"{what} {path} exists; add --overwrite to replace it") from None
    except OSError:                  # a file system without hard links: check, then move
        if os.path.lexists(path):
            raise UserError(f"{what} {path} exists; add --overwrite to replace it") from None
        os.replace(temporary, path)


def numbered(stem: str, suffixes: tuple[str, ...], folder: str = ".") -> int:
    """The least n ≥ 1 for which no `stem-n` + suffix exists in `folder` for any of `suffixes`:
    files an app writes without asking for a name (dlsim-mlp-weights-1.npz, then -2, …), where
    the files that go together (the .npz and the .csv of one export) share their number."""
    taken = set(os.listdir(folder))
    n = 1
    while any(f"{stem}-{n}{suffix}" in taken for suffix in suffixes):
        n += 1
    return n
