"""A Simulator as the app drives it. Knows nothing about screens (no textual import).

On top of `Simulator.step/back` it keeps what a learner's screen needs: a trace of the sample in
progress (from the Simulator's on_pull hook, so replays after a rewind are traced too), each
parameter's last change, and a watch for divergence. Steps to a batch or an epoch
boundary run on the compiled batch path (the same arithmetic, bit for bit), and `run_chunk` trains
on the fused path for the run worker; both through the stepper, so ← at any level undoes them exactly.
"""
import math
import time
from collections import deque
from typing import Any, Callable

import numpy as np

from dlsim.models import chunked
from dlsim.models.base import Model
from dlsim.protocol.events import Event, Level
from dlsim.protocol.numbers import count
from dlsim.sim.simulator import Simulator, level_of
from dlsim.sim.stepper import RUN as COMPILED_RUN
from dlsim.tui.before_divergence import (back_to, before_updates, began_or_broke, epoch_that_broke,
                                         oldest_kept, warning)
from dlsim.tui.changes import EDITED, RUN, STEP, Changes, Layout
from dlsim.tui.frame import Frame
from dlsim.tui.summary import headline, summarize
from dlsim.tui.typed_weights import Typed, after_edit, to_blame, typed
from dlsim.sim.watchdog import Watchdog


UNIT_EVENTS = 20_000
COSTED = 200   # events a step pulls from which its time says what an event costs (step_seconds)


