"""Ctrl+C (SIGINT) and SIGTERM stop a run within a fraction of a second, at a point where the
simulation is whole.

A compiled kernel cannot be interrupted, so long work runs in short compiled chunks
(dlsim.models.chunked) with a stop flag looked at between them. Inside the Simulator's fused
training (`deferred`) the handler here only sets that flag: the run stops at the next boundary and
`train` raises KeyboardInterrupt from there, with the simulation whole. Anywhere else it raises
KeyboardInterrupt at once (Python code between kernels, a replay, or a wait for kernels loading in
another thread: see `waiting`).
"""
import signal
import threading
from contextlib import contextmanager
from typing import Callable, TypeVar

from dlsim.models import chunked

T = TypeVar("T")


def _handler(signum, frame):
    if chunked.heeded_here():
        chunked.requested.set()   # the fused run stops at its next boundary; train() raises then
        return
    raise KeyboardInterrupt


@contextmanager
def handled(terminate: bool = False):
    """Within: SIGINT (and, with `terminate`, SIGTERM) handled this way, even where the shell that
    started the process ignored SIGINT (a background job of a script); as before afterwards. Only
    the main thread can set a handler: elsewhere nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    signals = (signal.SIGINT, signal.SIGTERM) if terminate else (signal.SIGINT,)
    before = {sig: signal.getsignal(sig) for sig in signals}
    for sig in signals:
        signal.signal(sig, _handler)
    try:
        yield
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)


def ignore() -> None:
    """Ignore further signals while a stopped run writes its last lines (a second Ctrl+C must not
    cut the trace's last record in half)."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)


@contextmanager
def deferred():
    """Within: Ctrl+C in the main thread stops at the next chunk boundary, where Python's own
    handler is in place (an API user's `train`) or this module's (`handled`: a headless run or
    lesson); elsewhere (another thread, a handler of the user's own) nothing changes."""
    main = threading.current_thread() is threading.main_thread()
    now = signal.getsignal(signal.SIGINT) if main else None
    mine = now is signal.default_int_handler
    if mine:
        signal.signal(signal.SIGINT, _handler)
    try:
        with chunked.heeded():
            yield
    finally:
        if mine:
            signal.signal(signal.SIGINT, now)


def requested() -> bool:
    """Whether a stop is waiting to be raised (by raise_if_requested, at the next boundary)."""
    return chunked.requested.is_set()


def raise_if_requested() -> None:
    """KeyboardInterrupt if a stop was requested during the chunks just run (the flag is spent)."""
    if chunked.requested.is_set():
        chunked.requested.clear()
        raise KeyboardInterrupt


GRACE = 0.5   # seconds a stopped helper thread gets to reach a boundary before it is abandoned


def waiting(work: Callable[[], T], poll: float = 0.05) -> T:
    """`work()` in a helper thread while the main thread waits, so that a signal is handled at once
    even while work holds no Python bytecode to interrupt (Numba compiling or loading kernels, a
    long compiled call: the kernels release the GIL). On KeyboardInterrupt the stop flag is set and
    the helper gets GRACE seconds to stop at a boundary, whole (a training run raises
    KeyboardInterrupt there); one that does not is left running: `busy()` says so, and the process
    must end with os._exit once it has written what it must (a daemon thread inside a compiler or a
    kernel is not safe to finalise under)."""
    result: dict = {}
    done = threading.Event()   # not Thread.join: a join cut short by Ctrl+C marks a live thread stopped

    def run():
        try:
            result["value"] = work()
        except BaseException as error:   # handed to the waiting thread
            result["error"] = error
        finally:
            done.set()

    _helpers.append(done)
    threading.Thread(target=run, name="dlsim-work", daemon=True).start()
    try:
        while not done.wait(poll):
            pass
    except KeyboardInterrupt:
        chunked.requested.set()   # the helper's run stops at its next boundary…
        try:
            done.wait(GRACE)      # …if that comes soon
        except KeyboardInterrupt:
            pass                  # a second Ctrl+C: stop waiting for it
        if done.is_set():
            _helpers.remove(done)
        raise
    _helpers.remove(done)
    if "error" in result:
        raise result["error"]
    return result["value"]


_helpers: list[threading.Event] = []   # set once the helper's work has ended


def busy() -> bool:
    """Whether a `waiting` helper thread is still running (it was interrupted)."""
    return any(not done.is_set() for done in _helpers)
