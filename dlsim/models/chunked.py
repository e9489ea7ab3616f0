"""Long epochs in short compiled chunks, so that a run can stop within a fraction of a second.

A compiled kernel cannot be interrupted: Ctrl+C (or the app's pause) takes effect only when it
returns. A fused epoch that takes longer than CHUNK_S is therefore trained here as its compiled
batches, one kernel call each (the batched stream, which lands on the fused path's bits), with the
stop flag looked at between two of them. A stop in the middle of an epoch puts the model back where
that epoch began, so that a run is always a whole number of epochs (what the stepper records and
replays); the epochs finished before it are kept.

An evaluation (a model's whole training and test sets) is one long compiled call too: `by_rows`
runs it over slices of rows, carrying the running totals across them (the same additions in the same
order: the same bits as one call), and looks at the flag between two slices. Where the model can be
put back — inside `fused` and `train` here, which keep the epoch's start — a stop there raises
`Stopped`, and the epoch it measured is undone like one stopped between two batches.

`requested` is the one stop flag of the process: the headless runner's signal handler sets it (and
the app's pause may), the loops here honour it, and the Simulator raises KeyboardInterrupt once the
model is at a boundary again.
"""
import math
import threading
import time
import weakref
from contextlib import contextmanager

import numpy as np

from dlsim.protocol.events import Level

CHUNK_S = 0.25     # seconds a compiled call may take before an epoch is split into its batches
# (an epoch's seconds are the CPU time of the thread that trains it: `work_time`)
ROWS_S = 0.05      # seconds one slice of an evaluation aims at (a stop waits for at most one)
FIRST_ROWS = 64    # rows of an evaluation's first slice; later ones are sized from its time

requested = threading.Event()   # set: stop at the next chunk boundary
between: list = []              # called (no arguments) between two chunks: a headless run's progress
SHOWN_ROWS_S = 1 / 40   # seconds a slice of an evaluation aims at where frames wait between two
_shown = threading.local()   # per thread: what to call between two slices of an evaluation
_measured: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()   # model -> seconds of its last fused epoch
_evaluated: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # model -> seconds of its last set evaluated
_rates: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()      # model -> {work: rows a second}, by_rows
_checking = threading.local()   # depth of `heeded` blocks in this thread
_undoable = threading.local()   # depth of blocks in this thread that can put the model back


class Stopped(Exception):
    """A stop requested inside an evaluation that `fused` or `train` can undo (never seen elsewhere)."""


@contextmanager
def heeded():
    """Within, in this thread: a stop is asked for through `requested` (a signal handler sets it
    rather than raising), and the caller raises it once the fused run returns (Simulator.train).
    Elsewhere, a replay among them, a handler raises at once: a replay cut short would be wrong."""
    _checking.depth = getattr(_checking, "depth", 0) + 1
    try:
        yield
    finally:
        _checking.depth -= 1


def heeded_here() -> bool:
    """Whether this thread is inside `heeded`."""
    return getattr(_checking, "depth", 0) > 0


@contextmanager
def _undoing():
    """Within, in this thread: the caller kept the epoch's start, so an evaluation may stop half-way."""
    _undoable.depth = getattr(_undoable, "depth", 0) + 1
    try:
        yield
    finally:
        _undoable.depth -= 1


