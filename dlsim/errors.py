"""The one exception type for a user's mistake: the CLI prints its message as one line, exit code 2.

One line whatever is in it: a message that echoes an array or a pasted block has its line breaks
joined (UserError does it, for every message however it was written), and `shown` writes a value
given by the user short, an array by its shape and first numbers.
"""
import difflib
import re

SHOWN = 60        # characters of a value echoed in a message: a huge input is not printed whole
FIRST_VALUES = 4  # an array's numbers echoed before its "…"
_BREAK = re.compile(r"\s*[\r\n]+\s*")


def one_line(text: str) -> str:
    """text with each line break (and the indentation around it) made one space."""
    return _BREAK.sub(" ", text).strip()


class UserError(Exception):
    """A mistake in what the user asked for (an option, a file, a name); the message says what to do,
    always on one line."""

    def __init__(self, message="", *rest):
        super().__init__(one_line(str(message)), *rest)


def clip(text: str) -> str:
    """text on one line, at most SHOWN characters (cut with an ellipsis)."""
    text = one_line(text)
    return text if len(text) <= SHOWN else text[:SHOWN - 1] + "…"


def shown(value) -> str:
    """A value the user gave, as a message echoes it: an array (anything with a shape of at least one
    axis) as 'an array of shape (3, 4): 0, 1, 2, 3, …', anything else as its repr, clipped."""
    shape = getattr(value, "shape", None)
    if isinstance(shape, tuple) and shape and hasattr(value, "ravel"):
        flat = value.ravel()
        first = ", ".join(clip(f"{v:g}" if isinstance(v, float) else str(v)) for v in flat[:FIRST_VALUES].tolist())
        more = ", …" if flat.size > FIRST_VALUES else ""
        return f"an array of shape {shape}" + (f": {first}{more}" if flat.size else "")
    return clip(repr(value))


def suggest(word: str, choices) -> str:
    """' (did you mean 'x'?)' for a near miss, else ''."""
    choices, word = list(choices), str(word)   # str: a name passed as a number still gets its message
    # a difference of case only is the likeliest slip ('layer[0].w' for 'layer[0].W', not '.b')
    close = [c for c in choices if c.lower() == str(word).lower()]
    close = close or difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def unknown(what: str, word: str, choices) -> UserError:
    choices = list(choices)
    named = clip(str(word)) if isinstance(word, str) else shown(word)
    return UserError(f"unknown {what} '{named}'{suggest(word, choices)}; choose from: {', '.join(choices)}")
