"""`dlsim run MODEL --headless`: train without a screen, print a summary, optionally write a trace."""
import math
import os
import sys
import threading
import time
from contextlib import contextmanager

from dlsim.errors import UserError
from dlsim.models.estimate import duration, size
from dlsim.kernels import cache, jit
from dlsim.models import chunked
from dlsim.protocol.events import Level
from dlsim.protocol.numbers import count, counted, num
from dlsim.sim import stop
from dlsim.sim.simulator import Simulator, level_of
from dlsim.console.trace_file import TraceError, TraceWriter

TRACE_LEVELS = ("op", "batch", "epoch")
LONG = 60.0    # seconds: a run estimated to take longer is announced with its cost


@contextmanager
def feedback(message: str):
    """Say `message` on stderr, once, if Numba starts compiling in the block (seconds, on a cold
    cache); loading compiled kernels from the cache takes a fraction of that and is not announced."""
    said = False
    def say():
        nonlocal said
        if not said:
            said = True
            print(message, file=sys.stderr, flush=True)
    jit.compiles.watchers.append(say)
    try:
        yield
    finally:
        jit.compiles.watchers.remove(say)


def compiling_message() -> str:
    kept = "first run only; later runs load them from the cache" if cache.directory() else cache.problem
    return f"dlsim: compiling the Numba kernels… ({kept})"


def _count(value: int | None, what: str) -> None:
    if value is not None and value < 1:
        raise UserError(f"--{what} must be a whole number >= 1, got {value}")


def run_headless(model: str, seed: int, options: dict, epochs: int | None, steps: int | None,
                 trace: str | None, trace_level: str = "batch", trace_inspect: bool = False,
                 after=None, save=None, opened: Simulator | None = None) -> int:
    """`after`: called with the Simulator once the run is reported (exports, the plot); `save`: a
    console.session_cli.SaveAtEnd, called when the run ends (Ctrl+C too); `opened`: a simulation to
    train on (a saved session's) in place of building `model`."""
    with stop.handled(terminate=True):   # Ctrl+C and SIGTERM: exit 130 with a whole trace
        return _run(model, seed, options, epochs, steps, trace, trace_level, trace_inspect, after, save, opened)


def _run(model, seed, options, epochs, steps, trace, trace_level, trace_inspect, after=None, save=None,
         opened=None) -> int:
    _count(epochs, "epochs")
    _count(steps, "steps")
    if trace_level not in TRACE_LEVELS:
        raise UserError(f"--trace-level '{trace_level}' is not allowed; choose from: {', '.join(TRACE_LEVELS)}")
    sim = opened if opened is not None else Simulator(model, seed=seed, **options)
    if epochs is None and steps is None:
        epochs = sim.model.default_epochs
    writer = TraceWriter(trace, inspect=trace_inspect) if trace is not None else None
    detail = level_of(trace_level) if writer else Level.EPOCH
    warn_if_long(sim, epochs, steps, detail)
    compiling_before = jit.compiles.seconds
    training = None   # when training began (None: still loading the kernels)
    whole = Whole(sim.model)
    try:
        warm = _warm_up_detail(sim, detail, streamed=writer is not None or steps is not None)
        with feedback(compiling_message()):   # in a helper thread: Ctrl+C is heard while Numba works
            stop.waiting(lambda: sim.model.warm_up(warm))
        if writer:
            writer.header(sim.name, sim.config, sim.model.epoch_word, own_data_identity(sim))
            writer.flush()   # the first line is there as soon as training starts
        started = training = time.perf_counter()
        progress = Progress(sim, epochs, steps, writer)
        # in a helper thread too: Ctrl+C is heard while a long compiled call runs (see stop.waiting)
        if writer or steps is not None:
            summary = stop.waiting(lambda: _train_streamed(sim, epochs, steps, detail, writer, progress, whole))
        else:
            summary = stop.waiting(lambda: _train_with_progress(sim, epochs, progress, whole))
    except TraceError as error:
        raise UserError(str(error)) from None
    except KeyboardInterrupt:
        return interrupted(sim, writer, trace, training is not None, whole, save)
    finally:
        if writer:
            _close(writer)
    wall = time.perf_counter() - started
    print(report(summary, wall, sim))
    compiled = jit.compiles.seconds - compiling_before
    if compiled:   # only when something was compiled, not merely loaded from the cache
        print(f"  (first run: {num(compiled, 1)} s went to compiling the kernels, now cached)" if cache.directory()
              else f"  ({num(compiled, 1)} s went to compiling the kernels, which could not be cached)")
    if writer:
        print(f"trace: {writer.count} events written to {trace}")
    if after:
        after(sim)
    if save:
        print(save(sim))
    return 0


