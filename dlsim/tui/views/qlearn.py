"""Tabular Q-learning's view: the gridworld with four Q values a cell (or its value and arrow where
space is short), the greedy arrows, the agent ◆ and the entry being updated reversed; beside it the
curves (the greedy policy's return and the return while exploring, the episodes' length, the mean
|TD error|). Every number is the model's (QLearn.inspect): this file only lays them out
(widgets/gridworld.py draws the grid)."""
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from dlsim.protocol.events import Level
from dlsim.protocol.numbers import count
from dlsim.tui.views.base import NetworkView
from dlsim.tui.views.panels import curves, titled
from dlsim.tui.widgets.curves import Chart
from dlsim.tui.widgets.gridworld import GridPicture, GridworldPanel

SHOWN = ("q", "greedy", "agent", "updating", "episode", "greedy_return")


class QLearnView(NetworkView):
    name = "qlearn"
    charts = (Chart("return", (("greedy_return", "greedy"), ("mean_return", "exploring"))),
              Chart("episode length", (("mean_length", "mean"),)),
              Chart("|TD error|", (("abs_td_error", "mean |δ|"),)))
    # the return chart's key, kept where the title shortens (its legend has no room for the names)
    curves_title = ("return ── greedy ┄┄ exploring · length · |δ|", "return ── greedy ┄┄ exploring",
                    "── greedy ┄┄ exploring")
    level_words = {Level.LAYER: "stage", Level.BATCH: "episode"}
    level_help = {Level.OP: "one draw, one ε-greedy choice, one move, the TD target, the TD error, the update",
                  Level.LAYER: "acting (draw, choice, move) or learning (target, error, update)",
                  Level.SAMPLE: "one environment step with its update",
                  Level.BATCH: "an episode (cut where an epoch ends)",
                  Level.EPOCH: "steps_per_epoch environment steps; episodes run on across epochs"}
    phases = "forward (draw → choose → move) → loss (TD target → TD error) → update (Q += α·δ)"
    matrix_word = ""

    def __init__(self, session):
        super().__init__(session)
        # the return chart over the returns this environment can give (the shared charts run from 0 up)
        first, *rest = type(self).charts
        self.charts = (Chart(first.title, first.series, session.sim.model.return_range()), *rest)

    def compose(self) -> ComposeResult:
        with Horizontal(id="sim-body", classes=self.name):
            with Vertical(id="left"):
                place = self.session.sim.model.env.name
                yield titled(GridworldPanel(self, id="decision"), f"{place} · Q(s, a) · ◆ agent")
            with Vertical(id="right", classes="curves-kept"):   # the curves beside a lesson (dlsim.tcss)
                yield curves(self)

    def cursor(self, model, last) -> str:
        busy = last is not None and last.closes < Level.SAMPLE
        return (f"epoch step {count(model.index + busy)}/{count(model.config['steps_per_epoch'])} · "
                f"episode {count(model.counters_episode() + 1)}")

    def extras(self, model) -> dict:
        sim = self.session.sim
        shown = model.inspect(sim.last, sim.trace.events, names=SHOWN)
        cells = model.rows * model.cols
        picture = GridPicture(model.layout, q=shown["q"].reshape(cells, -1), greedy=shown["greedy"].ravel(),
                              agent=shown["agent"], highlight=shown.get("updating"))
        return {"gridworld": picture, "greedy_return": shown["greedy_return"], "cursor": self.cursor(model, sim.last)}
