"""Step forward and back through a model's event stream, exactly, with bounded memory.

Position p means "p events consumed": a count, not a name (opening a coarse step finer renumbers
the events after it; dlsim.sim.cursor names states instead, from the model's place() kept at each
restart point and the events taken since the last one). Every way forward goes through here: op by
op on the fine stream, a batch per compiled call on the coarse stream, whole epochs on the fused
path (`run`). The stream changes only at a restart point (after an event that closes a sample or
more), where a fresh `events()` of any detail continues identically: so a coarse step taken inside a
sample first finishes that sample on the fine stream, and the update is never applied twice.

Going back restores the nearest snapshot at or before the target (snapshots are taken at restart
points: every one on the fine stream, every few compiled batches, every fused run) and replays the events in between, each on the stream it came from: the model is
deterministic, so the state reached is bit-for-bit the one that was there. Going back at a level finer
than the last event (one op back after a compiled batch) first replays that event on a finer stream,
so that its inside exists in the history. Edits made on the way (a weight typed in, a learning rate
changed) are recorded with their position and replayed too.
"""
import sys
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, NamedTuple

from dlsim.errors import UserError
from dlsim.models import MODELS   # the unit's word is the network's (a GAN's is an iteration)
from dlsim.protocol.events import EVALUATE, Event, Level
from dlsim.protocol.numbers import count, counted
from dlsim.protocol.paths import network
from dlsim.sim.footprint import footprint

RUN = "run"   # the op of the stepper's own event: a compiled run of whole epochs, summarised


def _run_formula(event: Event) -> str:
    """'ran 29 epochs on the compiled path: epochs 2–30', in the network's own word for an epoch,
    and, where the run began by finishing the epoch in progress, 'finished epoch 1, then …': the
    epoch numbers a lesson's "after {epoch} epochs" and the curves use."""
    cls = MODELS.get(network(event.path))
    word = cls.epoch_word if cls is not None else "epoch"
    v = event.values
    epochs, first = v["epochs"], v.get("first")
    text = f"ran {counted(epochs, word)} on the compiled path"
    if first is not None:
        last = first + epochs - 1
        text += f": {word} {count(first)}" if epochs == 1 else f": {word}s {count(first)}–{count(last)}"
    if v.get("finished") is not None:
        text = f"finished {word} {count(v['finished'])}, then {text}"
    return text


def run_event(name: str, epochs: int, first: int, finished: int | None = None) -> Event:
    """The event of a compiled run of `epochs` epochs from epoch `first` (counted from 1), after
    finishing epoch `finished` by stepping: what a fused run is taken in as, and how a whole play
    made of several runs is told at its end (tui.playing)."""
    values = {"epochs": epochs, "first": first} | ({} if finished is None else {"finished": finished})
    return Event(RUN, EVALUATE, name, values, level=Level.EPOCH, closes=Level.EPOCH)


FORMULAS = {RUN: _run_formula}   # how the math panel writes the stepper's own events

Edit = Callable[[Any], None]   # applied to the model


class Run(NamedTuple):
    """A fused compiled run taken in as one event: enough to replay it."""
    epochs: int
    every: int


class Mark(NamedTuple):
    """An event that closes a layer or more, or came from a coarser stream than the fine one."""
    position: int
    closes: Level
    grain: Level | Run   # the stream it came from: a Level is the detail of a model.events() stream
    place: tuple | None = None   # after an event closing a sample or more: the model's place() there


@dataclass
class Snapshot:
    position: int
    state: dict
    last: Event | None
    nbytes: int
    place: tuple   # the model's place() there (snapshots are taken at restart points only)


class HistoryLimit(UserError):
    """Going back further than the kept history reaches."""


