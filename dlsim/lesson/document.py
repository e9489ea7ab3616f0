"""What a parsed lesson is: plain frozen data, with the line each piece came from.

A lesson file is parsed into these objects and validated; nothing in it is ever executed as code.
The player (player.py) interprets the actions, the checkpoints and the expectations.
"""
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dlsim.errors import UserError


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a lesson file, printed as `file:line: what is wrong`."""
    path: str
    line: int
    message: str

    def __post_init__(self):
        object.__setattr__(self, "message", clip(self.message))

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


# a quoted echo of the file: its quotes stand apart from words, so an apostrophe inside it ("RBM's")
# neither opens nor closes one
QUOTED = re.compile(r"(?<!\w)'((?:[^']|(?<=\w)'(?=\w)){61,})'(?!\w)")
MAX_MESSAGE = 400


def clip(message: str) -> str:
    """A message that echoes what the file says, shortened: a 3 MB name is shown as its start."""
    message = QUOTED.sub(lambda m: f"'{m.group(1)[:40]}…' ({len(m.group(1)):,} characters)", message)
    return message if len(message) <= MAX_MESSAGE else message[:MAX_MESSAGE - 1] + "…"


class LessonError(UserError):
    """A malformed lesson (exit code 2). Carries every problem found, in file order."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.path, p.line))
        first = str(self.problems[0])
        more = len(self.problems) - 1
        super().__init__(first + (f" (and {more} more problem{'s' * (more > 1)}; "
                                  f"see 'dlsim lesson check {self.problems[0].path}')" if more else ""))


@dataclass(frozen=True)
class Quantity:
    """Something measurable on a simulation: `train_acc`, `w[0]`, `layer[0].W[1,0]`, `class(1, 0)`."""
    text: str                      # as written, for messages
    name: str                      # base name (`layer[0].W`) or function (`class`)
    index: tuple[int, ...] | None = None
    args: tuple[Any, ...] = ()     # a function's arguments: numbers, or one inner Quantity


@dataclass(frozen=True)
class Condition:
    """`QUANTITY [OP VALUE]`, or `not QUANTITY`: an expectation, a run's stop rule, a yes/no question."""
    text: str
    quantity: Quantity
    op: str | None = None          # < <= > >= == != ; None: the quantity itself must be true
    value: "float | bool | Quantity | None" = None
    negate: bool = False


@dataclass(frozen=True)
class Action:
    """A change to the simulation: step, back, run, set, param, reset."""
    kind: str
    line: int
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Checkpoint:
    """A prediction the learner makes about the next step, with the lesson's answer and why."""
    line: int
    kind: str                      # change | sign | class | condition
    subject: Quantity | Condition
    choices: tuple[str, ...]
    answer: str
    question: str = ""             # as written (may hold {placeholders}); "" for the default one
    because: str = ""              # the explanation shown after answering

    def grade(self, choice: str | int) -> bool:
        """True when `choice` (a choice's text, or its index) is the lesson's answer."""
        if isinstance(choice, int):
            if not 0 <= choice < len(self.choices):
                raise UserError(f"choose 1..{len(self.choices)}")
            choice = self.choices[choice]
        choice = str(choice).strip().lower()
        if choice not in self.choices:
            raise UserError(f"'{choice}' is not a choice; choose from: {', '.join(self.choices)}")
        return choice == self.answer


@dataclass(frozen=True)
class Expectation:
    line: int
    condition: Condition


@dataclass(frozen=True)
class Highlight:
    """A parameter (or one element of it) the app should draw attention to."""
    line: int
    name: str
    index: tuple[int, ...] | None = None

    @property
    def text(self) -> str:
        return self.name + (f"[{','.join(map(str, self.index))}]" if self.index is not None else "")


@dataclass(frozen=True)
class Step:
    title: str
    line: int                      # of its heading
    narration: str                 # Markdown with {placeholders}
    actions: tuple[Action, ...] = ()
    checkpoint: Checkpoint | None = None
    expectations: tuple[Expectation, ...] = ()
    highlight: Highlight | None = None
    refs: tuple[tuple[int, Quantity], ...] = ()   # (line, quantity) of every {placeholder}


@dataclass(frozen=True)
class Lesson:
    name: str                      # the file's stem: what `dlsim lesson NAME` takes
    path: Path
    title: str
    network: str
    seed: int = 0
    options: dict[str, Any] = field(default_factory=dict)   # dataset included
    minutes: int | None = None
    summary: str = ""
    order: int = 1000
    steps: tuple[Step, ...] = ()
    lines: dict[str, int] = field(default_factory=dict)       # front-matter key -> its line

    @property
    def dataset(self) -> str | None:
        return self.options.get("dataset")
