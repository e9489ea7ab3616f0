"""The one way a learner's data file is refused: one line naming the file, where in it (a line, an
array index, an image), and what was expected there. Every loader raises through `refuse`, so the
messages read alike whatever the format."""
from pathlib import Path

from dlsim.errors import UserError, clip


def refuse(path, where: str, what: str) -> UserError:
    """`data.csv line 17: 'abc' is not a number; expected …` (where may be empty: the whole file)."""
    name = (Path(path).name or str(path)) if path else "the data"   # "/" has no name
    return UserError(f"{clip(name)}{' ' + where if where else ''}: {what}")


def quoted(text: str) -> str:
    """A cell or value echoed back, short and on one line."""
    return repr(clip(str(text)))


def megabytes(n: float) -> str:
    return f"{n / 1e6:,.1f} MB"


def within(budget: int | None, needed: int, path, where: str) -> None:
    """Refuse data that would need more memory than the simulation's budget allows."""
    if budget is not None and needed > budget:
        raise refuse(path, where, f"too large: about {megabytes(needed)} of memory needed, and "
                     f"{megabytes(budget)} fits; expected a smaller file (take a sample of its rows)")
