"""The simulation view: a network's own panels between the shared status line and math panel.

This widget is what a screen embeds (the simulation screen, and a lesson screen beside its
narration). Its public methods drive it: `step`, `back`, `set_level`, `play`, `pause`, `faster`,
`slower`, `reset`, `set_option`, `set_weight`, `select`, `redraw`. It posts `SimView.Stepped` after
every step or rewind and `RunStopped` when a run ends. The run worker trains off the UI thread,
and so does a step or rewind estimated to take SLOW_STEP or more (an LSTM's sample of 16,000 ops
stepped in Python, a DQN's epoch of 1,000 environment steps, an op back that replays a sample);
the rest is cheap enough for a key.
"""
import time
from collections import deque
from dataclasses import replace
from functools import partial, wraps

from textual.containers import Vertical
from textual.message import Message
from textual.worker import Worker, WorkerState

from dlsim.protocol.events import Event, Level
from dlsim.protocol.numbers import count
from dlsim.sim import warmup
from dlsim.sim.simulator import level_of
from dlsim.sim.stepper import HistoryLimit
from dlsim.tui.editing import Editing
from dlsim.tui.playing import SPEEDS, Playing, watchable
from dlsim.tui.runner import FrameReady, Runner
from dlsim.tui.session import Session
from dlsim.tui.views import view_for
from dlsim.tui.widgets.math_panel import MathPanel
from dlsim.tui.widgets.network.weights import WeightsPanel
from dlsim.tui.widgets.panel import Panel, UiState
from dlsim.tui.widgets.status_bar import StatusBar

# seconds a step or rewind is estimated to take, from which it runs in a thread: with its frame and
# the draw (10–15 ms of CPU for an LSTM of 128 units), a key's repaint on the UI thread stays near
# 50 ms (at 50, one layer back, 30 ms of replay, took 80 ms to show at load 2)
SLOW_STEP = 0.025
WORKING = "working… (this step runs in the background)"
FPS = 36          # at most this many frames a second in run mode (the target is ≥ 30)
EARLY = 1 / 240   # a frame this close to its time is drawn now, not after a timer
COMPILING_POLL = 0.1   # how often, until the kernels are ready, the UI asks whether they compile


