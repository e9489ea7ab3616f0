"""The `@` lines of a lesson: each parsed into data, or a ValueError whose message says what is wrong.

    @step [N] [LEVEL]            step N units of LEVEL (op, layer, sample, batch, epoch); 1 op
    @back [N] [LEVEL]            step back the same way
    @run epochs=N | steps=N | until=CONDITION max_epochs=N
    @set OPTION=VALUE ...        change options (lr applies at once; others rebuild the network)
    @param NAME[INDEX] = VALUE   write a weight (NAME = v1, v2, ... writes all of a parameter)
    @reset                       start the network over (options kept)
    @sweep OPTION=V1,V2,… epochs=N   train a fresh network per value, side by side (lesson_sweep.py)
    @highlight NAME[INDEX]       draw attention to a weight (or a quantity the view can centre on) in the app
    @predict SUBJECT = ANSWER    a checkpoint about the next step; @ask and @because follow it
    @expect CONDITION            must hold once this step's actions have run
"""
import functools
import math
import re

from dlsim.errors import suggest
from dlsim.lesson.document import Action, Checkpoint, Expectation, Highlight
from dlsim.lesson.quantities import parse_condition, parse_number, parse_quantity
from dlsim.protocol.events import LEVELS

ACTIONS = ("step", "back", "run", "set", "param", "reset", "sweep")
DIRECTIVES = ACTIONS + ("highlight", "predict", "ask", "because", "expect")
MAX_COUNT = 100_000
RUN_KEYS = ("epochs", "steps", "until", "max_epochs")
CHOICES = {"change": ("up", "down", "same"), "sign": ("positive", "negative", "zero"),
           "condition": ("yes", "no")}


def _count(word: str, what: str) -> int:
    if not word.isdigit() or not 1 <= int(word) <= MAX_COUNT:
        raise ValueError(f"{what} must be a whole number from 1 to {MAX_COUNT}, got '{word}'")
    return int(word)


def _level(word: str) -> str:
    if word.lower() not in LEVELS:
        raise ValueError(f"unknown level '{word}'{_suggest(word.lower(), LEVELS)}; "
                         f"choose from: {', '.join(LEVELS)}")
    return word.lower()


# A file of a hundred thousand identical typos asks the same near-miss question each time.
@functools.lru_cache(maxsize=1024)
def _suggest(word: str, choices: tuple) -> str:
    return suggest(word, choices)


def _unknown_directive(name: str) -> str:
    names = tuple("@" + d for d in DIRECTIVES)
    return f"unknown directive '@{name}'{_suggest('@' + name, names)}; use one of: {', '.join(names)}"


def pairs(text: str) -> dict[str, str]:
    """'until=loss < 0.1 max_epochs=50' -> {'until': 'loss < 0.1', 'max_epochs': '50'}."""
    out = {}
    for part in re.split(r"\s+(?=[A-Za-z_]\w*=(?!=))", text.strip()):
        key, sep, value = part.partition("=")
        if not sep or not re.fullmatch(r"[A-Za-z_]\w*", key.strip()):
            raise ValueError(f"expected key=value, got '{part}'")
        if key.strip() in out:
            raise ValueError(f"'{key.strip()}' is given twice")
        out[key.strip()] = value.strip().strip('"').strip("'")
    return out


def parse_step(kind: str, args: str, line: int) -> Action:
    words = args.split()
    count, level = 1, "op"
    if len(words) > 2:
        raise ValueError(f"@{kind} takes a count and a level, e.g. @{kind} 3 op")
    for word in words:
        if word.isdigit() or word.lstrip("-").replace(".", "", 1).isdigit():
            count = _count(word, "the count")
        else:
            level = _level(word)
    return Action(kind, line, {"count": count, "level": level})


def parse_run(args: str, line: int) -> Action:
    given = pairs(args) if args.strip() else {}
    for key in given:
        if key not in RUN_KEYS:
            raise ValueError(f"unknown @run setting '{key}'{suggest(key, RUN_KEYS)}; "
                             f"use epochs=N, steps=N, or until=CONDITION max_epochs=N")
    if "until" in given:
        if "max_epochs" not in given:
            raise ValueError("@run until=... needs max_epochs=N, so that a run always ends")
        if "epochs" in given or "steps" in given:
            raise ValueError("@run takes until= or epochs= or steps=, not several")
        return Action("run", line, {"until": parse_condition(given["until"]),
                                    "max_epochs": _count(given["max_epochs"], "max_epochs")})
    if ("epochs" in given) == ("steps" in given) or "max_epochs" in given:
        raise ValueError("@run needs exactly one of epochs=N, steps=N, until=CONDITION max_epochs=N")
    key = "epochs" if "epochs" in given else "steps"
    return Action("run", line, {key: _count(given[key], key)})


