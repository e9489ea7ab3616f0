"""What the player hands a screen: a step's filled-in view, its checks' outcomes, a grade."""
from dataclasses import dataclass, field

from dlsim.lesson.document import Checkpoint, Highlight
from dlsim.lesson.text import fmt


@dataclass(frozen=True)
class Outcome:
    """An expectation checked, or a prediction settled: whether it held, in words."""
    kind: str                      # "expect" | "predict"
    line: int
    ok: bool
    text: str


@dataclass(frozen=True)
class Grade:
    """The verdict on a learner's answer to a checkpoint."""
    correct: bool
    choice: str
    answer: str
    because: str


@dataclass(frozen=True)
class StepView:
    """What a screen shows for one step, computed once when the step opened."""
    index: int
    total: int
    title: str
    line: int
    text: str                                  # Markdown, every {placeholder} filled
    checkpoint: Checkpoint | None
    question: str                              # the checkpoint's question, filled ("" if none)
    because: str                               # its explanation, filled
    highlight: Highlight | None
    outcomes: tuple[Outcome, ...]
    events: tuple = field(default=(), repr=False)   # its @step lines' events: those {formulas} lists, else the last


def default_question(cp: Checkpoint) -> str:
    subject = cp.subject.args[0].text if cp.kind in ("change", "sign") else cp.subject.text
    if cp.kind == "change":
        return f"In the next step, will {subject} go up, go down, or stay the same?"
    if cp.kind == "sign":
        return f"After the next step, will {subject} be positive, negative or zero?"
    if cp.kind == "which":
        metric = cp.subject.args[0]
        return (f"Of the values the next step tries, which is the first whose run ends {metric}? "
                f"(none: no run does)")
    if cp.kind == "class":
        point = ", ".join(fmt(a, 0) if float(a).is_integer() else fmt(a) for a in cp.subject.args)
        return f"After the next step, which class will the network give the point ({point})?"
    return f"After the next step, will this be true: {subject}?"


def touches(path: str, q) -> bool:
    """Whether an event's path (`perceptron.w[0]`, `mlp.layer[0].W[1,0]`) is the parameter q."""
    names = {q.text}
    if q.index is not None:
        names.add(f"{q.name}[{','.join(map(str, q.index))}]")
    if q.index is None or not any(q.index):
        names.add(q.name)       # the perceptron's bias `b` is `b[0]` too
    return any(path == n or path.endswith("." + n) for n in names)
