"""A file written whole or not at all, and never over an existing one unless asked.

It is written to a temporary name beside it and put in place in one step, so a reader never sees
half of it and a failure (a full disk, Ctrl+C) leaves whatever was there before. Without
`overwrite` the last step is a hard link, which fails if the name was taken meanwhile (by another
run, or the learner's own file): nothing is ever replaced by accident, even in a race. The callers
(exports, saved sessions) say what went wrong in their own words.
"""
import os
import secrets
from collections.abc import Callable


def write_whole(path: str, write: Callable, overwrite: bool, binary: bool = False) -> None:
    """Write `path` with `write(stream)`. Raises FileExistsError where `path` exists and not
    `overwrite`, OSError where it cannot be written. Text is UTF-8 with plain '\\n' line ends; the
    file gets the permissions of any new file (the umask applies)."""
    folder = os.path.dirname(os.path.abspath(path))
    temporary = os.path.join(folder, f".{os.path.basename(path)}.{secrets.token_hex(4)}.part")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")) as stream:
            write(stream)
        if overwrite:
            os.replace(temporary, path)
        else:
            _place_new(temporary, path)
    finally:
        if os.path.lexists(temporary):
            os.unlink(temporary)


def _place_new(temporary: str, path: str) -> None:
    try:
        os.link(temporary, path)     # fails where the name is taken: never replaces a file
    except FileExistsError:
        raise
    except OSError:                  # a file system without hard links: check, then move
        if os.path.lexists(path):
            raise FileExistsError(path) from None
        os.replace(temporary, path)
