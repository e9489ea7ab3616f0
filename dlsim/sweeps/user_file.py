"""A file the user named for a sweep (a --from list, a results file), read whole: every way it can
fail is one line naming the file and what it should be."""
from pathlib import Path

from dlsim.errors import UserError


def read_bytes(path, named: str, should_be: str) -> bytes:
    """`named`: how the message names the path ('--from subs.txt'); `should_be`: what the file is."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise UserError(f"{named}: no such file ({should_be})") from None
    except IsADirectoryError:
        raise UserError(f"{named}: a folder, not {should_be}") from None
    except OSError as error:
        raise UserError(f"{named}: {error.strerror or error}") from None