def by_rows(model, n: int, work, what=None) -> None:
    """`work(lo, hi)` over consecutive ranges of rows covering 0 … n, each sized to take about
    ROWS_S: the first from the rate this model last did the same work at (`what`, default the
    work's code), else FIRST_ROWS rows that measure it. Between two ranges a requested stop raises
    Stopped where the caller can undo the epoch (see `_undoing`); elsewhere the work runs to its end.
    `work` must carry its running totals from one range to the next: splitting then changes no bit."""
    what = getattr(work, "__code__", None) if what is None else what
    rates = _rates.setdefault(model, {})
    # a set evaluated in several small slices, chunk after chunk of a run, gave the GIL up and waited
    # for it again at each (the autoencoder's: 3 slices a set, while the UI thread drew)
    shown = getattr(_shown, "hook", None)
    aim = SHOWN_ROWS_S if shown else ROWS_S
    rows = max(FIRST_ROWS, int(rates.get(what, 0.0) * aim))
    lo, started, framing = 0, work_time(model), 0.0
    while lo < n:
        if lo and shown:   # not before the first: a short evaluation's frame comes after it, as before
            before = work_time(model)
            shown()
            framing += work_time(model) - before   # the frames built between slices are not its cost
        if requested.is_set() and getattr(_undoable, "depth", 0):
            raise Stopped
        hi = min(n, lo + rows)
        t0 = time.perf_counter()
        work(lo, hi)
        spent = max(time.perf_counter() - t0, 1e-9)
        if hi - lo >= FIRST_ROWS:   # a short last range measures its overhead more than its rows
            rates[what] = (hi - lo) / spent
        rows = max(1, min(rows * 8, int(rows * aim / spent)))
        lo = hi
    # its CPU time, as an epoch's (work_time): a busy moment must not make every later epoch go by batches
    _evaluated[model] = work_time(model) - started - framing


@contextmanager
def shown_between_rows(hook):
    """Within, in this thread: `hook()` (no arguments) between two slices of an evaluation, whose
    slices then aim at SHOWN_ROWS_S: the app's run worker builds its frames there too. An LSTM of
    128 units evaluates for 70 ms of a 270 ms epoch: with no frame meanwhile, its run showed 27
    frames a second where the UI asked for 35. Only this thread's evaluations call it."""
    _shown.hook = hook
    try:
        yield
    finally:
        _shown.hook = None


def stacked(model, X, compute):
    """`compute(X)` for an array computed row by row, each row on its own (a forward pass), by
    slices of X's rows (see by_rows): the same bits as one call."""
    if not len(X):
        return compute(X)
    slices = []
    by_rows(model, len(X), lambda lo, hi: slices.append(compute(X[lo:hi])), getattr(compute, "__code__", compute))
    return np.concatenate(slices) if len(slices) > 1 else slices[0]


def too_long(model) -> bool:
    """Whether one of the model's fused epochs would take longer than CHUNK_S: by its estimate, or
    by what its last fused epoch took (once measured, the estimate is not asked: an estimate made
    for slower kernels split the transformer's 25 ms epochs into batches for good). Never where the
    backend's batches are another computation than its fused epochs (the GPU's): splitting must
    not change a number."""
    if not getattr(model.kernels, "fused_exact", True):
        return False
    if model in _measured:
        return _measured[model] > CHUNK_S
    try:
        return type(model).estimate(model.config, model.data, 0).compiled(1) > CHUNK_S
    except Exception:   # an estimate is advice: never a reason for a run to fail
        return False


@contextmanager
def splitting_after(seconds: float):
    """Within: an epoch longer than `seconds` (or than CHUNK_S, if shorter) runs by its batches (the
    app's run mode, whose pause must land within a tenth of a second: it waits for the batch in
    hand, not the epoch)."""
    global CHUNK_S
    before, CHUNK_S = CHUNK_S, min(CHUNK_S, seconds)
    try:
        yield
    finally:
        CHUNK_S = before


def work_time(model) -> float:
    """What an epoch of `model` costs, without the waits a busy machine adds (for a core, or for the
    GIL the app's UI thread holds while it draws): this thread's CPU time, where its kernels run
    compiled on this thread (the CPU backend). Splitting an epoch shortens no wait: every batch
    waits again. Measured by the wall clock, one fused epoch slowed by a busy moment (a 40×40 SOM's
    8 ms epoch took 58 ms at load 5) split every later one into batches, whose own waits (60–220 ms
    an epoch for 12–26 ms of work) never let it run fused again: 8 epochs/s for 42. Elsewhere the
    wall clock: NumPy's BLAS works in threads of its own, a GPU while this thread waits for it."""
    kernels = getattr(model, "kernels", None)
    return time.thread_time() if getattr(kernels, "name", None) == "cpu" else time.perf_counter()