def parse_sweep(args: str, line: int) -> Action:
    """`@sweep lr=0.1,1,10 epochs=30`: one option's values (checked against the network by the
    validator), and how long each run trains."""
    given = pairs(args) if args.strip() else {}
    if "epochs" not in given:
        raise ValueError("@sweep needs epochs=N (how long each run trains), e.g. @sweep lr=0.1,1,10 epochs=30")
    epochs = _count(given.pop("epochs"), "epochs")
    if len(given) != 1:
        raise ValueError("@sweep varies one option: @sweep OPTION=V1,V2,… epochs=N, e.g. @sweep lr=0.1,1,10 epochs=30")
    (option, raw), = given.items()
    words = tuple(w.strip() for w in raw.split(","))
    if len(words) < 2 or not all(words):
        raise ValueError(f"@sweep {option}: give two values or more, separated by commas (layer sizes joined by dots: 16.16)")
    if len(set(words)) < len(words):
        raise ValueError(f"@sweep {option}: a value is listed twice")
    return Action("sweep", line, {"option": option, "words": words, "epochs": epochs})


def parse_param(args: str, line: int) -> Action:
    target, sep, raw = args.partition("=")
    if not sep:
        raise ValueError("@param needs NAME = VALUE, e.g. @param w[0] = 0.5")
    q = parse_quantity(target)
    if q.args:
        raise ValueError(f"@param writes a parameter, not '{q.text}'")
    values = tuple(parse_number(v) for v in raw.split(","))
    if not all(math.isfinite(v) for v in values):       # 1e400 reads as inf: the network refuses it
        raise ValueError(f"@param {q.text}: values must be finite numbers (1e308 at most)")
    if q.index is not None and len(values) != 1:
        raise ValueError(f"{q.text} is one number; give one value")
    return Action("param", line, {"name": q.name, "index": q.index, "values": values})


def parse_predict(args: str, line: int) -> Checkpoint:
    found = list(re.finditer(r"(?<![<>=!])=(?!=)", args))
    if not found:
        raise ValueError("@predict needs SUBJECT = ANSWER, e.g. @predict change(w[0]) = up")
    cut = found[-1]
    subject_text, answer = args[:cut.start()].strip(), args[cut.end():].strip().lower()
    if not answer:
        raise ValueError("@predict: the answer after '=' is missing")
    q = None
    try:
        q = parse_quantity(subject_text)
    except ValueError:
        pass
    if q is not None and q.name in ("change", "sign", "class", "first_swept"):
        kind, subject = ("which" if q.name == "first_swept" else q.name), q
        choices = CHOICES.get(kind, ())
    else:
        kind, subject, choices = "condition", parse_condition(subject_text), CHOICES["condition"]
    if choices and answer not in choices:
        raise ValueError(f"the answer '{answer}'{suggest(answer, choices)} is not one of: "
                         f"{', '.join(choices)}")
    return Checkpoint(line, kind, subject, choices, answer)


def parse(name: str, args: str, line: int):
    """One directive -> Action | Checkpoint | Expectation | Highlight | ('ask'|'because', text)."""
    if name not in DIRECTIVES:
        raise ValueError(_unknown_directive(name))
    if name in ("step", "back"):
        return parse_step(name, args, line)
    if name == "run":
        return parse_run(args, line)
    if name == "set":
        if not args.strip():
            raise ValueError("@set needs OPTION=VALUE, e.g. @set lr=0.5")
        return Action("set", line, {"options": pairs(args)})
    if name == "param":
        return parse_param(args, line)
    if name == "sweep":
        return parse_sweep(args, line)
    if name == "reset":
        if args.strip():
            raise ValueError("@reset takes nothing after it")
        return Action("reset", line)
    if name == "highlight":
        q = parse_quantity(args)
        if q.args:
            raise ValueError(f"@highlight takes a parameter or a quantity, not '{q.text}'")
        return Highlight(line, q.name, q.index)
    if name == "predict":
        return parse_predict(args, line)
    if name == "expect":
        return Expectation(line, parse_condition(args))
    if not args.strip():
        raise ValueError(f"@{name} needs text after it")
    return (name, args.strip())
