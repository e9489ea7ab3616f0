"""Narration: `{placeholders}` filled with the simulation's real numbers, and Markdown made plain.

`{Q}` shows a quantity (see quantities.py) with 3 decimals, `{Q:N}` with N decimals; `{formula}`
is the last event's arithmetic, `{formulas}` that of every event the step's actions produced, one a
line. `{{` and `}}` are literal braces. A placeholder whose value is empty (None, or a blank
string) is refused like one with no value: the learner would read "–" where the lesson means a number.
"""
import re
import textwrap

import numpy as np

from dlsim.lesson.quantities import Missing, Scope, parse_quantity
from dlsim.protocol.numbers import count, num
from dlsim.sim.formulas import describe

PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}\n]*)\}")
SPECIAL = ("formula", "formulas")


def split_placeholder(body: str) -> tuple[str, int | None]:
    """'w[0]:2' -> ('w[0]', 2); raises ValueError for a bad digit count."""
    name, sep, digits = body.rpartition(":") if ":" in body else (body, "", "")
    if not sep:
        return body.strip(), None
    if not digits.strip().isdigit() or int(digits) > 12:
        raise ValueError("after ':' give the decimals to show, 0 to 12")
    return name.strip(), int(digits)


def placeholders(text: str) -> list[tuple[int, str]]:
    """(line offset within text, body) of every placeholder, for validation."""
    found = []
    for match in PLACEHOLDER.finditer(text):
        if match.group(1) is not None:
            found.append((text.count("\n", 0, match.start()), match.group(1)))
    return found


def shows_formulas(text: str) -> bool:
    """Whether `text` lists its step's events ({formulas}): only then does the step keep them."""
    return any(split_placeholder(body)[0] == "formulas" for _, body in placeholders(text))


def stray_braces(text: str) -> list[int]:
    """Line offsets of braces that open or close no placeholder (`{z` with no `}`, a lone `}`)."""
    rest = PLACEHOLDER.sub(lambda m: " " * len(m.group(0)), text)
    return [rest.count("\n", 0, i) for i, ch in enumerate(rest) if ch in "{}"]


def fmt(value, digits: int | None = None) -> str:
    if value is None:
        return "–"
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, np.integer)):
        return num(value, digits) if digits else count(value)   # a count: 6,653
    if isinstance(value, (tuple, list, np.ndarray)):
        array = np.asarray(value)
        if array.ndim == 2:
            return "[" + ", ".join(fmt(tuple(row), digits) for row in array) + "]"
        if array.dtype.kind in "iu":
            return "(" + ", ".join(fmt(int(v)) for v in array) + ")"
        return "(" + ", ".join(fmt(float(v), digits) for v in array) + ")"
    return num(value, 3 if digits is None else digits)


def render(text: str, scope: Scope, events=(), missing=None) -> str:
    """Fill every placeholder; raises Missing naming the placeholder that has no value, or, given
    `missing(error)`, tells it each such placeholder (error.placeholder: its name) and shows "–"."""
    def fill(match):
        try:
            return fill_one(match)
        except Missing as error:
            if missing is None:
                raise
            missing(error)
            return "–"

    def fill_one(match):
        if match.group(0) in ("{{", "}}"):
            return match.group(0)[0]
        name, digits = split_placeholder(match.group(1))
        if name == "formula":
            if scope.sim.last is None:
                error = Missing("{formula}: no event has happened yet")
                error.placeholder = name
                raise error
            return describe(scope.sim.last)
        if name == "formulas":
            return "\n".join(describe(e) for e in events) or "(no events in this step)"
        try:
            value = scope.value(parse_quantity(name))
            if value is None or (isinstance(value, str) and not value.strip()):
                # shown, it would read "–" or nothing: the lesson points at a value that is not there
                raise Missing(f"'{name}' is empty at this point (it would show "
                              f"{'–' if value is None else 'nothing'}); show a value that exists here")
            return fmt(value, digits)
        except Missing as why:
            error = Missing(f"{{{match.group(1)}}}: {why}")
            error.placeholder = name
            raise error from None
    return PLACEHOLDER.sub(fill, text)


_EMPHASIS = [(re.compile(r"\*\*(.+?)\*\*"), r"\1"), (re.compile(r"__(.+?)__"), r"\1"),
             (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"\1"),
             (re.compile(r"`([^`]+)`"), r"\1"), (re.compile(r"\[([^\]]+)\]\([^)]+\)"), r"\1")]


def emphasis(text: str) -> str:
    for pattern, repl in _EMPHASIS:
        text = pattern.sub(repl, text)
    return text


def plain(markdown: str, width: int = 78, indent: str = "  ") -> str:
    """Markdown as plain text for a terminal log: paragraphs and list items wrapped, code kept."""
    out, paragraph, fenced, hang = [], [], False, 0

    def flush():
        if paragraph:
            out.append(textwrap.fill(emphasis(" ".join(paragraph)), width, initial_indent=indent,
                                     subsequent_indent=indent + " " * hang, break_on_hyphens=False))
            paragraph.clear()

    for line in markdown.splitlines():
        if line.strip().startswith("```"):
            flush()
            fenced = not fenced
            continue
        if fenced:
            out.append(indent + "    " + line)
            continue
        stripped = line.strip()
        item = re.match(r"([-*+]|1\.)\s" if paragraph else r"([-*+]|\d+\.)\s", stripped)
        if not stripped:
            flush()
            if out and out[-1] != "":
                out.append("")
        elif item:
            flush()
            hang = len(item.group(0))
            paragraph.append(re.sub(r"^[*+]\s", "- ", stripped))
        elif (line.startswith("    ") and not paragraph) or stripped.startswith((">", "|")):
            flush()
            out.append(indent + emphasis(stripped.lstrip("> ").rstrip()))
        elif stripped.startswith("#"):
            flush()
            out.append(indent + emphasis(stripped.lstrip("#").strip()))
        else:
            if not paragraph and not line.startswith(" "):
                hang = 0
            paragraph.append(stripped)
    flush()
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out)
