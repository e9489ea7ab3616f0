"""Playing a simulation: from slow motion (a step per timer tick, done like a key press) up to full
speed (the fused path in the run worker). A mixin of SimView."""
from functools import partial

from dlsim.sim.events import Level
from dlsim.tui.runner import Runner, RunStopped

SPEEDS = [   # (label, level, seconds between steps); the last one runs the fused path
    ("slow: 2 ops/s", Level.OP, 0.5),
    ("8 ops/s", Level.OP, 0.125),
    ("8 layers/s", Level.LAYER, 0.125),
    ("10 samples/s", Level.SAMPLE, 0.1),
    ("10 batches/s", Level.BATCH, 0.1),
    ("10 epochs/s", Level.EPOCH, 0.1),
    ("full", None, 0.0),
]


class Playing:
    @property
    def playing(self) -> bool:
        return self.runner is not None or self._timer is not None

    def play(self) -> None:
        if self.playing:
            return
        def go():
            label, level, interval = SPEEDS[self.speed]
            self.ui.playing, self.ui.notice = True, ""
            if level is None:
                self.runner = Runner(self.session, self.view.extras, self)
                self._drawn = None
                self.run_worker(self.runner.loop, thread=True, group="run", exit_on_error=False)
            else:
                self._timer = self.set_interval(interval, partial(self._tick, level))
            self.repaint()
        self._when_free(go)

    def pause(self) -> None:
        self.ui.playing = False
        if self._timer is not None:
            self._stop_timer()
            self.redraw()
        elif self.runner is not None:
            self.runner.stop()

    def toggle(self) -> None:
        self.pause() if self.playing else self.play()

    def _tick(self, level: Level) -> None:
        if self._busy is not None:   # the previous step is still running in a thread
            return
        self._do(lambda: self.session.step(level), self._ticked)

    def _ticked(self, event) -> None:
        self._stepped(event)
        if self.session.diverged:
            self.pause()

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
            self.ui.playing = False

    def on_run_stopped(self, message: RunStopped) -> None:
        message.stop()
        self._last_runner, self.runner = self.runner, None
        self.ui.playing = False
        self.ui.rate = ""
        runner = self._last_runner
        if message.reason == "paused" and runner is not None and runner.epochs:
            spent = runner.finished_at - runner.started
            self.ui.notice = (f"paused: ran {runner.epochs:,} epochs in {spent:.1f} s "
                              f"({runner.epochs / spent:,.0f} epochs/s on the compiled path)")
        if message.reason == "converged":
            self.ui.notice = "converged: a whole epoch without an error, so the rule changes nothing more"
        elif message.reason.startswith("error"):
            self.ui.notice = message.reason
        self.redraw()
        self._run_pending()

    def faster(self, step: int = 1) -> None:
        self.speed = max(0, min(len(SPEEDS) - 1, self.speed + step))
        self.ui.speed = SPEEDS[self.speed][0]
        if self.playing:
            self._pending.append(self.play)
            self.pause()
            if self.runner is None:
                self._run_pending()
        self.repaint()

    def slower(self) -> None:
        self.faster(-1)
