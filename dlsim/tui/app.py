"""The dlsim app: a home screen of networks and lessons, one screen per network or lesson opened.

The shell is shared by every network; what differs lives in dlsim/tui/views/ (a view and its
stylesheet per network, found by the network's name). What the first
screen does not need (the lesson screen with its Markdown and syntax highlighting, the command
palette, help) is imported when first used: a start should not wait for it.
"""
import asyncio
import os
import sys
import time
from typing import Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding

from dlsim.errors import UserError
from dlsim.models import MODELS
from dlsim.sim import warmup
from dlsim.sim.simulator import Simulator
from dlsim.tui import kept
from dlsim.tui.long_runs import AGAIN_OPEN, AskFirst
from dlsim.tui.screens.home import HomeScreen
from dlsim.tui.screens.simulation import SimulationScreen
from dlsim.tui.session import Session
from dlsim.tui.views import stylesheets, view_for


class DlsimApp(App):
    CSS_PATH = ["dlsim.tcss", *stylesheets()]   # the shared one, then each view's own (views/<name>.tcss)
    TITLE = "dlsim"
    BINDINGS = [Binding("q", "quit", "quit", show=False)]

    def __init__(self, session: Session | None = None, prewarm: bool = True, lesson=None):
        super().__init__()
        self.first_session = session
        self.first_lesson = lesson       # lesson_session.open_lesson(...), opened at start
        self.prewarm = prewarm
        self.long_runs = AskFirst()       # a network too long to train is asked about first

    def run(self, *args, **kwargs):
        """Refuse to start without a terminal (a script or CI that forgot --headless would hang),
        unless another driver draws it (TEXTUAL_DRIVER: textual-serve's, for a browser tab)."""
        drawn_elsewhere = bool(os.environ.get("TEXTUAL_DRIVER"))
        if not kwargs.get("headless") and not drawn_elsewhere and not (sys.stdin.isatty() and sys.stdout.isatty()):
            raise UserError("the app needs an interactive terminal; without one, use "
                            "'dlsim run MODEL --headless' or 'dlsim lesson NAME --headless'")
        if kwargs.get("loop") is not None:
            return super().run(*args, **kwargs)
        # Our own loop: asyncio.run would wait at the end for every thread worker to return, and a
        # compiled call or the first start's compiling (minutes) cannot be cut short: quitting would
        # hang until it ended. The terminal is restored by then; work still running is abandoned.
        loop = asyncio.new_event_loop()
        result = super().run(*args, loop=loop, **kwargs)
        if _work_left_running(loop):
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(self.return_code if self.return_code is not None else 0)
        loop.close()
        return result

    # The run worker gives the GIL up for each compiled call and takes it back for its Python
    # between them (recording epochs, the watchdog); a thread waiting for the GIL waits this long at
    # most before the other is made to let go. Python's 5 ms is most of a frame the UI thread draws:
    # beside a Python thread busy 35 % of the time the CNN's run chunks trained 20 % slower at 5 ms,
    # 12 % at 1 ms. Shorter is not better in the app: at 0.2 ms the threads hand the GIL to and fro
    # (the RBF's delta rule, 40,000 epochs a second: its training 65–73 % → 53–54 % of its chunks
    # without the UI, the UI thread's CPU 10–11 → 12–13 ms a frame).
    SWITCH_S = 0.001

    def on_mount(self) -> None:
        self._switch = sys.getswitchinterval()
        sys.setswitchinterval(self.SWITCH_S)
        self.push_screen(HomeScreen())
        if self.first_session is not None:
            self.push_screen(SimulationScreen(self.first_session))
        if self.first_lesson is not None:
            from dlsim.tui.screens.lesson import LessonScreen
            self.push_screen(LessonScreen(*self.first_lesson))
        if self.prewarm:   # after the first frame (loading Numba would slow drawing it)
            self.call_after_refresh(self.run_worker, self._prewarm, thread=True, group="warm",
                                    exit_on_error=False)

    def on_unmount(self) -> None:
        sys.setswitchinterval(getattr(self, "_switch", 0.005))

    def _prewarm(self) -> None:
        """Make every network's kernels ready, the one on screen first, while the learner reads."""
        lesson_session = self.first_lesson[1] if self.first_lesson else None
        first = [shown.name for shown in (self.first_session, lesson_session) if shown is not None]
        for name in first + [name for name in MODELS if name not in first]:
            if view_for(name) is not None:
                warmup.warm(name)

    def open_model(self, name: str, seed: int = 0, **options) -> None:
        resumed = kept.resume(self, name) if seed == 0 and not options else None
        if resumed is not None:   # left with Esc: carry on where the learner was
            self.push_screen(SimulationScreen(resumed))
            self.notify(f"{name}: resumed where you left it ({kept.where(resumed)}); r resets",
                        timeout=4)
            return
        try:
            session = Session(self.long_runs.attempt(
                (name, seed, tuple(sorted(options.items(), key=str))),
                lambda forced: Simulator(name, seed=seed, force=forced, **options), again=AGAIN_OPEN))
        except UserError as error:
            self.notify(str(error), severity="error")
            return
        self.push_screen(SimulationScreen(session))

    def open_lesson(self, name: str) -> None:
        from dlsim.tui.lesson_session import open_lesson
        from dlsim.tui.screens.lesson import LessonScreen
        try:
            opened = open_lesson(name)
        except UserError as error:
            self.notify(str(error), severity="error", timeout=10)
            return
        self.push_screen(LessonScreen(*opened))

    def check_action(self, action: str, parameters) -> bool | None:
        """Tab ("Focus Next" in the keys panel) only where it has somewhere to go: where the one panel
        that takes keys has the focus already (the perceptron's heatmap), Tab did nothing."""
        if action in ("focus_next", "focus_previous"):
            chain = self.screen.focus_chain
            return len(chain) > 1 or (len(chain) == 1 and self.screen.focused is not chain[0])
        return super().check_action(action, parameters)

    def action_help(self) -> None:
        from dlsim.tui.screens.help import HelpScreen
        from dlsim.tui.screens.simulation import SimulationScreen
        if isinstance(self.screen, SimulationScreen):   # in the network's own words
            self.screen.action_help()
        else:
            self.push_screen(HelpScreen())

    def get_system_commands(self, screen) -> Iterable[SystemCommand]:
        from dlsim.tui.commands import commands
        yield from super().get_system_commands(screen)
        yield from commands(self, screen)


def _work_left_running(loop, grace: float = 0.3) -> bool:
    """Whether a thread worker of `loop` is still busy `grace` seconds after the app ended (idle
    worker threads end at once when their executor shuts down)."""
    executor = getattr(loop, "_default_executor", None)
    if executor is None:
        return False
    executor.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + grace
    for thread in list(getattr(executor, "_threads", ())):
        thread.join(max(0.0, deadline - time.monotonic()))
    return any(thread.is_alive() for thread in getattr(executor, "_threads", ()))