class Session:
    def __init__(self, sim: Simulator):
        self.sim = sim
        self.level = Level.OP          # what → and ← step by
        self.watch = sim.new_watchdog()
        self.diverged: str | None = None
        self.chunk = 1                 # epochs per fused call, adapted to take ~1/30 s
        self._edited_at = -1           # the stream position of the last weight typed in by hand
        self._typed: list[Typed] = []  # the weights typed in by hand, oldest first, still in the history
        self._undo: Typed | None = None   # after a divergence it caused, the one ← takes back
        self._blamed: tuple[str, str] = ("", "")   # … and where and how training broke after it
        self._summary: list[str] = []  # what the last coarse step did (summary.summarize)
        self._summary_args: tuple | None = None   # … or what to summarize it from, once asked
        self._summary_at = -1           # … valid while the stream is still at this position
        self.summary_level: Level | None = None   # … the level of that step (None: runs)
        self._unit: deque | None = None  # events pulled during the step in progress (the latest
                                         # UNIT_EVENTS: a big network's sample is a million)
        self._pulls = 0                  # events pulled so far, replays included
        self._event_cost: float | None = None   # CPU seconds an event stepped op by op took, measured
        sim.on_pull.append(self._pulled)
        sim.on_build.append(self._adopt)   # whoever rebuilds it (the app, a lesson player)
        self._adopt()

    # --- the model, wrapped ---------------------------------------------------------------------
    @property
    def model(self):
        return self.sim.model

    @property
    def trace(self):
        """The latest event of each (op, path) of the sample in progress (kept by the Simulator)."""
        return self.sim.trace

    @property
    def name(self) -> str:
        return self.sim.name

    def _adopt(self) -> None:
        """Start over with the model just built: new layout, no changes seen, no divergence."""
        self.layout = Layout(self.model.params)
        self.changes = Changes(self.layout.size)
        self.built = self.flat()   # the parameters as built: where a change seen across the build starts
        self.watch = self.sim.new_watchdog()   # the network's losses, its start loss learnt when first judged
        self._start_known = False
        self.watch.reset(self.sim.history)
        self.diverged = self._back_to = self._undo = None   # the warning, where ← then goes (and what it undoes)
        self.summary = []
        self.chunk = 1
        self._edited_at = -1
        self._typed = []
        self._event_cost = None   # another network's events cost what they cost: measured again

    def converges(self) -> bool:
        """Whether the model, as configured, has a notion of done (the perceptron's error-free epoch,
        the RBF's solve; not its delta rule)."""
        return self.model.can_converge()

    def converged_here(self) -> bool:
        """Whether the simulation stands at the end of an epoch after which the model has converged,
        however that epoch was reached (a step, a play, a run): the moment the app says so. A weight
        typed in since then may undo it, so the next epoch decides again."""
        return (self.sim.at_epoch_boundary() and self.model.converged()
                and self._edited_at != self.sim.position)

    @property
    def summary(self) -> list[str]:
        """What the last coarse step did, summarized the first time it is asked for."""
        if self._summary_args is not None:
            level, events, last, layout, before, after, history, metrics, unit = self._summary_args
            self._summary = summarize(level, events, last, layout, before, after, history,
                                      headline=metrics, unit=unit)
            self._summary_args = None
        return self._summary

    @summary.setter
    def summary(self, lines: list[str]) -> None:
        self._summary, self._summary_args = lines, None
        self.summary_level = None   # a run's, until step() says which level's step it sums up

    def _pulled(self, event: Event, position: int) -> None:
        self._pulls += 1
        if self._unit is not None:
            self._unit.append(event)

    def flat(self) -> np.ndarray:
        return self.layout.flat(self.model.params)

    def grads(self) -> dict[str, np.ndarray] | None:
        """The current accumulated gradient of every parameter, if the network has gradients."""
        return self.model.accumulated_gradients()

    # --- stepping ------------------------------------------------------------------------------
    def step(self, level: Level | str | None = None) -> Event:
        level = self.level if level is None else level_of(level)
        before = self.flat()
        self._unit = deque(maxlen=UNIT_EVENTS)
        pulls, started = self._pulls, time.thread_time()
        try:
            # batches and epochs on the compiled batch path: the same bits, one call per batch
            event = self.sim.step(level, detail=Level.BATCH if level >= Level.BATCH else None)
        finally:
            unit, self._unit = self._unit, None
        if level < Level.BATCH and self._pulls - pulls >= COSTED:
            self._event_cost = (time.thread_time() - started) / (self._pulls - pulls)
        after = self.flat()
        self.changes.observe(before, after, self.model.steps, STEP)
        self.summary = summarize(level, list(unit), event, self.layout, before, after, self.sim.history,
                                 headline=headline(self.model.metrics, self.model.epoch_word), trace=self.trace.events,
                                 unit=self.model.epoch_word)
        self.summary_level = level   # kept: a level key pressed after the step changes nothing of it
        self._summary_at = self.sim.position
        self._check(event)
        return event

    def step_seconds(self, level: Level) -> float:
        """About how long step(level) takes: op by op below a batch (at the measured cost of an
        event); a batch or an epoch on the compiled path (from the fused epoch as measured, or the
        model's estimate before one was), after finishing the sample in hand op by op."""
        est = self.sim.estimate
        if level < Level.BATCH:
            return self._stepped_seconds(level)
        finishing = 0.0 if self.sim.stepper.restartable() else self._stepped_seconds(Level.SAMPLE)
        epoch = chunked.epoch_seconds(self.model)   # the fused epoch as measured, where it was
        epochs = est.epochs(1, level)
        return finishing + (est.compiled(epochs) if epoch is None else epoch * epochs)

    def _stepped_seconds(self, level: Level) -> float:
        """One unit of `level` stepped op by op: its events at what each costs."""
        est = self.sim.estimate
        return est.epochs(1, level) * est.per_epoch[Level.OP] * self._event_seconds()

    def _event_seconds(self) -> float:
        """What one event stepped op by op costs: as the last step of COSTED events or more took,
        or the model's estimate until then (a VAE's is 4× what it takes)."""
        return self.sim.estimate.event_seconds if self._event_cost is None else self._event_cost

    def back_seconds(self, level: Level) -> float:
        """About how long back(level) takes: the events it replays from the nearest snapshot
        (after stepping a sample, one op back replays all but one of its events); unbounded where
        it first opens a coarse step finer, or goes back before a divergence."""
        replayed = None if self.diverged else self.sim.stepper.replayed(level)
        if replayed is None:
            return math.inf
        fine, coarse = replayed
        est = self.sim.estimate
        return fine * self._event_seconds() + est.compiled(est.epochs(coarse, Level.BATCH))

    def back(self, level: Level | str | None = None) -> Event | None:
        """Rewind by `level`, or, after a divergence, to where its warning says ← goes (whatever the
        level); raises stepper.HistoryLimit (with a message) past the kept history."""
        level = self.level if level is None else level_of(level)
        before = self.flat()
        if self.diverged and self._undo is not None:
            # to where the weight that broke it was typed, with the value it had before; unless the
            # history forgot that place since it was said (stepping on): then the warning says so
            edit = self._undo
            if not self._undo_typed(edit):
                return None
            event = self.sim.seek(edit.cursor)
            self.sim.set_param(edit.name, edit.old, edit.index)
            self._typed.remove(edit)
        elif self.diverged and self._back_to is not None and self.sim.cursor > self._back_to:
            # whatever the level: before the updates that broke it, as the warning says (or as far
            # as the history still reaches, if it forgot more since)
            event = self.sim.seek(max(self._back_to, oldest_kept(self.sim)))
        else:   # after a batch, an epoch or a run too: the stepper replays it finer where needed
            event = self.sim.back(level)
        here = self.sim.cursor   # edits typed after here are gone from the history
        self._typed = [edit for edit in self._typed if edit.cursor <= here]
        if not self.trace.events:
            self.trace.restore(self.sim.position, self.sim.last)
        self.changes.rewound(before, self.flat())
        self.summary = []
        self.watch.reset(self.sim.history)
        self.diverged = self._back_to = self._undo = None
        self._check(self.sim.last, rewound=True)
        return event

    def _check(self, event: Event | None, rewound: bool = False) -> None:
        problem, began = Watchdog.params(self.flat()) or Watchdog.event(event), None
        if problem is None and event is not None and event.closes >= Level.EPOCH and event.op != COMPILED_RUN and not rewound:
            found = self._judged(1)
            problem, began = (found[1], self.watch.began) if found else (None, None)
        if problem:
            self._diverge(problem, began)

    def _judged(self, ran: int):
        """The watchdog's verdict on the last `ran` history entries; the first time, it learns the
        loss before training first (as the Simulator's does), so that a run that blew up within
        its first epoch is told there."""
        history = self.sim.history
        if not self._start_known:
            self._start_known = True
            loss = self.sim.loss_before_training()
            if loss is not None:
                self.watch.know_start(loss, history[:len(history) - ran])
        return self.watch.history(history[len(history) - ran:])

    def _diverge(self, problem: str, began: int | None = None) -> None:
        """Warn of the first sign of divergence (later ones follow from it), and keep where ← goes:
        before the epoch its trouble `began` in, where the watchdog knows (a slow sign)."""
        if self.diverged is None:
            broke = epoch_that_broke(self.sim)
            self._back_to = back_to(self.sim, broke, began)
            where = f"{self.model.epoch_word} {count(broke)}, step {count(self.model.steps)}"
            edit = to_blame(self._typed, before_updates(began_or_broke(broke, began)), began)
            if edit is not None:   # a weight typed out of scale broke it, not the updates
                self._blamed = (where, problem)
                self._undo_typed(edit)
                return
            self.diverged = warning(where, problem, self.model.epoch_word, broke, self._back_to,
                                    self.model.learning_rates, began)

    def _undo_typed(self, edit: Typed) -> bool:
        """Say that the typed weight `edit` broke training, and keep it for ← to undo; or, where
        the history no longer reaches back to it, say what to do instead. True if ← can."""
        reachable = edit.cursor >= oldest_kept(self.sim)
        self._undo = edit if reachable else None
        self.diverged = after_edit(*self._blamed, edit, self.model.epoch_word, reachable)
        return reachable

    # --- running (called on the run worker's thread) ----------------------------------------------
    def run_chunk(self, seconds: float = 1 / 30, most: int | None = None) -> str | None:
        """Train about `seconds`, and at most `most` epochs, on the fused path. Returns why the run
        must stop, if it must: a run that starts where the model has already converged trains nothing."""
        if self.converged_here():
            return "converged"
        if not self.sim.at_epoch_boundary():
            self.step(Level.EPOCH)
            return "diverged" if self.diverged else "converged" if self.converged_here() else None
        before = self.flat()
        start = time.perf_counter()
        ran = self._fused(self.chunk if most is None else max(1, min(self.chunk, most)))
        spent = time.perf_counter() - start
        # at most a quarter of the history the model keeps unthinned, so the watchdog sees every epoch
        cap = Model.HISTORY_LIMIT // 4
        # rounded up: a chunk of one epoch taking 2/3 of `seconds` (its evaluation half of that)
        # grows to two, where rounding down kept it at one and evaluated after every epoch
        self.chunk = min(cap, max(1, math.ceil(self.chunk * min(4.0, seconds / max(spent, 1e-6)))))
        found = self._judged(ran) if ran else None
        after = self.flat()   # (once: each copy of a large network's weights lets the UI thread in)
        problem, began = self._verdict(found, after)
        if problem and ran > 1:   # find the first epoch that went wrong, one epoch at a time
            self.sim.undo()
            self.watch.reset(self.sim.history)
            return self.run_chunk_single(before)
        self._ran(before, after)
        if problem:
            self._diverge(problem, began)
            return "diverged"
        return "converged" if self.model.converged() else None

    def run_chunk_single(self, before: np.ndarray) -> str | None:
        """One epoch per fused call until one diverges (used to say where it happened)."""
        while True:
            ran = self._fused(1)
            found = self._judged(ran) if ran else None
            after = self.flat()
            problem, began = self._verdict(found, after)
            if problem or ran == 0:
                self._ran(before, after)   # as a chunk's: else the panel told this last epoch's run, not the play's
                self._diverge(problem or "training stopped", began)
                return "diverged"

    def _verdict(self, found, flat: np.ndarray) -> tuple[str | None, int | None]:
        """(what went wrong, the epoch its trouble began where the watchdog knows) after a run:
        weights no longer numbers first (`flat`: the parameters now), else the watchdog's verdict
        `found` on its epochs."""
        problem = Watchdog.params(flat)
        if problem or not found:
            return problem, None
        return found[1], self.watch.began

    def _ran(self, before: np.ndarray, after: np.ndarray) -> None:
        """After fused runs from the parameters `before` to `after` (those now): their changes, and
        the summary of where they ended, valid at this position (a whole play's replaces it when the
        play stops)."""
        self.changes.observe(before, after, self.model.steps, RUN, self.model.epoch)
        # summarized when a frame is built, not after each of the ~90 chunks a second: Python time
        # on this thread holds the GIL the UI thread needs (the lines only read the latest epoch)
        self._summary_args = (Level.EPOCH, [], self.sim.last, self.layout, before, after, self.sim.history[-1:],
                              headline(self.model.metrics, self.model.epoch_word), self.model.epoch_word)
        self.summary_level = None   # runs, no step of a level
        self._summary_at = self.sim.position

    def _fused(self, epochs: int) -> int:
        event = self.sim.stepper.run(epochs, every=epochs)
        return event.values["epochs"] if event else 0

    # --- changing things -----------------------------------------------------------------------
    def set_option(self, name: str, value: Any) -> bool:
        """Validated (UserError on a bad value). Live options apply at once; others rebuild."""
        return self.sim.set(name, value)

    def set_weight(self, name: str, index: tuple, value: float, label: str | None = None) -> None:
        """Type `value` into one weight (`label`: its name as the learner sees it, else as stored)."""
        before = self.flat()
        param = self.model.params[name].copy() if name in self.model.params else None
        self.sim.set_param(name, value, index)   # refuses a bad name, index or value
        if index is not None:   # one weight, as the editor types it (not a whole parameter)
            self._typed.append(typed(self.sim.cursor, self.model.steps, name, index,
                                     label or f"{name}[{','.join(map(str, index))}]", param, value))
        self.changes.observe(before, self.flat(), self.model.steps, EDITED)
        self._edited_at = self.sim.position
        self.diverged = self._back_to = self._undo = None
        self._check(None)

    def reset(self) -> None:
        self.sim.reset()

    def data_notice(self) -> str:
        """For the learner's own data: what the loader did (scaled, split), said when it is shown."""
        if self.sim.own_data is None:
            return ""
        said = [n for n in self.sim.data_notes if not n.startswith("read ")]
        return f"data: {self.sim.own_data.name} · " + " · ".join(said)

    # --- what the screen draws -----------------------------------------------------------------
    def frame(self, extras: Callable[[Any], dict] | None = None, running: bool = False) -> Frame:
        grads = self.grads()
        return Frame(
            name=self.name, config={**self.sim.config, "dataset": self.sim.dataset_name},
            position=self.sim.position,
            epoch=self.model.epoch, steps=self.model.steps, level=self.level, last=self.sim.last,
            trace=self.trace.copy(), params={k: v.copy() for k, v in self.model.params.items()},
            grads=None if grads is None else {k: v.copy() for k, v in grads.items()},
            # copies, for the inspector: none where the screen has no weights to select
            optimizer_state=self.model.optimizer_state() if type(self.model).weights_on_screen else {},
            history=list(self.sim.history), layout=self.layout, changes=self.changes.copy(),
            diverged=self.diverged, running=running, extras=extras(self.model) if extras else {},
            summary=tuple(self.summary) if self._summary_at == self.sim.position else (),
            summary_level=self.summary_level,
            unit=(self.model.epoch_word, self.model.epoch_abbrev))
