"""Run mode: train on the fused compiled path in a thread, while the UI draws the latest frame.

The worker owns the session while it runs (the UI only reads `latest`, a Frame built on the
worker's thread) and checks its stop flag between chunks of about 1/90 s, so a pause takes effect
within one chunk. It never touches a widget: it posts one small message when a frame the UI asked
for is ready (FrameReady) and one when it stops (RunStopped), so the UI does not wake to poll.
Work for the session that arrives while running (a live learning-rate change) is queued and run
between chunks.
"""
import os
import threading
import time
from collections import deque
from typing import Callable

from textual.message import Message
from textual.worker import get_current_worker

from dlsim.models import chunked
from dlsim.tui.frame import Frame


class RunStopped(Message):
    """The run worker has stopped and handed the session back."""

    def __init__(self, reason: str):
        super().__init__()
        self.reason = reason     # "paused", "diverged", "converged", "not converging" or "error: …"


class FrameReady(Message):
    """The worker has built the frame the UI asked for (`Runner.latest`)."""


class Runner:
    # A frame is built at the end of the chunk during which the UI asked for one, and a pause waits
    # for the chunk to end: a third of a frame at 30 frames/s keeps both waits short, while the work
    # between chunks (the watchdog, the summary) stays a few percent of the training.
    CHUNK_S = 1 / 90
    # an epoch longer than this runs by batches (dlsim.models.chunked): a pause then waits for the
    # batch in hand, not the whole epoch (a transformer's default epoch takes about 80 ms)
    SPLIT_S = 1 / 20
    # epochs a run of a model that can converge goes on without converging; DLSIM_PATIENCE sets
    # another number (tools/measure_app.py: a perceptron on XOR that runs for as long as it measures)
    PATIENCE = int(os.environ.get("DLSIM_PATIENCE", 1_000))

    def __init__(self, session, extras: Callable, target):
        self.session = session
        self.extras = extras
        self.target = target                     # the widget that gets RunStopped
        self.latest: Frame | None = None
        self.stop_requested = threading.Event()
        self.finished = threading.Event()
        self.calls: deque[Callable[[], None]] = deque()
        self.wanted = threading.Event()           # set by the UI once it has drawn `latest`
        self.wanted.set()
        self.epochs = 0                           # trained in this run
        self.seconds = 0.0                        # spent training (not framing)
        self.frames = 0
        self.started = time.perf_counter()
        self.finished_at = self.started
        self.chunk_started: float | None = None   # when the chunk running now began

    # a chunk running longer than this when a pause comes is in one long compiled call (a batch of
    # a large network, or its evaluation): the status line says what the pause waits for
    LONG_S = 0.2
    STOPPING = "stopping after this"

    def stop(self) -> str | None:
        """Ask the worker to stop at its next boundary; returns what the status line should say
        meanwhile where that takes a while (None: it stops within a frame or two)."""
        self.stop_requested.set()
        if not self.finished.is_set():   # (after the loop, the flag would stop the next run's first chunk)
            chunked.requested.set()   # an epoch long enough to run by batches stops at the next batch
        started = self.chunk_started
        if started is None or time.perf_counter() - started < self.LONG_S:
            return None
        model = self.session.model
        unit = "batch" if chunked.too_long(model) else model.epoch_word
        return f"{self.STOPPING} {unit}…"

    def call(self, fn: Callable[[], None]) -> None:
        """Run `fn` on the worker between two chunks."""
        self.calls.append(fn)

    @property
    def rate(self) -> float:
        """Epochs per second of wall-clock time since the run began (frames included)."""
        spent = time.perf_counter() - self.started
        return self.epochs / spent if spent > 0 else 0.0

    def loop(self) -> None:
        worker = get_current_worker()
        chunked.requested.clear()     # a stop asked for after the last run ended is not this one's
        chunked.between.append(self._frame_if_wanted)
        try:
            # frames between two batches of a long epoch, and two slices of a long evaluation
            with chunked.splitting_after(self.SPLIT_S), chunked.shown_between_rows(self._frame_if_wanted):
                reason = self._chunks(worker)
        except Exception as error:   # never leave the UI thinking it still runs
            reason = f"error: {error}"
        finally:
            chunked.between.remove(self._frame_if_wanted)
            chunked.requested.clear()
            self.finished_at = time.perf_counter()
            self.finished.set()
            self.target.post_message(RunStopped(reason))

    def _frame_if_wanted(self) -> None:
        """Inside an epoch run by batches, or between two slices of a long evaluation: the frame
        the UI asked for, so a long epoch still shows its weights moving (the counters stay at the
        epoch's start until it ends). Building it clears `wanted`: an evaluation the frame itself
        runs (its pictures) builds no frame inside this one."""
        if self.wanted.is_set() and not self.stop_requested.is_set():
            self.wanted.clear()
            self.latest = self.session.frame(self.extras, running=True)
            self.frames += 1
            self.target.post_message(FrameReady())

    def _chunks(self, worker) -> str:
        """Train chunk after chunk until a stop; returns why the run stopped."""
        reason = "paused"
        while not self.stop_requested.is_set() and not worker.is_cancelled:
            while self.calls:
                self.calls.popleft()()
            before = self.session.model.epoch
            start = time.perf_counter()
            # a model that can converge gets PATIENCE epochs, exactly: no chunk runs past them
            left = self.PATIENCE - self.epochs if self.session.converges() else None
            self.chunk_started = start
            stop = self.session.run_chunk(self.CHUNK_S, most=left)
            self.chunk_started = None
            self.seconds += time.perf_counter() - start
            self.epochs += self.session.model.epoch - before
            if self.wanted.is_set() or stop:   # build a frame only when the UI will draw it
                self.wanted.clear()
                self.latest = self.session.frame(self.extras, running=True)
                self.frames += 1
                if not stop:
                    self.target.post_message(FrameReady())
            if not stop and left is not None and self.epochs >= self.PATIENCE:
                stop = "not converging"   # XOR on a perceptron would run forever
            if stop:
                reason = stop
                break
        return reason
