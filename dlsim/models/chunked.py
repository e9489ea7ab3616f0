"""Long epochs in short compiled chunks, so that a run can stop within a fraction of a second.

A compiled kernel cannot be interrupted: Ctrl+C (or the app's pause) takes effect only when it
returns. A fused epoch that takes longer than CHUNK_S is therefore trained here as its compiled
batches, one kernel call each (the batched stream, which lands on the fused path's bits), with the
stop flag looked at between two of them. A stop in the middle of an epoch puts the model back where
that epoch began, so that a run is always a whole number of epochs (what the stepper records and
replays); the epochs finished before it are kept.

`requested` is the one stop flag of the process: the headless runner's signal handler sets it (and
the app's pause may), the loop here honours it, and the Simulator raises KeyboardInterrupt once the
model is at a boundary again.
"""
import math
import threading
import time
import weakref
from contextlib import contextmanager

from dlsim.protocol.events import Level

CHUNK_S = 0.25     # seconds a compiled call may take before an epoch is split into its batches

requested = threading.Event()   # set: stop at the next chunk boundary
between: list = []              # called (no arguments) between two chunks: a headless run's progress
_measured: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()   # model -> seconds of its last fused epoch
_checking = threading.local()   # depth of `heeded` blocks in this thread


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


def too_long(model) -> bool:
    """Whether one of the model's fused epochs would take longer than CHUNK_S: by its estimate, or
    by what its last fused epoch took. Never where the backend's batches are another computation
    than its fused epochs (the GPU's): splitting must not change a number."""
    if not getattr(model.kernels, "fused_exact", True):
        return False
    if _measured.get(model, 0.0) > CHUNK_S:
        return True
    try:
        return type(model).estimate(model.config, model.data, 0).compiled(1) > CHUNK_S
    except Exception:   # an estimate is advice: never a reason for a run to fail
        return False


def measured(model, seconds: float, epochs: int) -> None:
    """Remember how long one of `model`'s fused epochs took (the next run chunks if it was long)."""
    if epochs > 0:
        _measured[model] = seconds / epochs


def fused(model, epochs: int, run) -> int:
    """A model's train_fused: `run(epochs)` (its fused loop, which looks at `requested` between its
    kernel calls), timed; or, where one epoch is too long for one call, the epochs by batches."""
    if too_long(model):
        return train(model, epochs)
    started = time.perf_counter()
    ran = run(epochs)
    measured(model, time.perf_counter() - started, ran)
    return ran


def train(model, epochs: int) -> int:
    """Train up to `epochs` whole epochs by compiled batches, stopping early at an epoch whose loss
    is not finite, where the model converged, or (between two batches) when a stop is requested;
    returns the epochs finished. A stop inside an epoch restores the model to that epoch's start."""
    done = 0
    while done < epochs and not requested.is_set():
        start = model.state()
        if not _one_epoch(model):
            model.set_state(start)
            break
        done += 1
        if model.converged() or not _finite(model.history[-1]):
            break
    return done


def _one_epoch(model) -> bool:
    """One epoch as compiled batches; False if a stop was requested before it ended."""
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
            if next(events).closes >= Level.EPOCH:
                return True
            for hook in list(between):
                hook()
    finally:
        if order is not None:
            del model.order


def _finite(entry: dict) -> bool:
    return all(math.isfinite(v) for k, v in entry.items()
               if k.endswith("loss") and isinstance(v, float))
