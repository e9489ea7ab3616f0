"""The simulation screen: a SimView and the footer, with the stepping keys shared by every network.

A lesson screen can subclass this and override `compose_side` to put narration beside the view;
the keys keep working, and `self.simview` is the SimView to drive (`self.session.sim` is the
Simulator under it).
"""
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal

from dlsim.errors import UserError
from dlsim.protocol.numbers import num
from dlsim.tui.keys import STEPPING
from dlsim.tui.kept import keep
from dlsim.tui.long_runs import Asked
from dlsim.tui.offered import Offered, explain_unoffered
from dlsim.tui.screens.base import DlsimScreen
from dlsim.tui.screens.help import HelpScreen
from dlsim.tui.screens.options import OptionsScreen, show
from dlsim.tui.screens.prompt import PromptScreen
from dlsim.tui.screens import session_files
from dlsim.tui.session import Session
from dlsim.tui.simview import SimView
from dlsim.tui.widgets.network.weights import WeightsPanel
from dlsim.tui.widgets.panel import Panel
from dlsim.tui.widgets.footer import Footer


NO_HEATMAP = "this network's view has no weight heatmap: no weight to select or edit here"


def together(notices: list[str]) -> str:
    """'length = 12: rebuilt the network', 'heads = 4: rebuilt the network' → 'length = 12, heads = 4:
    rebuilt the network': the changes that ended alike told in one clause, in the order applied."""
    clauses: dict[str, list[str]] = {}
    for notice in notices:
        change, _, outcome = notice.partition(": ")
        clauses.setdefault(outcome, []).append(change)
    return "; ".join(", ".join(changes) + (f": {outcome}" if outcome else "") for outcome, changes in clauses.items())


