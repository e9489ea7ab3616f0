"""The one exception type for a user's mistake: the CLI prints its message as one line, exit code 2."""
import difflib


class UserError(Exception):
    """A mistake in what the user asked for (an option, a file, a name); the message says what to do."""


def suggest(word: str, choices) -> str:
    """' (did you mean 'x'?)' for a near miss, else ''."""
    choices, word = list(choices), str(word)   # str: a name passed as a number still gets its message
    # a difference of case only is the likeliest slip ('layer[0].w' for 'layer[0].W', not '.b')
    close = [c for c in choices if c.lower() == str(word).lower()]
    close = close or difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def unknown(what: str, word: str, choices) -> UserError:
    choices = list(choices)
    return UserError(f"unknown {what} '{word}'{suggest(word, choices)}; choose from: {', '.join(choices)}")