def epoch_seconds(model) -> float | None:
    """Seconds its last fused epoch took (None before one was measured)."""
    return _measured.get(model)


def measured(model, seconds: float, epochs: int) -> None:
    """Remember how long one of `model`'s fused epochs took (the next run chunks if it was long)."""
    if epochs > 0:
        _measured[model] = seconds / epochs


def fused(model, epochs: int, run) -> int:
    """A model's train_fused: `run(epochs)` (its fused loop, which looks at `requested` between its
    kernel calls), timed; or, where one epoch is too long for one call, the epochs by batches."""
    if too_long(model):
        return train(model, epochs)
    started = work_time(model)
    ran = _epoch_by_epoch(model, epochs, run) if _evaluated.get(model, 0.0) > CHUNK_S else run(epochs)
    measured(model, work_time(model) - started, ran)
    return ran


def _epoch_by_epoch(model, epochs: int, run) -> int:
    """`run` one epoch at a time, each undone if a stop comes during its long evaluation (the
    epochs before it are kept); returns the epochs finished."""
    done = 0
    while done < epochs and not requested.is_set():
        start = model.state()
        try:
            with _undoing():
                ran = run(1)
        except Stopped:
            model.set_state(start)
            break
        done += ran
        if not ran or model.converged() or not _finite(model.history[-1]):
            break
    return done


def train(model, epochs: int) -> int:
    """Train up to `epochs` whole epochs by compiled batches, stopping early at an epoch whose loss
    is not finite, where the model converged, or (between two batches) when a stop is requested;
    returns the epochs finished. A stop inside an epoch restores the model to that epoch's start."""
    done = 0
    while done < epochs and not requested.is_set():
        start = model.state()
        started = work_time(model)
        if not _one_epoch(model):
            model.set_state(start)
            break
        done += 1
        spent = work_time(model) - started
        if spent < CHUNK_S:
            # by batches it was short, so one fused call would be too: a measure taken while the
            # kernels loaded (a first call: the SOM's took 0.36 s) must not split every later epoch
            measured(model, spent, 1)
        if model.converged() or not _finite(model.history[-1]):
            break
    return done


SLICES = 8   # calls an epoch goes by where the model runs several batches in one (Model.run_batches)


def _one_epoch(model) -> bool:
    """One epoch as compiled batches; False if a stop was requested before it ended."""
    if model.run_batches is not None:
        return _by_slices(model)
    try:
        order = model.order(model.epoch)
    except Exception:   # a network that draws its samples (the GAN) has no order
        order = None
    if order is not None:   # computed once for the epoch, not once per batch (a permutation of N)
        model.order = lambda epoch, _e=model.epoch, _o=order, _f=type(model).order: \
            _o if epoch == _e else _f(model, epoch)
    try:
        events = model.events(Level.BATCH)
        while True:
            if requested.is_set():
                return False
            with _undoing():    # the epoch's evaluation, at its end, may stop too: train() undoes it
                closes = next(events).closes
            if closes >= Level.EPOCH:
                return True
            for hook in list(between):
                hook()
    except Stopped:
        return False
    finally:
        if order is not None:
            del model.order


def _by_slices(model) -> bool:
    """One epoch as SLICES compiled calls of several batches each (Model.run_batches)."""
    size = max(1, math.ceil(model.epoch_progress()[1] / SLICES))
    try:
        while not model.epoch_done():
            if requested.is_set():
                return False
            done, total = model.epoch_progress()
            model.run_batches(min(size, total - done))
            if not model.epoch_done():
                for hook in list(between):
                    hook()
        with _undoing():   # the epoch's evaluation may stop too: train() undoes it
            model.end_epoch()
        return True
    except Stopped:
        return False


def _finite(entry: dict) -> bool:
    return all(math.isfinite(v) for k, v in entry.items()
               if k.endswith("loss") and isinstance(v, float))