class SimulationScreen(Offered, DlsimScreen):
    BINDINGS = STEPPING
    # the keys that act on what only some networks have (offered.py): t their parts, w e a heatmap
    OFFERED = {"cycle_parts": lambda screen: screen.session.sim.cls.parts_option is not None,
               "focus_weights": lambda screen: screen.simview.heatmap() is not None,
               "edit_weight": lambda screen: screen.simview.heatmap() is not None}

    def __init__(self, session: Session):
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        with Horizontal(id="sim-row"):
            yield SimView(self.session, id="sim")
            yield from self.compose_side()
        yield Footer(compact=True)

    def compose_side(self) -> ComposeResult:
        """Widgets beside the simulation (a lesson's narration). None here."""
        return iter(())

    @property
    def simview(self) -> SimView:
        return self.query_one(SimView)

    @property
    def _binding_chain(self):
        """With nothing focused (a lesson opens so: PgDn / PgUp read its narration), Textual asks only
        the screen and the app for a key, and the keys a view binds for all its panels at once (the
        transformer's [ ] k h and ↑ ↓ on its selected cell) stayed silent until Tab or a click. They
        come after the screen's own, so a letter that answers an open question still answers it."""
        chain = super()._binding_chain
        if self.focused is None:
            for body in self.query("#sim-body"):
                chain.insert(1, (body, body._bindings.copy()))
        return chain

    def on_key(self, event: events.Key) -> None:
        explain_unoffered(self, event)

    # --- stepping and playing ------------------------------------------------------------------
    def action_step(self) -> None:
        self.simview.step()

    def action_back(self) -> None:
        self.simview.back()

    def action_level(self, level: str) -> None:
        self.simview.set_level(level)

    def action_play(self) -> None:
        self.simview.toggle()

    def action_full_speed(self) -> None:
        self.simview.full_speed()

    def action_faster(self) -> None:
        self._change_speed(self.simview.faster, "fastest")

    def action_slower(self) -> None:
        self._change_speed(self.simview.slower, "slowest")

    def _change_speed(self, change, end: str) -> None:
        """While paused at 80 columns the status line gives the speed's room to the place and the
        level, so + and - would change a speed nobody sees: the message line says it (playing, the
        status line shows it)."""
        simview = self.simview
        before = simview.ui.speed
        change()
        if simview.playing:
            return
        label = simview.view.speed_label(simview.ui.speed)
        if simview.ui.speed == before:
            simview._report(f"play speed {label} is already the {end}; space plays at it")
        else:
            simview._report(f"play speed {label}: space plays at it")

    def action_reset(self) -> None:
        self.simview.reset()

    # --- changing things -----------------------------------------------------------------------
    def action_learning_rate(self) -> None:
        sim = self.session.sim
        names = sim.cls.learning_rates
        if len(names) > 1:   # one per network (a GAN's D and G): the options form, with just those
            rates = tuple(o for o in sim.cls.options if o.name in names)
            self.app.push_screen(OptionsScreen("Learning rates (live)", rates, dict(sim.config), self.apply_options))
            return
        name = names[0]
        self.app.push_screen(PromptScreen(
            "Learning rate", str(sim.config.get(name)), lambda raw: self.simview.set_option(name, raw),
            help=learning_rate_help(sim, name)))

    def action_cycle_parts(self) -> None:
        sim = self.session.sim
        name = sim.cls.parts_option
        if name is None:
            self.simview._report(f"{sim.name} trains as one network: t has no part to choose")
            return
        choices = next(o for o in sim.cls.options if o.name == name).choices
        after = choices[(choices.index(sim.config[name]) + 1) % len(choices)]
        self.simview._report(self.simview.set_option(name, after))

    def action_next_dataset(self) -> None:
        names = list(self.session.sim.cls.datasets)
        current = self.session.sim.config["dataset"]
        after = names[(names.index(current) + 1) % len(names)] if current in names else names[0]
        self.simview._report(self.simview.set_option("dataset", after))

    def action_options(self) -> None:
        sim = self.session.sim
        self.app.push_screen(OptionsScreen(f"{sim.name} options", sim.cls.options, dict(sim.config),
                                           self.apply_options))

    def apply_options(self, changed: dict) -> str | None:
        """Apply several options; retried in passes, so that e.g. samples can grow before batch.
        While a run or a step owns the session, they wait for it together (the run pauses), and are
        told together then; only live ones (a learning rate) apply at once, to the run."""
        simview, live = self.simview, {o.name for o in self.session.sim.cls.options if o.live}
        if (simview.runner is not None or simview._busy is not None) and not set(changed) <= live:
            simview._when_free(lambda: simview._report(self.apply_options(changed)))
            return None
        todo, told = dict(changed), []
        while todo:
            problems = {}
            for name, raw in list(todo.items()):
                problem = self.simview.set_option(name, raw)
                if isinstance(problem, Asked):   # a question for the learner: not retried in this pass
                    return problem
                if problem:
                    problems[name] = problem
                else:
                    del todo[name]
                    told.append(self.simview.ui.notice)
            if len(problems) == len(changed):   # no progress in a whole pass
                return next(iter(problems.values()))
            changed = dict(todo)
        if len(told) > 1:   # each change said only itself: the last one's notice hid the others'
            self.simview.ui.notice = together(told)
            self.simview.repaint()
        return None

    def ask_option(self, name: str) -> None:
        """A prompt for one option (from the command palette)."""
        sim = self.session.sim
        option = next(o for o in sim.cls.options if o.name == name)
        value = sim.config.get(name)
        shown = show(value)   # as the options form shows it: no layers is "0"
        self.app.push_screen(PromptScreen(f"{name}: {option.help}", shown,
                                          lambda raw: self.simview.set_option(name, raw),
                                          help=f"Allowed: {option.allowed}."))

    def action_focus_weights(self) -> None:
        """Focus the heatmap with a weight selected (the shown layer's first), so e edits at once."""
        heatmap = self.simview.heatmap()
        if heatmap is None:
            self.simview._report(NO_HEATMAP)
            return
        heatmap.focus()
        if self.simview.ui.selected is None:
            self.simview.select_first()

    def action_edit_weight(self) -> None:
        selected = self.simview.ui.selected
        if self.simview.heatmap() is None:
            self.simview._report(NO_HEATMAP)
            return
        if selected is None:
            self.simview._report("select a weight first: press w, then ↑ ↓ ⇧← ⇧→, or click one")
            return
        name, index = selected
        value = float(self.session.model.params[name][index])
        label = self.simview.weight_label(selected)
        shown = num(value, 6)

        def apply(raw: str) -> str | None:   # Enter on the value as shown changes nothing
            return None if raw.strip() == shown else self.simview.set_weight(name, index, raw)
        self.app.push_screen(PromptScreen(
            f"Edit {label}", shown, apply,
            help=f"Now {shown}. Stepping back past this edit undoes it."))

    def on_weights_panel_edit(self, message: WeightsPanel.Edit) -> None:
        message.stop()
        self.action_edit_weight()

    # --- saved sessions (dlsim.tui.screens.session_files) ----------------------------------------
    def action_save_session(self) -> None:
        session_files.ask_save(self)

    def action_open_session(self) -> None:
        session_files.ask_open(self.app, self, SimulationScreen)

    help_screen = HelpScreen   # a lesson's adds its own keys

    def action_help(self) -> None:
        """Help in the network's words, for the panels its view composed."""
        simview = self.simview
        self.app.push_screen(self.help_screen(simview.view, [type(panel) for panel in simview.query(Panel)]))

    def action_home(self) -> None:
        """Home, keeping the network as it is: opening it again resumes here (app.open_model). A
        step running in a thread owns the session: home once it (and the keys before Esc) are done,
        or opening the network again would step the session on two threads at once."""
        if self.simview._busy is not None:
            if not getattr(self, "_leaving", False):
                self._leaving = True
                self.simview._when_free(self._home_now, op_by_op=True)
            return
        self._home_now()

    def _home_now(self) -> None:
        runner = self.simview.runner
        self.simview.pause()
        if runner is not None:   # hand the session back whole before anything else may drive it
            runner.finished.wait(0.5)
        if type(self) is SimulationScreen:   # a lesson's session is its player's, resumed by it
            keep(self.app, self.session)
        self.app.pop_screen()


def learning_rate_help(sim, name: str) -> str:
    """What the learning-rate prompt says: the allowed values, and a rate to watch training diverge
    where the network allows one and is trained by gradients (a SOM's rate stops at 1; a
    perceptron's rule only scales its weights, whatever the rate)."""
    option = next(o for o in sim.cls.options if o.name == name)
    said = f"Applies at once, even while running; {option.allowed}."
    try:
        option.value(50)
    except UserError:
        return said
    return said + " Try 50 to see training diverge." if sim.model.has_gradients() else said
