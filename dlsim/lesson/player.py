"""The lesson player: walks a Lesson's steps over one Simulator, forward and back.

Opening a step runs its actions, then fills its narration with the numbers the simulation now
holds, checks its expectations, and settles the previous step's prediction against what really
happened. Going back (or jumping) replays the lesson from its start up to that step: the simulation
is deterministic, so the state reached is, bit for bit, the one the learner saw there. The app and
the headless runner drive the same Player, so both show the same numbers.

    player = Player(load("perceptron-and"))
    view = player.start()          # StepView of step 0: view.text is Markdown, view.outcomes...
    player.answer("up")            # Grade for the current step's checkpoint, if it has one
    view = player.next()           # None past the last step
    view = player.previous()       # the state of the step before, restored exactly
"""
from typing import Callable

import numpy as np

from dlsim.sim.simulator import Simulator
from dlsim.errors import UserError
from dlsim.lesson.document import Action, Checkpoint, Lesson, LessonError, Problem, Step
from dlsim.lesson.kept_events import Latest, Updates, window
from dlsim.lesson.lesson_sweep import option_of, run_sweep
from dlsim.lesson.quantities import Missing, Scope
from dlsim.lesson.text import fmt, render, shows_formulas
from dlsim.lesson.step_view import Grade, Outcome, StepView, default_question
from dlsim.sim.stepper import HistoryLimit