class Stepper:
    def __init__(self, model, detail: Level = Level.OP, memory: int = 64 * 2**20):
        self.model = model
        self.detail = detail                     # the finest stream: what step() walks by default
        self.memory = memory                     # bytes of history (snapshots, marks, edits) to keep at most
        self.held = 0                            # bytes of history held now, kept as a running total
        self.position = 0                        # events consumed: a count, renumbered when one is opened finer
        self.since_restart = 0                   # events consumed since the last restart point (see restartable)
        self.last: Event | None = None           # the event just consumed
        # listeners, called in order (a list each: a trace, a session and a lesson may all listen)
        self.on_event: list[Callable[[Event], None]] = []     # new events only
        self.on_pull: list[Callable[[Event, int], None]] = []  # every event, replays too
        self.on_restart: list[Callable[[], None]] = []        # the state was restored or changed outside
        self._stream: Level | None = None        # detail of the generator in _events (None: start one)
        self._events = None
        self._snapshots: deque[Snapshot] = deque()
        self._marks: deque[Mark] = deque()
        self._edits: list[tuple[int, Edit, int]] = []   # (position, change, bytes)
        self._snapshot()

    # --- forward ------------------------------------------------------------------------------
    def step(self, level: Level | None = Level.OP, limit: int | None = None,
             until: Callable[[Event], bool] | None = None, detail: Level | None = None) -> Event:
        """Consume events up to the next boundary of `level` (or `limit` events, or until `until`
        holds for an event of `detail`). With `detail` batch or coarser, batches run one compiled call
        each; listeners see only events of `detail` (those at that level or closing one)."""
        detail = self.detail if detail is None else detail
        stream = Level.BATCH if detail >= Level.BATCH > self.detail else self.detail
        count = 0
        while True:
            if self._events is None or stream != self._stream and self.restartable():
                self._start(stream if self.restartable() else self.detail)
            event = next(self._events)
            shown = event.level >= detail or event.closes >= detail
            self._took(event, self._stream, shown)
            count += 1
            told = bool(until and shown and until(event))   # asked of every event shown: it may count them
            if told or (level is not None and event.closes >= level) or (limit and count >= limit):
                return event

    def run(self, epochs: int, every: int = 1, finished: int | None = None) -> Event | None:
        """Train up to `epochs` epochs on the model's fused path (from an epoch boundary), taken in
        as one event; None if no epoch ran. `finished`: the epoch (counted from 1) that the same
        request finished by stepping just before, which the run's summary names too."""
        if not self.at(Level.EPOCH):
            raise ValueError("a fused run starts at an epoch boundary")
        first = self.model.epoch + 1
        ran = self.model.train_fused(epochs, every) if epochs > 0 else 0
        if not ran:
            return None
        self._outside()
        event = self._run_event(ran, first, finished)
        self._took(event, Run(ran, every), shown=False)   # listeners are told of streamed events only
        return event

    def restartable(self) -> bool:
        """True where a fresh event stream, of any detail, continues exactly from here."""
        return self.last is None or self.last.closes >= Level.SAMPLE

    def at(self, level: Level) -> bool:
        """True at a boundary of `level` (the start counts as one)."""
        return self.last.closes >= level if self.last is not None else self.position == 0

    def _start(self, stream: Level) -> None:
        self._events, self._stream = self.model.events(stream), stream

    def _outside(self) -> None:
        """The model's state changed outside any stream: the next step starts a fresh one."""
        self._events = self._stream = None
        for listener in self.on_restart:
            listener()

    def _run_event(self, epochs: int, first: int, finished: int | None = None) -> Event:
        return run_event(self.model.name, epochs, first, finished)

    def _took(self, event: Event, grain: Level | Run, shown: bool) -> None:
        self._count(event)
        for listener in self.on_pull:
            listener(event, self.position)
        if event.closes >= Level.LAYER or grain != self.detail:
            place = self.model.place() if event.closes >= Level.SAMPLE else None
            self._mark(Mark(self.position, event.closes, grain, place))
        if event.closes >= Level.SAMPLE and (grain == self.detail or isinstance(grain, Run)
                                             or self.position - self._snapshots[-1].position >= COARSE_SPACING):
            self._snapshot()
        if shown:
            for listener in self.on_event:
                listener(event)

    # --- history and its memory -----------------------------------------------------------------
    def _count(self, event: Event) -> None:
        """One more event consumed (taken or replayed)."""
        self.position += 1
        self.last = event
        self.since_restart = 0 if event.closes >= Level.SAMPLE else self.since_restart + 1

    def _mark(self, mark: Mark) -> None:
        self._marks.append(mark)
        self.held += _mark_bytes(mark)

    def _unmark(self, mark: Mark) -> None:
        self.held -= _mark_bytes(mark)

    def _snapshot(self) -> None:
        memo: dict = {}
        state = self.model.state(memo)
        made = sum(sys.getsizeof(obj) for key, obj in memo.items() if key != id(memo))   # the copies
        place = self.model.place()
        snap = Snapshot(self.position, state, self.last,
                        made + footprint(self.last, place) + _SNAPSHOT_BYTES, place)
        self._snapshots.append(snap)
        self.held += snap.nbytes
        while len(self._snapshots) > 2 and self.held > self.memory:
            self.held -= self._snapshots.popleft().nbytes
        oldest = self._snapshots[0].position
        while self._marks and self._marks[0].position < oldest:
            self._unmark(self._marks.popleft())
        if self._edits and self._edits[0][0] < oldest:   # no replay can start before `oldest`
            self._keep_edits(lambda p: p >= oldest)

    def _keep_edits(self, keep: Callable[[int], bool]) -> None:
        self.held -= sum(size for p, _, size in self._edits if not keep(p))
        self._edits = [edit for edit in self._edits if keep(edit[0])]

    # --- edits --------------------------------------------------------------------------------
    def edit(self, change: Edit) -> None:
        """Apply a change to the model now, and again whenever a replay passes this position."""
        change(self.model)
        size = footprint(change) + _EDIT_BYTES
        self._edits.append((self.position, change, size))
        self.held += size

    # --- back ---------------------------------------------------------------------------------
    @property
    def earliest(self) -> int:
        return self._snapshots[0].position

    def restart_points(self) -> list[tuple[int, tuple, Level | Run | None]]:
        """The kept restart points, oldest first: (position, the model's place() there, the stream
        of the event that ended there: None for the oldest kept point). Between two of them lie
        only events of the fine stream, one position each."""
        first = self._snapshots[0]
        points = [(first.position, first.place, None)]
        points += [(m.position, m.place, m.grain) for m in self._marks
                   if m.place is not None and m.position > first.position]
        return points

    def target(self, level: Level) -> int:
        """Position of the previous boundary of `level` before the current position."""
        if level == Level.OP:
            return self.position - 1
        for mark in reversed(self._marks):
            if mark.position < self.position and mark.closes >= level:
                return mark.position
        return self.earliest if self.earliest == 0 else -1

    def back(self, level: Level = Level.OP) -> Event | None:
        """Return to the previous boundary of `level`; raises HistoryLimit past the kept history."""
        if self.position > self.earliest:
            self._expand(level)
        goal = self.target(level)
        if goal < self.earliest or self.position == 0:
            raise HistoryLimit(f"history starts at step {self.earliest}; cannot go back further")
        self.seek(goal)
        return self.last

    def replayed(self, level: Level = Level.OP) -> tuple[int, int] | None:
        """What back(level) would replay from its snapshot, without doing it: (events of the fine
        stream, events of a coarser one: compiled batches); None where it must first open the last
        event finer (a batch op by op, a run epoch by epoch), whose cost this does not count.
        A screen uses it to tell a rewind it can do at once from one that takes a while."""
        if self._marks and self._marks[-1].position == self.position > self.earliest:
            grain = self._marks[-1].grain
            if self._hides(grain) > level and self._opens(grain):
                return None
        goal = self.target(level)
        start = next((s.position for s in reversed(self._snapshots) if s.position <= goal), goal)
        coarse = 0
        for mark in reversed(self._marks):   # the newest first: those after the snapshot only
            if mark.position <= start:
                break
            coarse += mark.position <= goal and mark.grain != self.detail
        return goal - start - coarse, coarse

    def undo(self) -> Event | None:
        """Return to before the last event, whatever it stood for (a whole fused run, say)."""
        if self.position <= self.earliest:
            raise HistoryLimit(f"history starts at step {self.earliest}; cannot go back further")
        self.seek(self.position - 1)
        return self.last

    def _hides(self, grain: Level | Run) -> int:
        """The coarsest level whose boundaries an event of `grain` passes without showing them."""
        if isinstance(grain, Run):
            return Level.EPOCH + (grain.epochs > 1)
        return grain if grain > self.detail else -1

    def _expand(self, level: Level) -> None:
        """While the last event hides boundaries of `level`, replay it on a finer stream (a run of
        n epochs as n−1 and 1; one fused epoch as compiled batches; a batch op by op), which lands on
        the same bits and leaves its inside in the history."""
        while self._marks and self._marks[-1].position == self.position > self.earliest:
            mark = self._marks[-1]
            if self._hides(mark.grain) <= level or not self._opens(mark.grain):
                return
            with self.muted():   # a replay is not news to listeners
                self.seek(self.position - 1)
                if isinstance(mark.grain, Run) and mark.grain.epochs > 1:
                    self.run(mark.grain.epochs - 1, mark.grain.every)
                    self.run(1, mark.grain.every)
                elif isinstance(mark.grain, Run):
                    self.step(Level.EPOCH, detail=Level.BATCH)
                else:
                    self.step(mark.closes)

    def _opens(self, grain: Level | Run) -> bool:
        """Whether replaying an event of `grain` on a finer stream lands on its bits: not one fused
        epoch where the backend's fused path is another computation than its batches (cuda: the
        GPU's). Going back inside such an epoch then lands on its start, exactly."""
        return not isinstance(grain, Run) or grain.epochs > 1 or self.model.kernels.fused_exact

    @contextmanager
    def muted(self):
        """No new-event listener is called inside (a replay, or a lesson rebuilding its past)."""
        listeners = self.on_event[:]
        self.on_event.clear()   # in place: a Simulator rebuilt inside hands this list to its new stepper
        try:
            yield
        finally:
            self.on_event[:] = listeners

    def seek(self, goal: int) -> None:
        """Rebuild the state after event `goal` (which must lie within the kept history)."""
        while self._snapshots[-1].position > goal:
            self.held -= self._snapshots.pop().nbytes
        snap = self._snapshots[-1]
        grains = {}
        for mark in reversed(self._marks):
            if mark.position <= snap.position:
                break
            if mark.position <= goal:
                grains[mark.position] = mark.grain
        while self._marks and self._marks[-1].position > goal:
            self._unmark(self._marks.pop())
        self._keep_edits(lambda p: p <= goal)
        self.model.set_state(snap.state)
        self.position, self.last, self.since_restart = snap.position, snap.last, 0
        self._outside()
        for p, change, _ in self._edits:
            if p == snap.position:
                change(self.model)
        while self.position < goal:
            grain = grains.get(self.position + 1, self.detail)
            if isinstance(grain, Run):
                self.model.train_fused(grain.epochs, grain.every)
                self._events = self._stream = None
                event = self._run_event(grain.epochs)
            else:
                if grain != self._stream:
                    self._start(grain)   # grains change only at restart points
                event = next(self._events)
            self._count(event)
            for listener in self.on_pull:
                listener(event, self.position)
            for p, change, _ in self._edits:
                if p == self.position:
                    change(self.model)


# Compiled batches are cheap to replay and many: a snapshot every few of them keeps streaming fast
COARSE_SPACING = 8

# fixed costs of the history's own bookkeeping, per entry
_MARK_BYTES = sys.getsizeof(Mark(0, Level.OP, Level.OP)) + sys.getsizeof(2**40) + 8   # + its deque slot
_SNAPSHOT_BYTES = sys.getsizeof(Snapshot(0, {}, None, 0, ())) + 64 + 8
_EDIT_BYTES = sys.getsizeof((0, None, 0)) + sys.getsizeof(2**40) + 8


def _mark_bytes(mark: Mark) -> int:
    """A mark's bytes: the fixed cost, and what it holds besides (a run's numbers, a place)."""
    return _MARK_BYTES + footprint(*(x for x in (mark.grain, mark.place) if isinstance(x, tuple)))
