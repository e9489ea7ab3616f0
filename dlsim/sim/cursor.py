"""A cursor: the name of one state of a run, the same however the run got there.

A stepper's position counts the events consumed, and opening a coarse step finer (one op back after
a compiled batch) renumbers every event after it; so a position kept by an API user can later name
another state. A cursor names the state by where training stands instead: the model's own place
(epochs done, updates done in the epoch, samples done in the update in hand: Model.place) and the
events taken since the sample's start on the op-by-op stream. Every state of a run has one cursor,
and cursors grow in the order the states come, so they compare as the states' order does.

`go` reaches the state a cursor names, exactly: inside the kept history it seeks the very position
(edits made on the way are replayed, as stepping back does), opening a compiled step finer where the
cursor lies inside it; ahead of the current state it trains forward (whole epochs on the fused path,
then compiled batches, then samples and ops), each level until the next step would pass the cursor.
"""
from dataclasses import astuple, dataclass

import numpy as np

from dlsim.errors import UserError
from dlsim.protocol.events import Level
from dlsim.sim.arguments import shown
from dlsim.sim.stepper import HistoryLimit, Stepper

FIELDS = ("epoch", "batch", "sample", "op")


@dataclass(frozen=True, order=True, slots=True)
class Cursor:
    """Where a run stands. `epoch`: epochs done; `batch`: updates done in this epoch (a mini-batch,
    or a sample for a network that learns after each, or a GAN's D or G step); `sample`: samples
    done in the update in hand; `op`: events taken since that sample began, at op detail."""
    epoch: int
    batch: int
    sample: int
    op: int

    def __post_init__(self):
        for name in FIELDS:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise UserError(f"a cursor's {name} must be a whole number from 0 up, got {shown(value)}")
            object.__setattr__(self, name, int(value))

    def __iter__(self):
        return iter(astuple(self))

    def __str__(self):
        return ", ".join(f"{name} {value}" for name, value in zip(FIELDS, self))


def cursor(value) -> Cursor:
    """`value` as a Cursor: a Cursor, or four whole numbers (epoch, batch, sample, op); else UserError."""
    if isinstance(value, Cursor):
        return value
    if isinstance(value, (tuple, list)) and len(value) == len(FIELDS):
        return Cursor(*value)
    raise UserError(f"a cursor is sim.cursor or four whole numbers (epoch, batch, sample, op), got {shown(value)}")


def where(stepper: Stepper) -> Cursor:
    """The cursor of the state the stepper stands at."""
    return Cursor(*stepper.model.place(), stepper.since_restart)


class Unreachable(UserError):
    """No state of the run has this cursor."""


def go(stepper: Stepper, target: Cursor) -> None:
    """Bring the stepper to the state `target` names (before or after the current one), exactly.
    Raises HistoryLimit where it lies before the kept history, and Unreachable, leaving the state
    where it was, where no state has that cursor (a batch past the epoch's last, say)."""
    start = where(stepper)
    try:
        _go(stepper, start, target)
    except Unreachable:
        try:
            _go(stepper, where(stepper), start)
        except UserError:
            pass   # too far behind now to return exactly (history's memory ran out): stay here
        raise


def _go(stepper: Stepper, start: Cursor, target: Cursor) -> None:
    if target != start and (target > start or not _seek_kept(stepper, target)):
        _forward(stepper, target)


def _seek_kept(stepper: Stepper, target: Cursor) -> bool:
    """Seek the kept history's position of `target`; False where a coarse step hides it (the state
    is then at that step's start, from which _forward reaches it)."""
    points = stepper.restart_points()
    place = (target.epoch, target.batch, target.sample)
    i = next((i for i in range(len(points) - 1, -1, -1) if points[i][1] <= place), None)
    if i is None:
        raise HistoryLimit(f"history starts at ({Cursor(*points[0][1], 0)}); cannot go back to ({target})")
    position, found, _ = points[i]
    end, after, grain = points[i + 1] if i + 1 < len(points) else (stepper.position + 1, None, None)
    if found == place and position + target.op < end:
        stepper.seek(position + target.op)   # events of the fine stream, one position each
        return True
    if end == position + 1 and grain is not None and grain != stepper.detail:
        stepper.seek(position)   # inside a compiled batch or a fused run: walk it finer from its start
        return False
    raise _unreachable(target, Cursor(*found, 0), None if after is None else Cursor(*after, 0))


# how far forward a step of each level goes, and the part of the cursor it moves
LEVELS = ((Level.EPOCH, 1), (Level.BATCH, 2), (Level.SAMPLE, 3), (Level.OP, 4))


def _forward(stepper: Stepper, target: Cursor) -> None:
    """From a state before `target`, coarsest level first: step while the level's part of the cursor
    is short of the target's. A step that passes it (the target lies inside that step) is stepped
    back, and the finer levels go on from the boundary before it; past an op, no state has it."""
    goal = tuple(target)
    for level, width in LEVELS:
        while tuple(where(stepper))[:width] < goal[:width]:
            before = where(stepper)
            _step(stepper, level, target)
            if tuple(where(stepper))[:width] > goal[:width]:
                if level == Level.OP:
                    raise _unreachable(target, before, where(stepper))
                stepper.back(level)
                break


def _step(stepper: Stepper, level: Level, target: Cursor) -> None:
    """One step of `level`: whole epochs on the fused path where it lands on the same bits."""
    epochs = target.epoch - stepper.model.epoch
    if level == Level.EPOCH and stepper.at(Level.EPOCH) and stepper.model.kernels.fused_exact:
        if stepper.run(epochs) is not None:
            return
    stepper.step(level, detail=Level.BATCH if level >= Level.BATCH else None)


def _unreachable(target: Cursor, before: Cursor, after: Cursor | None) -> Unreachable:
    then = f" to ({after})" if after is not None else ""
    return Unreachable(f"no state of this run has the cursor ({target}): it goes from ({before}){then}")