def _warm_up_detail(sim: Simulator, detail: Level, streamed: bool) -> Level:
    """What to compile before training (loading them later would happen where Ctrl+C waits for
    it): a streamed run at epoch detail steps by compiled batches, and so does a fused run whose
    epochs are too long for one call (dlsim.models.chunked)."""
    return min(detail, Level.BATCH) if streamed or chunked.too_long(sim.model) else detail


class Whole:
    """Where the run last stood whole, and the lock the trace is written under. The training runs
    in a helper thread; a helper still inside a compiled call GRACE seconds after Ctrl+C is abandoned
    (the process ends), and the run is reported where it last stood whole: after the last event
    written, or the last whole epochs run."""

    def __init__(self, model):
        self.lock = threading.Lock()
        self.at(model)

    def at(self, model) -> None:
        self.epoch, self.steps = model.epoch, model.steps


def interrupted(sim: Simulator, writer: TraceWriter | None, trace: str | None, training: bool,
                whole: Whole, save=None) -> int:
    """Ctrl+C or SIGTERM: the trace ends with a record saying so, one line says where the run
    stopped, and the exit status is 130. A helper thread still loading kernels or inside a compiled
    call is abandoned: the run is reported where it last stood whole."""
    stop.ignore()   # a second Ctrl+C must not cut the last lines in half
    m = sim.model
    abandoned = stop.busy()
    # the helper writes no trace line after this (it waits for the lock until the process ends)
    locked = whole.lock.acquire(timeout=stop.GRACE / 2)
    epoch, steps = (whole.epoch, whole.steps) if abandoned else (m.epoch, m.steps)
    where = (f"after {counted(epoch, m.epoch_word)} and {counted(steps, 'step')}" if training
             else "before training began (while the kernels loaded)")
    if training and abandoned:
        where += " (the compiled call running then was abandoned)"
    kept = ""
    if writer:
        try:
            if writer.bytes == 0:   # stopped before the header: the trace still says what ran
                writer.header(sim.name, sim.config, m.epoch_word, own_data_identity(sim))
            writer.interrupted(epoch, steps)
            writer.close()
            kept = f"; trace: {count(writer.count)} events written to {trace}, then a line saying so"
        except TraceError as error:
            kept = f"; {error}"
    if save and training and abandoned:   # the helper is still changing the weights
        kept += "; session not saved: it stopped inside a compiled call, with the weights half-updated"
    elif save:
        kept += save.interrupted(sim)
    print(f"dlsim: interrupted {where}{kept}", file=sys.stderr, flush=True)
    if abandoned:   # a thread inside Numba: end now, not at interpreter shutdown
        sys.stdout.flush()
        os._exit(130)
    if locked:
        whole.lock.release()
    chunked.requested.clear()   # this stop is spent: a later run in this process is not stopped by it
    return 130


def _close(writer: TraceWriter) -> None:
    """Close the trace; a failure to write its last lines is the user's one line, as any other."""
    try:
        writer.close()
    except TraceError as error:
        raise UserError(str(error)) from None


def warn_if_long(sim: Simulator, epochs: int | None, steps: int | None, detail: Level) -> None:
    """Say on stderr, before it starts, what a run that will take minutes or more costs."""
    needs = sim.estimate
    many = epochs if epochs is not None else needs.epochs(steps, Level.BATCH)
    seconds = needs.stepped(many, Level.EPOCH) if detail == Level.OP else needs.compiled(many)
    if seconds >= LONG:
        what = counted(epochs, sim.model.epoch_word) if epochs is not None else counted(steps, "step")
        print(f"dlsim: {what} will take {duration(seconds)} (an estimate); progress is reported "
              "every few seconds, and Ctrl+C stops the run", file=sys.stderr, flush=True)


class Progress:
    """Says on stderr how far a long run got, every few seconds, whatever the run's flags."""
    EVERY = 3.0

    def __init__(self, sim: Simulator, epochs: int | None, steps: int | None, writer=None):
        self.sim, self.epochs, self.steps, self.writer = sim, epochs, steps, writer
        self.epoch0, self.steps0 = sim.model.epoch, sim.model.steps
        self.started = self.said = time.perf_counter()

    def tick(self) -> None:
        now = time.perf_counter()
        if now - self.said < self.EVERY or chunked.requested.is_set():   # stopping: the last line is that
            return
        self.said = now
        m, spent = self.sim.model, now - self.started
        word = m.epoch_word
        if self.steps is not None:
            done, where = m.steps - self.steps0, f"step {count(m.steps - self.steps0)} of {count(self.steps)}"
            rate = f"{count(round(done / spent))} steps/s"
        else:
            done, where = m.epoch - self.epoch0, f"{word} {count(m.epoch - self.epoch0)} of {count(self.epochs)}"
            rate = f"{count(round(done / spent))} {word}s/s" if done >= spent else f"{num(spent / max(done, 1), 1)} s/{word}"
            inside, total = m.epoch_progress()
            if inside:   # a long epoch going by batches (dlsim.models.chunked): how far into it
                where += f", {inside * 100 // max(total, 1)}% of the next"
                rate = rate if done else f"{num(spent, 1)} s so far"
        written = f", {size(self.writer.bytes)} of trace written" if self.writer else ""
        print(f"dlsim: {where} ({rate}{written}; Ctrl+C stops)", file=sys.stderr, flush=True)


