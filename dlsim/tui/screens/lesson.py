"""The lesson screen: a lesson's narration beside the live simulation it drives.

Every simulation key keeps working, so the learner can leave the script and explore; the screen
notices (Player.moved) and offers to return (s). n / p (or PgDn / PgUp once the narration is read
to its end) go to the next or previous step: going back replays the lesson to that step, so the
simulation is exactly as it was there. A step with a checkpoint holds `next` until it is answered.
The player saves the step reached and the answers (Progress), and a reopened lesson resumes there.
From a @sweep step on (until the lesson runs its own network again, or the learner explores), the
curves panel draws the sweep's runs and takes the simulation's place (show_sweep).
"""
from dataclasses import replace

from textual.app import ComposeResult
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Static

from dlsim.errors import UserError
from dlsim.lesson import Grade, Player, StepView
from dlsim.protocol.events import Level
from dlsim.tui.keys import STEPPING
from dlsim.tui.screens.base import FULL_WIDTH
from dlsim.tui.screens.help import HelpScreen, key_table
from dlsim.tui.screens.simulation import SimulationScreen
from dlsim.tui.session import Session
from dlsim.tui.simview import in_turn
from dlsim.tui.views.base import layer_of
from dlsim.tui.widgets.lesson.checkpoint import LETTERS, CheckpointPanel
from dlsim.tui.widgets.curves import Curves
from dlsim.tui.widgets.lesson.narration import Narration

SIM_WIDTH = 80    # the simulation's columns beside the narration: its smallest full size
WATCH = 0.25      # seconds between looks at whether the learner has left the script

# The footer shows the lesson's keys first, then the simulation's most used; every key still works
# (and ? lists them all).
SHOWN = {"help", "step", "back", "level('op')", "play"}
LESSON_KEYS = [
    Binding("n", "next_step", "next", priority=True, tooltip="the next step of the lesson"),
    Binding("p", "previous_step", "previous", priority=True,
            tooltip="the previous step, its simulation restored exactly"),
    Binding("s", "script", "script", priority=True, tooltip="undo your exploring: back to the step"),
    Binding("pagedown", "page(True)", "next", show=False),
    Binding("pageup", "page(False)", "previous", show=False),
    # While a question is open the footer says how to answer ("a b c answer": one binding per
    # number of choices, shown when it fits the question) …
    *[Binding(LETTERS[0], f"choose(0, {n})", "answer", key_display=" ".join(LETTERS[:n]))
      for n in range(2, len(LETTERS) + 1)],
    *[Binding(c, f"choose({i})", "answer", show=False) for i, c in enumerate(LETTERS)],
]
# … and the keys that would show the answer (a step, play, the next step) are held: their own
# bindings step aside (check_action) and these say why instead.
HELD = ("step", "play", "next_step")
HOLDING = [Binding("right,space,n", "held", "held", show=False, priority=True)]


HELP = [
    ("n / PgDn", "next step (PgDn first reads a long narration to its end)"),
    ("p / PgUp", "previous step: the simulation exactly as it was there"),
    ("a b c", "answer the question (or 1 2 3 while a choice has focus, or click one)"),
    ("s", "back to the script, after exploring with the keys below"),
    ("Esc", "home; the lesson reopens where you left it"),
]


class LessonHelp(HelpScreen):
    """The usual help, with the lesson's keys first."""

    def on_mount(self) -> None:
        self.query_one("#help").mount(Static("lesson keys", classes="dialog-title"),
                                      Static(key_table(HELP)),
                                      Static("simulation keys", classes="dialog-title"), after=0)