class Player:
    def __init__(self, lesson: Lesson, progress=None, problems: list | None = None):
        self.lesson = lesson
        # given a list (`lesson check`), a placeholder with no value is added to it and play goes on,
        # so that every one is found in one pass; otherwise it ends the play at its line
        self.problems = problems
        self.progress = progress                   # a progress.Progress, or None (headless)
        self.sim = Simulator(lesson.network, seed=lesson.seed, **lesson.options)
        self._initial = dict(self.sim.config)
        self.index = -1
        self.view: StepView | None = None
        self.answers: dict[int, Grade] = {}
        self._mark = None
        self._last_step = window(False)  # events of the latest @step line, for {formulas}
        self._recent = Latest()          # events since the last @run/@set/@param/@reset, by kind
        self._stale = False              # sim.last predates a @set/@param/@reset
        self._swept = None               # the last @sweep's runs (lesson_sweep.Swept)
        self._sweep_last = False         # nothing has run the lesson's own network since the last @sweep
        # called with each Action of a step before it runs and once it has, in replayed steps too: a
        # step is reached by n or by replaying those before it, and a listener sees both alike
        self.on_acting: list[Callable[[Action], None]] = []
        self.on_acted: list[Callable[[Action], None]] = []

    # --- moving --------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.lesson.steps)

    @property
    def step(self) -> Step | None:
        return self.lesson.steps[self.index] if self.index >= 0 else None

    @property
    def finished(self) -> bool:
        return self.index == len(self) - 1

    def start(self) -> StepView:
        return self.goto(0)

    def resume(self) -> StepView:
        """Open the step the learner last reached (from the progress file), else the first."""
        saved = self.progress.get(self.lesson.name).get("step", 0) if self.progress else 0
        return self.goto(min(max(int(saved), 0), len(self) - 1))

    def next(self) -> StepView | None:
        if self.index + 1 >= len(self):
            return None
        if self.index >= 0 and self.moved():
            self._replay(self.index)               # undo the learner's exploring first
        return self._open(self.index + 1, quiet=False)

    def previous(self) -> StepView | None:
        return self.goto(self.index - 1) if self.index > 0 else None

    def goto(self, index: int) -> StepView:
        """Restore the state of step `index` by replaying the lesson up to it."""
        if not 0 <= index < len(self):
            raise UserError(f"this lesson has steps 1..{len(self)}")
        self._replay(index)
        self._remember()
        return self.view

    def restore(self) -> StepView:
        """Put the simulation back as the current step left it (after the learner explored)."""
        return self.goto(self.index)

    def moved(self) -> bool:
        """True when the simulation is no longer as the current step left it."""
        return self._fingerprint() != self._mark

    @property
    def sweep(self):
        """The last @sweep's runs (lesson_sweep.Swept) while they are the latest thing the lesson
        ran, from its step on, else None: a later @run, @step, @set … on the lesson's own network
        makes that network what there is to look at again."""
        return self._swept if self._sweep_last else None

    # --- checkpoints ---------------------------------------------------------------------------
    def answer(self, choice: str | int) -> Grade:
        cp = self.view.checkpoint if self.view else None
        if cp is None:
            raise UserError("this step asks no question")
        correct = cp.grade(choice)
        text = cp.choices[choice] if isinstance(choice, int) else str(choice).strip().lower()
        grade = Grade(correct, text, cp.answer, self.view.because)
        self.answers[self.index] = grade
        if self.progress:
            self.progress.answer(self.lesson.name, self.index, text, correct)
        return grade

    # --- inside --------------------------------------------------------------------------------
    def _replay(self, index: int) -> None:
        with self.sim.muted():
            self.sim.config = dict(self._initial)
            self.sim.build()
            self._stale, self._recent, self._swept, self._sweep_last = False, Latest(), None, False
            for i in range(index + 1):
                self._open(i, quiet=True)
        self._mark = self._fingerprint()

    def _open(self, index: int, quiet: bool) -> StepView:
        step = self.lesson.steps[index]
        asked = self.lesson.steps[index - 1].checkpoint if index > 0 else None
        before = None
        if asked and asked.kind == "change":
            try:
                before = self.scope().value(asked.subject.args[0])
            except Missing as why:      # inside a sample: the update events will tell
                before = why
        # what this step's narration and the previous step's prediction read, and no more
        formulas = shows_formulas(step.narration)
        events = window(formulas)
        self._last_step = window(formulas)
        updates = Updates(asked.subject.args[0] if asked and asked.kind == "change" else None)
        for action in step.actions:
            for listener in self.on_acting:
                listener(action)
            self._apply(action, (events, updates), formulas)
            for listener in self.on_acted:
                listener(action)
        scope = self.scope()
        outcomes = [self._settle(asked, before, scope, updates)] if asked else []
        for expectation in step.expectations:
            held, value = self._guard(expectation.line, lambda: scope.holds(expectation.condition))
            c = expectation.condition
            outcomes.append(Outcome("expect", expectation.line, held,
                                    f"{c.text}   ({c.quantity.text} = {fmt(value)})"))
        def missing(why: Missing):      # reported at the placeholder's own line
            name = getattr(why, "placeholder", "")
            line = next((n for n, q in step.refs if q.text == name), step.line)
            if self.problems is None:
                self._fail(line, str(why))
            problem = Problem(str(self.lesson.path), line, str(why))
            if problem not in self.problems:     # (a step replayed shows the same text again)
                self.problems.append(problem)
        text = render(step.narration, scope, self._last_step, missing)
        cp = step.checkpoint
        question = because = ""
        if cp is not None:
            question = self._guard(cp.line, lambda: render(cp.question or default_question(cp), scope))
            because = self._guard(cp.line, lambda: render(cp.because, scope))
        self.index = index
        self.view = StepView(index, len(self), step.title, step.line, text, cp, question, because,
                             step.highlight, tuple(outcomes), tuple(events))
        if not quiet:
            self._mark = self._fingerprint()
            self._remember()
        return self.view

    def _remember(self) -> None:
        if self.progress:
            self.progress.visit(self.lesson.name, self.index, len(self))

    def _apply(self, action: Action, keeps: tuple, formulas: bool) -> None:
        sim, a = self.sim, action.args

        def collect(event):
            for kept in keeps:
                kept.append(event)
            self._last_step.append(event)
            self._recent.append(event)

        def run():
            if action.kind in ("step", "back"):
                self._last_step, self._stale = window(formulas), False
                sim.on_event.append(collect)
                try:
                    for _ in range(a["count"]):
                        (sim.step if action.kind == "step" else sim.back)(a["level"])
                finally:
                    sim.on_event.remove(collect)
                if action.kind == "back":
                    self._recent = Latest()    # the events stepped over are undone
            elif action.kind == "run" and "until" in a:
                for _ in range(a["max_epochs"]):
                    if self.scope().holds(a["until"])[0] or sim.diverged():
                        break
                    sim.train(epochs=1)
            elif action.kind == "run":
                sim.train(epochs=a.get("epochs"), steps=a.get("steps"))
            elif action.kind == "set":
                for key, value in a["options"].items():
                    sim.set(key, value)
            elif action.kind == "param":
                shape = sim.model.params[a["name"]].shape if a["index"] is None else ()
                values = np.array(a["values"])
                sim.set_param(a["name"], values.reshape(shape) if values.size > 1 else values[0],
                              a["index"])
            elif action.kind == "reset":
                sim.reset()
            elif action.kind == "sweep":        # other networks: this one is left as it is
                self._swept = run_sweep(sim, option_of(sim.name, a["option"]), a["words"], a["epochs"])
        self._sweep_last = action.kind == "sweep"
        changes = action.kind not in ("step", "back", "sweep")
        if changes:
            self._recent = Latest()             # their values describe a state about to go
        self._guard(action.line, run)
        if changes:
            self._stale = action.kind != "run"  # a run's last event is its own (or skipped)

    def _value(self, quantity, line: int):
        return self._guard(line, lambda: self.scope().value(quantity))

    def _settle(self, cp: Checkpoint, before, scope: Scope, updates: Updates) -> Outcome:
        """Whether the lesson's own answer to the previous step's question came true."""
        subject = cp.subject
        if cp.kind == "change":
            if updates.first is not None:   # the update events say it exactly, even inside a sample
                before, after = updates.first.values["old"], updates.last.values["new"]
            else:
                if isinstance(before, Missing):
                    self._fail(cp.line, str(before))
                after = self._value(subject.args[0], cp.line)
            if not all(isinstance(v, (int, float)) for v in (before, after)):
                self._fail(cp.line, f"{subject.text}: {subject.args[0].text} is not a number")
            actual = "up" if after > before else "down" if after < before else "same"
            detail = f"{subject.args[0].text}: {fmt(before)} → {fmt(after)}"
        elif cp.kind == "sign":
            after = self._value(subject.args[0], cp.line)
            actual = "positive" if after > 0 else "negative" if after < 0 else "zero"
            detail = f"{subject.args[0].text} = {fmt(after)}"
        elif cp.kind in ("class", "which"):
            actual = str(self._value(subject, cp.line))
            detail = f"{subject.text} = {actual}"
        else:
            held, value = self._guard(cp.line, lambda: scope.holds(subject))
            actual, detail = ("yes" if held else "no"), f"{subject.quantity.text} = {fmt(value)}"
        ok = actual == cp.answer
        text = (f"prediction '{cp.answer}' came true ({detail})" if ok else
                f"the lesson's answer '{cp.answer}' to its @predict is wrong: it was '{actual}' ({detail})")
        return Outcome("predict", cp.line, ok, text)

    def _guard(self, line: int, thunk):
        """Run thunk; a lesson that asks for something impossible is reported at its line."""
        try:
            return thunk()
        except (Missing, HistoryLimit, UserError) as why:
            if isinstance(why, LessonError):
                raise
            self._fail(line, str(why))

    def _fail(self, line: int, message: str):
        raise LessonError([Problem(str(self.lesson.path), line, message)])

    def scope(self) -> Scope:
        """The values of the simulation now, as lessons read them."""
        return Scope(self.sim, recent=self._recent, stale=self._stale, swept=self._swept)

    def _fingerprint(self):
        sim = self.sim
        params = tuple(v.tobytes() for v in sim.model.params.values())
        return (id(sim.model), sim.position, sim.epoch, sim.model.steps, params,
                tuple(sorted((k, str(v)) for k, v in sim.config.items())))
