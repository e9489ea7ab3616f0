"""Step forward and back through a model's event stream, exactly, with bounded memory.

Position p means "p events consumed". Going back restores the nearest snapshot at or before the
target (snapshots are taken where an event closes a sample or more, the points at which a model's
generator can restart) and replays the few events in between: the model is deterministic, so the
state reached is bit-for-bit the one that was there. Edits made on the way (a weight typed in, a
learning rate changed) are recorded with their position and replayed too.
"""
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from dlsim.errors import UserError
from dlsim.sim.events import Event, Level

Edit = Callable[[Any], None]   # applied to the model


@dataclass
class Snapshot:
    position: int
    state: dict
    last: Event | None
    nbytes: int


def _nbytes(state: dict) -> int:
    return sum(v.nbytes for v in state.values() if isinstance(v, np.ndarray)) + 1024


class HistoryLimit(UserError):
    """Going back further than the kept history reaches."""


class Stepper:
    def __init__(self, model, detail: Level = Level.OP, memory: int = 64 * 2**20):
        self.model = model
        self.detail = detail
        self.memory = memory                     # bytes of snapshots to keep at most
        self.position = 0
        self.last: Event | None = None           # the event just consumed
        self.on_event: Callable[[Event], None] | None = None   # new events only
        self.on_pull: Callable[[Event, int], None] | None = None   # every event, replays too
        self.on_restart: Callable[[], None] | None = None    # the stream restarts from a snapshot
        self._events = model.events(detail)
        self._snapshots: deque[Snapshot] = deque()
        self._marks: deque[tuple[int, Level]] = deque()   # (position, level) of events closing a layer+
        self._edits: list[tuple[int, Edit]] = []
        self._snapshot()

    # --- forward ------------------------------------------------------------------------------
    def step(self, level: Level = Level.OP, limit: int | None = None,
             until: Callable[[Event], bool] | None = None) -> Event | None:
        """Consume events up to the next boundary of `level` (or `limit` events, or `until` holds)."""
        count = 0
        while True:
            event = self._pull()
            count += 1
            if event.closes >= level or (limit and count >= limit) or (until and until(event)):
                return event

    def _pull(self) -> Event:
        event = next(self._events)
        self.position += 1
        self.last = event
        if self.on_pull:
            self.on_pull(event, self.position)
        if event.closes >= Level.LAYER:
            self._marks.append((self.position, event.closes))
        if event.closes >= Level.SAMPLE:
            self._snapshot()
        if self.on_event:
            self.on_event(event)
        return event

    def _snapshot(self) -> None:
        state = self.model.state()
        self._snapshots.append(Snapshot(self.position, state, self.last, _nbytes(state)))
        total = sum(s.nbytes for s in self._snapshots)
        while len(self._snapshots) > 2 and total > self.memory:
            total -= self._snapshots.popleft().nbytes
        oldest = self._snapshots[0].position
        while self._marks and self._marks[0][0] < oldest:
            self._marks.popleft()
        if self._edits and self._edits[0][0] < oldest:   # no replay can start before `oldest`
            self._edits = [(p, e) for p, e in self._edits if p >= oldest]

    def _restart(self) -> None:
        """A fresh generator from the model's cursor (after its state changed outside the stream)."""
        self._events = self.model.events(self.detail)
        if self.on_restart:
            self.on_restart()

    # --- edits --------------------------------------------------------------------------------
    def edit(self, change: Edit) -> None:
        """Apply a change to the model now, and again whenever a replay passes this position."""
        change(self.model)
        self._edits.append((self.position, change))

    # --- back ---------------------------------------------------------------------------------
    @property
    def earliest(self) -> int:
        return self._snapshots[0].position

    def target(self, level: Level) -> int:
        """Position of the previous boundary of `level` before the current position."""
        if level == Level.OP:
            return self.position - 1
        for position, closes in reversed(self._marks):
            if position < self.position and closes >= level:
                return position
        return self.earliest if self.earliest == 0 else -1

    def back(self, level: Level = Level.OP) -> Event | None:
        """Return to the previous boundary of `level`; raises HistoryLimit past the kept history."""
        goal = self.target(level)
        if goal < self.earliest or self.position == 0:
            raise HistoryLimit(f"history starts at step {self.earliest}; cannot go back further")
        self.seek(goal)
        return self.last

    def seek(self, goal: int) -> None:
        """Rebuild the state after event `goal` (which must lie within the kept history)."""
        while self._snapshots[-1].position > goal:
            self._snapshots.pop()
        snap = self._snapshots[-1]
        while self._marks and self._marks[-1][0] > goal:
            self._marks.pop()
        edits = [(p, e) for p, e in self._edits if p <= goal]
        self._edits = edits
        self.model.set_state(snap.state)
        self._restart()
        self.position, self.last = snap.position, snap.last
        for p, change in edits:
            if p == snap.position:
                change(self.model)
        hook, self.on_event = self.on_event, None   # a replay is not news to listeners
        try:
            while self.position < goal:
                event = next(self._events)
                self.position += 1
                self.last = event
                if self.on_pull:
                    self.on_pull(event, self.position)
                for p, change in edits:
                    if p == self.position:
                        change(self.model)
        finally:
            self.on_event = hook

    def absorb(self, event: Event) -> None:
        """Take in a state reached outside the stream (a compiled run) as one event and snapshot it.

        The event closes an epoch or at least a batch, so the model's cursor is at a restart point.
        """
        self.position += 1
        self.last = event
        self._marks.append((self.position, event.closes))
        self._restart()
        self._snapshot()
