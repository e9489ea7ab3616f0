"""Weights the learner typed in by hand, and when one of them is what made training diverge.

A typed weight far out of the scale of its matrix (1e6 among weights below 1) makes the next
updates blow up: no learning rate is to blame, and going back before the updates that broke it
lands where the typed weight still stands (an edit is replayed whenever a rewind passes its place).
So a divergence whose stretch ← would undo holds such an edit says so ("after you set W[1][0,2] =
1e6"), and ← goes to where it was typed, with the weight as it was before.
"""
from dataclasses import dataclass

import numpy as np

from dlsim.protocol.numbers import count, num
from dlsim.sim.cursor import Cursor

OUT_OF_SCALE = 10.0   # a typed weight this many times its matrix's largest (at least 1) is to blame


@dataclass(frozen=True)
class Typed:
    cursor: Cursor    # where it was typed (the state the edit is replayed at)
    steps: int        # updates done by then
    name: str         # the parameter, as stored, and the element's index in it
    index: tuple
    label: str        # the weight as the learner saw it named ("W[1][0,2]")
    old: float
    new: float
    out_of_scale: bool


def typed(cursor: Cursor, steps: int, name: str, index: tuple, label: str, param: np.ndarray,
          new: float) -> Typed:
    """The record of typing `new` into `param[index]` (`param` as it was before)."""
    index = tuple(int(i) for i in index)
    scale = max(1.0, float(np.max(np.abs(param)))) if param.size else 1.0
    return Typed(cursor, steps, name, index, label, float(param[index]), float(new),
                 abs(new) >= OUT_OF_SCALE * scale)


def to_blame(edits: list[Typed], since: Cursor, began: int | None = None) -> Typed | None:
    """The latest typed weight out of scale at or after `since` (before the updates that can have
    broken training): one there is replayed by a rewind to `since`, so it broke training, not them.
    Where a slow sign `began` in an epoch (counted from 1), only an edit typed by then can be its
    cause: one typed later found the trouble already there."""
    until = Cursor(began, 0, 0, 0) if began is not None else None
    return next((e for e in reversed(edits)
                 if e.out_of_scale and e.cursor >= since and (until is None or e.cursor < until)), None)


def place(edit: Typed, word: str) -> str:
    """Where it was typed, as the learner reads it."""
    c = edit.cursor
    if c == Cursor(0, 0, 0, 0):
        return "the start of training"
    if (c.batch, c.sample, c.op) == (0, 0, 0):
        return f"the end of {word} {count(c.epoch)}"
    return f"{word} {count(c.epoch + 1)}, step {count(edit.steps)}"


def after_edit(where: str, problem: str, edit: Typed, word: str, reachable: bool) -> str:
    """The warning for a divergence the typed weight `edit` caused; `reachable`: whether the history
    still holds where it was typed (else ← cannot undo it, and the warning says what can)."""
    said = f"Training diverged at {where}, after you set {edit.label} = {num(edit.new)}: {problem}."
    if not reachable:
        return (f"{said} The history no longer reaches back to it: set it back to {num(edit.old)} "
                f"(w, then e), or press r to start over.")
    return f"{said} Press ← to go back to {place(edit, word)}, before you set it (it was {num(edit.old)})."