class LessonScreen(SimulationScreen, inherit_bindings=False):
    AUTO_FOCUS = ""       # nothing focused: PgDn / PgUp and 1-5 reach the screen until Tab or a click
                          # (and the view's own keys its body, after the screen's: _binding_chain)
    BINDINGS = [*LESSON_KEYS, *[replace(b, show=b.show and b.action in SHOWN) for b in STEPPING],
                *HOLDING, *Screen.BINDINGS]

    def __init__(self, player: Player, session: Session, note: str = ""):
        super().__init__(session)
        self.player, self.note = player, note
        self.explored = False
        self._highlighted = None

    def _fit(self, width: int, height: int) -> None:
        """Beside the simulation, the narration takes what is left once the simulation has the 80
        columns its layout is made for (at 120×40: 40), so no number in it is cut."""
        super()._fit(width, height)
        for narration in self.query(Narration):
            narration.styles.width = "100%" if width < FULL_WIDTH else min(max(width - SIM_WIDTH, 36), 64)

    def compose_side(self) -> ComposeResult:
        yield Narration(self.player.lesson.title, id="lesson")

    @property
    def narration(self) -> Narration:
        return self.query_one(Narration)

    @property
    def waiting(self) -> bool:
        """The step's question is open: next is held until it is answered."""
        try:                # (also while mounting: a lesson resumed at a question opens waiting)
            return self.narration.checkpoint.waiting
        except NoMatches:
            return False

    def on_mount(self) -> None:
        self.mark_sweep_room()
        self.show(self.player.view)
        if self.note:
            self.notify(self.note, title=self.player.lesson.title, timeout=6)
        self.set_interval(WATCH, self.look)

    # --- showing a step -----------------------------------------------------------------------
    def show(self, view: StepView) -> None:
        self.narration.show(view, self.grade_of(view), self.place(view))
        self.highlight(view)
        self.explored = False
        self.show_sweep()
        self.simview.ui.notice = ""
        self.simview.redraw()
        self.update_hint()

    def mark_sweep_room(self) -> None:
        """Mark the curves panel, the columns that hold it and everything beside them (whatever the
        network's layout), so that a @sweep's step gives the panel the simulation's whole place
        (dlsim.tcss: `-sweep`): five runs side by side need more room than a corner."""
        for curves in self.query(Curves):
            curves.add_class("-holds-sweep")
            for holder in curves.ancestors:
                if holder.id == "sim-body":
                    break
                holder.add_class("-holds-sweep")
            for widget in (curves, *curves.ancestors):
                if widget.id == "sim-body":
                    break
                for sibling in widget.parent.children:
                    if sibling is not widget and not sibling.has_class("-holds-sweep"):
                        sibling.add_class("-beside-sweep")

    def show_sweep(self) -> None:
        """The last @sweep's runs in the curves panel while the lesson is at or past its step (and
        has not run its own network since), unless the learner explores: then the network's own."""
        swept = None if self.explored else self.player.sweep
        self.set_class(swept is not None, "-sweep")
        for curves in self.query(Curves):
            curves.show_sweep(swept)

    def grade_of(self, view: StepView) -> Grade | None:
        """This session's answer to the step's question, else the one saved in the progress file."""
        if view.checkpoint is None:
            return None
        grade, saved = self.player.answers.get(view.index), self.saved_answer(view.index)
        if grade is None and "choice" in saved:
            grade = Grade(bool(saved.get("correct")), str(saved["choice"]), view.checkpoint.answer,
                          view.because)
        return grade

    def saved_answer(self, index: int) -> dict:
        """{'choice': …, 'correct': …} from the progress file, or {}."""
        progress = self.player.progress
        saved = progress.get(self.player.lesson.name).get("answers", {}) if progress else {}
        entry = saved.get(str(index)) if isinstance(saved, dict) else None
        return entry if isinstance(entry, dict) else {}

    def highlighted(self, view: StepView) -> str | None:
        """What the step highlights: "weight" (a parameter, the heatmap selects it), "metric" (one the
        curves draw), "quantity" (one the model inspects: the view centres on it), or None."""
        h, model = view.highlight, self.player.sim.model
        if h is None:
            return None
        if h.name in model.params:
            return "weight"
        return "metric" if h.name in {m.key for m in model.metrics} else "quantity"

    def place(self, view: StepView) -> str | None:
        """The panel a step's highlight is in, as the narration names it (None: no panel to name)."""
        kind = self.highlighted(view)
        if kind == "quantity":
            return self.simview.view.highlight_place(view.highlight.name)
        return {"weight": "weights", "metric": "curves"}.get(kind)

    def highlight(self, view: StepView) -> None:
        """Select the step's highlighted weight in the network view (and let go of the last one),
        show the curves where it highlights a metric they draw, or let the view centre on a quantity."""
        h, ui, params, kind = view.highlight, self.simview.ui, self.player.sim.model.params, self.highlighted(view)
        self.set_class(kind == "weight", "-highlight")   # compact: weights shown
        self.set_class(kind == "metric", "-curves")      # compact: the curves, which the layout hides otherwise
        panel = self.simview.view.highlight_panel(h.name) if kind == "quantity" else None
        for shown in [c for c in self.classes if c.startswith("-shows-")]:
            self.remove_class(shown)
        if panel:
            self.add_class(f"-shows-{panel}")            # the view's stylesheet brings that panel out
        if kind == "quantity":
            self.simview.view.highlight(h.name, h.index)
        else:
            self.simview.view.highlight(None, None)
        if kind != "weight":
            if self._highlighted is not None and ui.selected == self._highlighted:
                self.simview.select(None)
            self._highlighted = None
            return
        index = tuple(h.index) if h.index is not None else (0,) * params[h.name].ndim
        self._highlighted = (h.name, index)
        self.simview.select(self._highlighted, layer_of(h.name) or 0)

    def update_hint(self) -> None:
        narration = self.narration
        if self.explored:
            narration.hint("⟲ Exploring: s returns to the script",
                           "bold #e6b422")
        elif self.waiting:
            keys = list(LETTERS[:len(narration.checkpoint.checkpoint.choices)])
            narration.hint(f"Answer to go on: {', '.join(keys[:-1])} or {keys[-1]} (or click)", "#e6b422")
        elif self.player.finished:
            narration.hint(f"★ Lesson complete{self.score()}. Esc: home", "bold #6cc46c")
        else:
            narration.hint("n next step · p previous step")
        self.refresh_bindings()

    def score(self) -> str:
        """': 3 of 5 answers right' over the lesson's questions (answers saved earlier count)."""
        asked = [i for i, step in enumerate(self.player.lesson.steps) if step.checkpoint]
        right = 0
        for i in asked:
            grade = self.player.answers.get(i)
            right += grade.correct if grade else bool(self.saved_answer(i).get("correct"))
        return f": {right} of {len(asked)} answers right" if asked else ""

    def say(self, text: str) -> None:
        """A one-line message in the math panel, where the simulation's own notices appear."""
        self.simview.ui.notice = text
        self.simview.repaint()

    # --- moving through the lesson ---------------------------------------------------------------
    def move(self, how) -> None:
        """Move the player (after any run has stopped), then show where it landed. The weights
        inspector's changes follow the player's steps, replayed or not (StepChanges)."""
        def go() -> None:
            try:
                view = how()
            except UserError as error:        # a lesson that fails while playing: say where
                self.say(str(error))
                self.notify(str(error), severity="error", timeout=10)
                return
            if view is not None:
                self.show(view)
        self.simview._when_free(go)

    @in_turn
    def action_next_step(self) -> None:
        if self.waiting:
            self.say("answer the question first (in the lesson panel): then n goes on")
        elif self.player.finished:
            self.say("this is the last step: the lesson is complete. Esc goes home, p goes back")
        else:
            self.move(self.player.next)

    @in_turn
    def action_previous_step(self) -> None:
        if self.player.index <= 0:
            self.say("this is the first step of the lesson")
        else:
            self.move(self.player.previous)

    def action_page(self, down: bool) -> None:
        """PgDn / PgUp read the narration a page at a time, then go to the next / previous step."""
        if not self.narration.page(down):
            self.action_next_step() if down else self.action_previous_step()

    @in_turn
    def action_script(self) -> None:
        if not self.explored:
            self.say("you are on the lesson's script: nothing to undo")
        else:
            self.move(self.player.restore)

    def action_held(self) -> None:
        self.say("answer the question first (a, b … in the lesson panel)")

    @in_turn
    def action_choose(self, index: int, shown: int = 0) -> None:
        panel = self.narration.checkpoint
        if not panel.waiting or index >= len(panel.checkpoint.choices):
            return
        panel.answered(self.player.answer(index))
        self.update_hint()

    def on_checkpoint_panel_chosen(self, message: CheckpointPanel.Chosen) -> None:
        message.stop()
        self.action_choose(message.index)

    def action_level(self, level: str) -> None:
        """1-5 pick a choice while the question has focus; otherwise they set the level."""
        panel = self.narration.checkpoint
        if panel.waiting and self.focused is not None and panel in self.focused.ancestors_with_self:
            self.action_choose(Level[level.upper()].value)
        else:
            super().action_level(level)

    help_screen = LessonHelp

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "choose":
            if len(parameters) == 2:          # the footer's "a b c answer", for this many choices
                return self.waiting and len(self.narration.checkpoint.checkpoint.choices) == parameters[1]
            # or a question may be on screen by the time the keys before it are done; a letter past
            # the question's choices stays the simulation's (h: the transformer's next head)
            if self.waiting:
                return parameters[0] < len(self.narration.checkpoint.checkpoint.choices)
            return bool(self.simview._pending)
        if action in HELD:
            return not self.waiting
        if action == "held":
            return self.waiting
        if action == "script":
            return True if self.explored else None     # shown dimmed until there is something to undo
        return super().check_action(action, parameters)

    # --- noticing the learner's exploring --------------------------------------------------------
    def look(self) -> None:
        self.tell_progress()
        explored = self.simview.runner is not None or self.player.moved()
        if explored != self.explored:
            self.explored = explored
            if self.player.sweep is not None:
                self.show_sweep()
                self.simview.repaint()
            self.update_hint()

    def tell_progress(self) -> None:
        """Say, once, that the progress file was set aside or cannot be written: never silent."""
        for note in self.player.progress.untold() if self.player.progress else ():
            self.notify(note, title="progress", severity="warning", timeout=12)

    def on_sim_view_stepped(self, message) -> None:
        self.look()
