"""A token as one character on screen: a newline and a space would read as nothing."""


def shown_symbol(ch: str) -> str:
    return "⏎" if ch == "\n" else "␣" if ch == " " else ch
