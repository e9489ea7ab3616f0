"""Playing a simulation: from slow motion (a step per timer tick, done like a key press) up to full
speed (the fused path in the run worker). A mixin of SimView.

Until the learner picks a speed (+ / -), space plays at one they can watch at the current level
(2 ops/s at op level … 10 epochs/s at epoch level): full speed is one key away (f), never the default.
"""
from functools import partial

from dlsim.protocol.events import Level
from dlsim.protocol.numbers import count, counted, num
from dlsim.sim.stepper import RUN, run_event
from dlsim.tui.runner import Runner, RunStopped
from dlsim.tui.summary import headline, summarize

SPEEDS = [   # (label, level, seconds between steps); the last one runs the fused path
    ("slow: 2 ops/s", Level.OP, 0.5),
    ("8 ops/s", Level.OP, 0.125),
    ("8 layers/s", Level.LAYER, 0.125),
    ("10 samples/s", Level.SAMPLE, 0.1),
    ("10 batches/s", Level.BATCH, 0.1),
    ("10 epochs/s", Level.EPOCH, 0.1),
    ("full", None, 0.0),
]
FULL = len(SPEEDS) - 1


def watchable(level: Level) -> int:
    """The slowest speed that steps by `level`: what space plays at before a speed is chosen."""
    return next(k for k, (_, at, _) in enumerate(SPEEDS) if at is not None and at >= level)


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
                session = self.session   # where this play starts, to tell the whole of it at its end
                self._play_start = (session.model.epoch, session.sim.at_epoch_boundary(), session.flat())
                self.runner = Runner(self.session, self.view.frame_extras, self)
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
            waiting = self.runner.stop()   # "stopping after this batch…" where that takes a while
            if waiting:
                self.ui.notice = waiting
                self.repaint()

    def toggle(self) -> None:
        if self.runner is not None and self.runner.stop_requested.is_set():
            self._when_free(self.play)   # space again while a run stops: play once it has stopped
            return
        self.pause() if self.playing else self.play()

    def _tick(self, level: Level) -> None:
        if self._busy is not None:   # the previous step is still running in a thread
            return
        self._do(lambda: self.session.step(level), self._ticked, self.session.step_seconds(level))

    def _ticked(self, event) -> None:
        self._stepped(event)
        if self.session.diverged:
            self.pause()
        elif self._say_converged(event):
            self.pause()   # as a run at full speed does: the rule has nothing left to change

    def on_sim_view_stepped(self, message) -> None:
        """A step (→, or a tick of play) ended: if it ended the epoch the model converged in, say so
        then, as a run does, not only when the next run stops (the message goes on to the screen)."""
        if self._say_converged(message.event):
            self.repaint()

    def _say_converged(self, event) -> bool:
        if event is None or event.closes < Level.EPOCH or not self.session.converged_here():
            return False
        self.ui.notice = self.session.model.converged_message
        return True

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
        if self.ui.notice.startswith(Runner.STOPPING):
            self.ui.notice = ""
        runner = self._last_runner
        if message.reason == "paused" and runner is not None and runner.epochs:
            spent = runner.finished_at - runner.started
            word = self.session.model.epoch_word
            self.ui.notice = (f"paused: ran {counted(runner.epochs, word)} in {num(spent, 1)} s "
                              f"({count(round(runner.epochs / spent))} {word}s/s on the compiled path)")
        if message.reason == "converged":
            self.ui.notice = self.session.model.converged_message
        elif message.reason == "not converging" and runner is not None:
            self.ui.notice = self.session.model.not_converging(runner.epochs)
        elif message.reason.startswith("error"):
            self.ui.notice = message.reason
        self._tell_whole_run()
        self.redraw()
        self._run_pending()

    def _tell_whole_run(self) -> None:
        """A play at full speed is many compiled runs (a chunk per frame): when it stops, the math
        panel tells the whole play — 'ran 38,436 iterations on the compiled path: iterations
        1–38,436', the count the pause notice gives — and its ‖Δ‖ since play started, not only the
        last chunk's."""
        start, self._play_start = getattr(self, "_play_start", None), None
        session = self.session
        if start is None or session.sim.last is None or session.sim.last.op != RUN:
            return
        done, at_boundary, before = start
        first = done + 1 + (not at_boundary)     # a play begun inside an epoch finished it first
        epochs = session.model.epoch - first + 1
        if epochs < 1:
            return
        model = session.model
        whole = run_event(model.name, epochs, first, None if at_boundary else done + 1)
        session.summary = summarize(Level.EPOCH, [], session.sim.last, session.layout, before, session.flat(),
                                    session.sim.history, headline=headline(model.metrics, model.epoch_word),
                                    unit=model.epoch_word, run=whole)

    def follow_level(self) -> None:
        """The level changed: until the learner has chosen a speed, play at one they can watch."""
        if not self.speed_chosen:
            self.speed = watchable(self.session.level)
            self.ui.speed = SPEEDS[self.speed][0]

    def full_speed(self) -> None:
        """Play at full speed (the compiled path), or switch a slower play to it."""
        if self.speed == FULL and self.playing:
            return
        self.faster(FULL - self.speed)
        if not self.playing:
            self.play()

    def faster(self, step: int = 1) -> None:
        self.speed_chosen = True
        self.speed = max(0, min(FULL, self.speed + step))
        self.ui.speed = SPEEDS[self.speed][0]
        if self.playing:
            self._pending.append(self.play)
            self.pause()
            if self.runner is None:
                self._run_pending()
        self.repaint()

    def slower(self) -> None:
        self.faster(-1)