def _train_streamed(sim: Simulator, epochs: int | None, steps: int | None, detail: Level,
                    writer: TraceWriter | None, progress: Progress, whole: Whole) -> dict:
    """Train event by event (a trace, or a count of steps), reporting progress as it goes; a stop
    requested (Ctrl+C in the main thread) ends it at the next event, whole."""
    def seen(event):
        with whole.lock:
            if writer and event.level >= detail:
                writer.write(event, sim)
            whole.at(sim.model)
        progress.tick()
        if chunked.requested.is_set():
            raise KeyboardInterrupt
    sim.on_event.append(seen)
    # told of every batch, written or not, so that a stop does not wait for the end of an epoch
    # (with --steps the detail also says what a step counts: left as asked)
    listen = min(detail, Level.BATCH) if steps is None else detail
    summary = sim.train(epochs=epochs, steps=steps, detail=listen if writer else None)
    done, total = sim.model.epoch_progress()
    if steps is not None and done == total:   # the last step finished an epoch: close it too
        summary = sim.train(until=lambda event: event.closes >= Level.EPOCH,
                            detail=detail if writer else None)
    if writer:
        writer.summary(summary)
    return summary


def _train_with_progress(sim: Simulator, epochs: int, progress: Progress, whole: Whole) -> dict:
    """Train on the fused path in slices, saying how far it got every few seconds on a long run."""
    chunked.between.append(progress.tick)   # inside an epoch too long for one call, too
    try:
        return train_in_slices(sim, epochs, progress, whole)
    finally:
        chunked.between.remove(progress.tick)


def train_in_slices(sim: Simulator, epochs: int, progress: Progress | None = None,
                    whole: Whole | None = None) -> dict:
    """Train `epochs` epochs on the fused path (ending early where nothing is left to learn) in
    slices of about half a second: `dlsim run --headless`'s training, and a sweep's."""
    done, size_ = 0, 1
    summary = None   # not measured before training: evaluating a large set is a long compiled call
    while done < epochs:
        ran_from = sim.epoch
        t0 = time.perf_counter()
        summary = sim.train(epochs=min(size_, epochs - done))
        if whole is not None:
            whole.at(sim.model)
        done += max(sim.epoch - ran_from, 1)
        if sim.model.converged() or sim.nonfinite() or not math.isfinite(sim.history[-1].get("loss", 0.0)):
            break   # nothing left to learn, or nothing left to learn from (NaN)
        size_ = max(1, min(size_ * 2, int(size_ * 0.5 / max(time.perf_counter() - t0, 1e-6))))
        if done < epochs and progress is not None:
            progress.tick()
    return summary


def report(s: dict, wall: float, sim: Simulator) -> str:
    """The summary a headless run prints: counts with thousands separators, each figure by the one
    number format (dlsim.protocol.numbers), the epoch in the network's own word."""
    took = f"{num(wall, 2)} s" if wall >= 1 else f"{num(wall * 1000, 1)} ms"
    done, total = sim.model.epoch_progress()
    word = sim.model.epoch_word
    counts = f"{counted(s['epochs'], word)}, {counted(s['steps'], 'step')}"
    if done:     # stopped inside an epoch: say how far into it
        counts += f" ({word} {count(s['epochs'] + 1)} not finished: {count(done)} of {count(total)} updates)"
    lines = [f"{s['model']} on {s['dataset']}: {counts} in {took}"]
    figures = [f"{m.lead(short=False, unit=word)} {count(s[m.key]) if m.whole else num(s[m.key])}"
               for m in sim.model.metrics if s.get(m.key) is not None]
    if figures:
        lines.append("  " + ", ".join(figures))
    lines += [f"  data: {note}" for note in sim.data_notes]   # own data: what was read, scaled and split
    if s["diverged"]:
        lines.append(f"  diverged: {s['divergence']} (try a smaller learning rate)")
    elif sim.model.outcome():
        lines.append(f"  {sim.model.outcome()}")
    return "\n".join(lines)


def own_data_identity(sim) -> dict | None:
    """The trace header's record of the learner's own data file (None for a built-in set)."""
    if sim.own_data is None:
        return None
    return {k: v for k, v in sim.data_identity.items() if k in ("file", "path", "sha256", "bytes")}
