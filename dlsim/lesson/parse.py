"""Read a lesson file line by line into a Lesson, collecting every problem with its line number.

Layout (lessons/README.md documents it with a full example):

    ---                       front matter: `key: value` lines
    title: ...
    network: perceptron
    ---
    Text before the first `## ` heading: an introduction (a step of its own).
    ## A step's title
    Narration in Markdown, with {placeholders}; `@directive` lines anywhere in the step.

Inside ``` fences and <!-- comments --> nothing is a directive or a heading.
"""
from pathlib import Path

from dlsim.errors import suggest
from dlsim.lesson import directives
from dlsim.lesson.document import (Action, Checkpoint, Expectation, Highlight, Lesson, Problem,
                                   Step)
from dlsim.lesson.quantities import parse_quantity
from dlsim.lesson.text import SPECIAL, placeholders, split_placeholder, stray_braces

KEYS = ("title", "network", "dataset", "seed", "options", "minutes", "summary", "order")
REQUIRED = ("title", "network")


class _StepBuilder:
    def __init__(self, title: str, line: int):
        self.title, self.line = title, line
        self.text: list[str] = []
        self.actions: list[Action] = []
        self.checkpoint: Checkpoint | None = None
        self.expectations: list[Expectation] = []
        self.highlight: Highlight | None = None
        self.ask: list[str] = []
        self.because: list[str] = []
        self.refs: list = []

    def empty(self) -> bool:
        return not ("".join(self.text).strip() or self.actions or self.checkpoint
                    or self.expectations or self.highlight)

    def build(self) -> Step:
        checkpoint = self.checkpoint
        if checkpoint is not None:
            checkpoint = Checkpoint(checkpoint.line, checkpoint.kind, checkpoint.subject,
                                    checkpoint.choices, checkpoint.answer, " ".join(self.ask),
                                    " ".join(self.because))
        return Step(self.title, self.line, "\n".join(self.text).strip("\n"), tuple(self.actions),
                    checkpoint, tuple(self.expectations), self.highlight, tuple(self.refs))


class _Parser:
    def __init__(self, path: Path, text: str):
        self.path, self.lines = path, text.splitlines()
        self.problems: list[Problem] = []
        self.meta: dict[str, tuple[int, str]] = {}

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(str(self.path), line, message))

    def front_matter(self) -> int:
        """Read the metadata block; returns the index of the first body line."""
        if not self.lines or self.lines[0].strip() != "---":
            self.problem(1, "a lesson starts with a '---' line, then 'key: value' lines "
                            "(title, network, ...), then '---'")
            return 0
        for i in range(1, len(self.lines)):
            raw = self.lines[i].strip()
            if raw == "---":
                return i + 1
            if not raw or raw.startswith("#"):
                continue
            key, sep, value = raw.partition(":")
            key = key.strip().lower()
            if not sep or not key:
                self.problem(i + 1, f"expected 'key: value', got '{raw}'")
            elif key not in KEYS:
                self.problem(i + 1, f"unknown key '{key}'{suggest(key, KEYS)}; "
                                    f"use: {', '.join(KEYS)}")
            elif key in self.meta:
                self.problem(i + 1, f"'{key}' is given twice (first on line {self.meta[key][0]})")
            else:
                self.meta[key] = (i + 1, value.strip())
        self.problem(1, "the front matter has no closing '---' line")
        return len(self.lines)

    def body(self, start: int, title: str) -> list[Step]:
        steps: list[_StepBuilder] = []
        current = _StepBuilder(title, start + 1)
        fenced = comment = 0      # the line the open ``` fence or <!-- comment began on, else 0
        for i in range(start, len(self.lines)):
            line, number = self.lines[i], i + 1
            stripped = line.strip()
            if comment:
                comment = 0 if "-->" in line else comment
                continue
            if stripped.startswith("<!--") and not fenced:
                comment = 0 if "-->" in stripped[4:] else number
                continue
            if stripped.startswith("```"):
                fenced = 0 if fenced else number
            elif not fenced and line.startswith("## "):
                if current is not None and not (steps == [] and current.empty()):
                    steps.append(current)
                current = _StepBuilder(line[3:].strip(), number)
                if not current.title:
                    self.problem(number, "a step's heading needs a title after '## '")
                continue
            elif not fenced and line.rstrip() == "##":
                self.problem(number, "a step's heading needs a title after '## '")
                continue
            elif not fenced and stripped.startswith("@"):
                self.directive(current, stripped, number)
                continue
            if not fenced and stripped.startswith("\\@"):
                line = line.replace("\\@", "@", 1)
            current.text.append(line)
            self.references(current, line, number)
        if fenced:      # said where it opens: the end of the file is not where the mistake is
            self.problem(fenced, "this ``` code block is never closed")
        if comment:
            self.problem(comment, "this <!-- comment is never closed with -->")
        if not (steps == [] and current.empty()):
            steps.append(current)
        return steps

    def references(self, step: _StepBuilder, text: str, number: int) -> None:
        for offset, body in placeholders(text):
            try:
                name, _ = split_placeholder(body)
                if name not in SPECIAL:
                    step.refs.append((number + offset, parse_quantity(name)))
            except ValueError as why:
                self.problem(number + offset, f"in {{{body}}}: {why}")
        for offset in dict.fromkeys(stray_braces(text)):
            self.problem(number + offset, "a brace that opens or closes no {placeholder}: "
                                          "write {{ or }} for a literal brace")

    def directive(self, step: _StepBuilder, text: str, number: int) -> None:
        name, _, args = text[1:].partition(" ")
        try:
            item = directives.parse(name.strip().lower(), args.strip(), number)
        except ValueError as why:
            self.problem(number, str(why))
            return
        if isinstance(item, Action):
            step.actions.append(item)
        elif isinstance(item, Expectation):
            step.expectations.append(item)
        elif isinstance(item, Highlight):
            if step.highlight is not None:
                self.problem(number, f"one @highlight per step (already on line {step.highlight.line})")
            step.highlight = item
        elif isinstance(item, Checkpoint):
            if step.checkpoint is not None:
                self.problem(number, f"one @predict per step (already on line {step.checkpoint.line})")
            step.checkpoint = item
        else:
            kind, words = item
            if step.checkpoint is None:
                self.problem(number, f"@{kind} belongs to a @predict; put it after the @predict line")
                return
            (step.ask if kind == "ask" else step.because).append(words)
            self.references(step, words, number)