class SimView(Playing, Editing, Vertical):
    class Stepped(Message):
        def __init__(self, event: Event | None):
            super().__init__()
            self.event = event

    def __init__(self, session: Session, *, id: str | None = None):
        super().__init__(id=id)
        self.session = session
        self.view = view_for(session.name)(session)
        self.ui = UiState(warm=warmup.is_warm(session.name), compiling=warmup.compiling(session.name))
        self.can_step = warmup.can_step(session.name)   # op by op, before the rest is ready
        warmup.begin(session.name)
        self.speed = watchable(session.level)
        self.speed_chosen = False        # + / - / f chose one: the level no longer sets it
        self.ui.speed = SPEEDS[self.speed][0]
        self.runner: Runner | None = None
        self._timer = None
        self._pending = deque()          # actions waiting, in the order the keys were pressed
        self._drawn = None
        self._drawn_at = 0.0
        self._last_runner: Runner | None = None
        self._frame_timer = None         # draws a frame that came early, at its time
        self._frame_due = False          # the worker has built a frame not drawn yet
        self._shown = True               # the last frame drawn is on the screen
        self._busy = None                # what to do with the result of a step running in a thread
        self.frame = None

    def compose(self):
        yield StatusBar(self.view, id="status")
        yield from self.view.compose()
        yield MathPanel(self.view, id="math")

    def on_mount(self) -> None:
        self.ui.notice = self.ui.notice or self.session.data_notice()   # `--data FILE`: how it was read
        if not self.ui.warm:   # after the first frame: loading Numba would slow drawing it
            self.can_step = warmup.when_stepping(self.session.name,
                                                 partial(self.app.call_from_thread, self._stepping_ready))
            self.call_after_refresh(self.run_worker, partial(warmup.warm, self.session.name),
                                    thread=True, group="warm", exit_on_error=False)
        self.redraw()
        if not self.ui.warm:
            self._compile_poll = self.set_interval(COMPILING_POLL, self._poll_compiling)

    def on_resize(self) -> None:
        """Panels have new sizes: draw a fresh frame (a new decision grid) once they are laid out."""
        if self.runner is None:
            self.call_after_refresh(self.redraw)

    def on_decision_plot_resized(self, message) -> None:
        """The plot grew or shrank with the math panel: its surface at its own size, not resampled."""
        message.stop()
        self.on_resize()

    def on_unmount(self) -> None:
        if self.runner:
            self.runner.stop()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "step" and event.state in (WorkerState.SUCCESS, WorkerState.ERROR):
            then, self._busy = self._busy, None
            if event.state == WorkerState.ERROR:
                self.ui.notice = f"that step failed: {event.worker.error}"
                self.redraw()
            elif then is not None:
                then(event.worker.result)
            self._run_pending()
        if event.worker.group == "warm" and event.state in (WorkerState.SUCCESS, WorkerState.ERROR):
            self.ui.warm = True
            if self.ui.notice in (waiting_notice(self.ui.compiling), waiting_notice(self.ui.compiling, True)):
                self.ui.notice = ""
            if event.state == WorkerState.ERROR:
                self.ui.notice = f"compiling failed ({event.worker.error}); using what works"
            self.redraw()
            self._run_pending()

    def _stepping_ready(self) -> None:
        """Op-by-op stepping is loaded (the rest still compiling): the op steps waiting go now."""
        self.can_step = True
        if not self.is_mounted:   # the learner has left this network meanwhile
            return
        if not self.ui.warm and self.ui.notice == waiting_notice(self.ui.compiling):
            self.ui.notice = waiting_notice(self.ui.compiling, can_step=True)
            self.repaint()
        self._run_pending()

    def heatmap(self) -> WeightsPanel | None:
        """The weight heatmap, if the network's view composes one (the shell never assumes it)."""
        found = self.query(WeightsPanel)
        return found.first() if found else None

    # --- drawing --------------------------------------------------------------------------------
    def redraw(self) -> None:
        """Take a fresh frame of the (paused) simulation and draw it; while a step runs in a thread,
        which owns the session (a resize, the kernels ready), draw the last frame again: the
        step's own frame follows it."""
        if self._busy is not None:
            self.repaint()
        elif self.runner is None:
            self.draw(self.session.frame(self.view.frame_extras))

    def draw(self, frame) -> None:
        self.frame = frame
        for panel in self.query(Panel):
            panel.draw(frame, self.ui)

    def repaint(self) -> None:
        """Draw the last frame again (after a selection or layout change)."""
        if self.frame is not None:
            self.draw(self.frame)

    def _poll_compiling(self) -> None:
        if self.ui.warm:
            self._compile_poll.stop()
        elif self.ui.compiling != warmup.compiling(self.session.name):
            self.ui.compiling = not self.ui.compiling   # e.g. the cache was made by another Numba
            self.repaint()

    def on_frame_ready(self, message: FrameReady) -> None:
        """The run worker built the frame asked for: draw it, at most FPS times a second and never
        before the last one drawn is on the screen (Textual paints the screen on its own timer:
        a frame drawn before then would never be seen)."""
        message.stop()
        self._frame_due = True
        self._draw_when_due()

    def _draw_when_due(self) -> None:
        if not self._frame_due or not self._shown or self._frame_timer is not None:
            return
        wait = self._drawn_at + 1 / FPS - time.perf_counter()
        if wait <= EARLY:
            self._draw_latest()
        else:
            self._frame_timer = self.set_timer(wait, self._draw_latest)

    def _draw_latest(self) -> None:
        self._frame_timer, self._frame_due = None, False
        runner = self.runner
        if runner is None or runner.latest is None or runner.latest is self._drawn:
            return
        self._drawn, self._drawn_at = runner.latest, time.perf_counter()
        self.ui.rate = f"{count(round(runner.rate))} {self.session.model.epoch_abbrev}/s"
        runner.wanted.set()   # the worker builds the next one at the end of its chunk, meanwhile
        self.draw(self._drawn)
        self._shown = False
        self.call_after_refresh(self._frame_shown)

    def _frame_shown(self) -> None:
        self._shown = True
        self._draw_when_due()

    # --- guarding: compiling, running -------------------------------------------------------------
    def _when_free(self, action, op_by_op: bool = False) -> None:
        """Do `action` now or, after those already waiting, once the kernels are ready, the step
        running in a thread is done and the run worker has stopped: no key press is lost. A step
        taken `op_by_op` (→ or ← at any level finer than a batch) needs only the op-by-op kernels,
        which are ready first."""
        if op_by_op:
            action = partial(action)
            action.op_by_op = True
        if (self.ui.warm or not self._pending) and self._ready_for(action) and self._busy is None and self.runner is None:
            self._stop_timer()
            action()
            return
        self._pending.append(action)
        if not self._ready_for(self._pending[0]):
            self.ui.notice = waiting_notice(self.ui.compiling, self.can_step)
            self.repaint()
        elif self._busy is not None:   # the key is taken: the screen says so at once
            self._tell(working_notice(len(self._pending)))
        elif self._busy is None and self.runner is not None:
            self._stop_timer()
            self.runner.stop()   # on_run_stopped does what waits

    def _do(self, work, then, seconds: float) -> None:
        """`then(work())` now or, where it is estimated to take `seconds` ≥ SLOW_STEP, `work` in a
        thread and `then` when it is done (the screen stays live meanwhile, and later keys wait in
        order). The notice is drawn first and the thread starts once it is on the screen: a step
        stepped op by op in Python holds the GIL most of the time, and would slow that repaint."""
        if seconds < SLOW_STEP:
            then(_attempt(work))
            return
        self._busy = then
        self._tell(working_notice(len(self._pending)))
        self.call_after_refresh(self._start_step, work)

    def _tell(self, notice: str) -> None:
        """Show `notice` on the last frame: only the math panel shows one, the rest is as drawn."""
        self.ui.notice = notice
        if self.frame is not None:
            for panel in self.query(MathPanel):
                panel.draw(self.frame, self.ui)

    def _start_step(self, work) -> None:
        if not self.is_mounted:   # the learner left this network before the notice was painted
            self._busy = None
            return
        self.run_worker(partial(_attempt, work), thread=True, group="step", exit_on_error=False)

    def _stepped(self, result) -> None:
        event = None if isinstance(result, HistoryLimit) else result
        self.ui.notice = str(result) if isinstance(result, HistoryLimit) else ""
        self.redraw()
        self.post_message(self.Stepped(event))

    def _ready_for(self, action) -> bool:
        return self.ui.warm or (self.can_step and getattr(action, "op_by_op", False))

    def _run_pending(self) -> None:
        """Do the waiting actions in the order they came, until one leaves the rest to wait."""
        while self._pending and self._ready_for(self._pending[0]) and self._busy is None and self.runner is None:
            self._stop_timer()
            self._pending.popleft()()
        if self._pending and self.ui.warm and self._busy is None:
            self.runner.stop()   # an action started a run: the next key stops it, as when pressed

    # --- stepping --------------------------------------------------------------------------------
    def step(self, level: Level | str | None = None) -> None:
        level = self.session.level if level is None else level_of(level)   # as it was when pressed
        self._when_free(lambda: self._do(lambda: self.session.step(level), self._stepped,
                                         self.session.step_seconds(level)), level < Level.BATCH)

    def back(self, level: Level | str | None = None) -> None:
        level = self.session.level if level is None else level_of(level)
        self._when_free(lambda: self._do(lambda: self.session.back(level), self._stepped,
                                         self.session.back_seconds(level)), level < Level.BATCH)

    def set_level(self, level: Level | str) -> None:
        self.session.level = level_of(level)
        self.follow_level()
        if self._busy is not None and self.frame is not None:
            # a step in a thread owns the session: the last frame, at the new level, until it is done
            self.ui.notice = working_notice(len(self._pending))
            self.draw(replace(self.frame, level=self.session.level))
            return
        self.ui.notice = ""
        if self.runner is None:
            self.redraw()


def in_turn(action):
    """For a screen's key action that depends on what the keys before it did (a lesson's next step,
    an answer): it waits behind their actions (SimView._when_free) and only then decides what to do."""
    @wraps(action)
    def after_the_keys_before(screen, *args):
        screen.simview._when_free(partial(action, screen, *args))
    return after_the_keys_before


def working_notice(waiting: int) -> str:
    """What the math panel says while a step runs in a thread, and how many keys wait behind it."""
    return WORKING if not waiting else f"{WORKING} · {count(waiting)} more waiting, in order"


def waiting_notice(compiling: bool, can_step: bool = False) -> str:
    doing = "compiling the kernels (first run only)" if compiling else "loading the compiled kernels"
    if can_step:
        return f"{doing}: → and ← step (op to sample) meanwhile; other keys follow, in order"
    return f"{doing}: the keys you press follow, in order"


def _attempt(work):
    """work(), or the HistoryLimit it raised (a message for the learner, not an error)."""
    try:
        return work()
    except HistoryLimit as limit:
        return limit