def parse(path: Path, text: str) -> tuple[Lesson | None, list[Problem]]:
    """The lesson as written (not yet checked against its network) and the problems found."""
    parser = _Parser(path, text.removeprefix("\ufeff"))   # a byte-order mark is no mistake
    start = parser.front_matter()
    meta = parser.meta
    for key in REQUIRED:
        if key not in meta or not meta[key][1]:
            parser.problem(meta[key][0] if key in meta else 1, f"the front matter needs '{key}: ...'")
    title = meta.get("title", (1, path.stem))[1]
    steps = [b.build() for b in parser.body(start, title)]
    if not steps:
        parser.problem(len(parser.lines) or 1, "the lesson has no steps; start one with '## Title'")
    numbers = {}
    if "seed" in meta:     # checked by validate against the network's own seed option, at its line
        line, raw = meta["seed"]
        if not raw.isdigit():
            parser.problem(line, f"'seed' must be a whole number, got '{raw}'")
        else:
            numbers["seed"] = int(raw) if len(raw) < 20 else raw   # too long for int(): validate says so
    for key, low, high in (("minutes", 1, 600), ("order", 0, 10**6)):
        if key in meta:
            line, raw = meta[key]
            if not raw.isdigit() or len(raw) > 7 or not low <= int(raw) <= high:
                parser.problem(line, f"'{key}' must be a whole number from {low} to {high}, got '{raw}'")
            else:
                numbers[key] = int(raw)
    options = {}
    if "options" in meta:
        try:
            options = directives.pairs(meta["options"][1]) if meta["options"][1] else {}
        except ValueError as why:
            parser.problem(meta["options"][0], f"options: {why} (write e.g. 'options: lr=0.5 hidden=2')")
    if "dataset" in meta:
        if "dataset" in options:
            parser.problem(meta["dataset"][0], "the dataset is given twice: here and in 'options'")
        options["dataset"] = meta["dataset"][1]
    lesson = Lesson(name=path.stem, path=path, title=title, network=meta.get("network", (1, ""))[1],
                    seed=numbers.get("seed", 0), options=options, minutes=numbers.get("minutes"),
                    summary=meta.get("summary", (1, ""))[1], order=numbers.get("order", 1000),
                    steps=tuple(steps), lines={k: v[0] for k, v in meta.items()})
    return lesson, parser.problems

