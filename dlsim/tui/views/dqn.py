"""DQN's view: the agent acting (CartPole's cart and pole, or the gridworld with each cell's four Q
values, the greedy arrows, the agent and the Q value being trained), the value over CartPole's
(θ, θ̇) plane, a heatmap of the Q-network's weights, and the curves (returns, episode length, TD
loss, ε). Every number is the model's (DQN.inspect): this file only lays them out (widgets/cartpole.py,
widgets/gridworld.py)."""
import numpy as np
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from dlsim.protocol.events import Level
from dlsim.protocol.numbers import count, num
from dlsim.tui.views.base import NetworkView
from dlsim.tui.views.mlp import MLPView
from dlsim.tui.views.panels import curves, titled, weight_heatmap
from dlsim.tui.widgets.cartpole import CartPoleScene, ValuePlane
from dlsim.tui.widgets.curves import Chart
from dlsim.tui.widgets.gridworld import GridPicture, GridworldPanel


class DQNView(NetworkView):
    name = "dqn"
    # the mean return of the last 100 episodes exists once 100 have finished: said, not a bare "–"
    charts = (Chart("return", (("mean100", "mean of last 100"), ("greedy_return", "greedy")),
                    pending=(("mean100", "after 100 episodes"),)),
              Chart("length", (("length", "mean"),)),
              Chart("TD loss", (("td_loss", "Huber"),)))
    curves_title = ("return ── mean of last 100 ┄┄ greedy · length · TD loss", "return ── mean of last 100 ┄┄ greedy",
                    "── mean of last 100 ┄┄ greedy")
    level_words = {Level.LAYER: "half", Level.SAMPLE: "env step", Level.BATCH: "env step"}
    level_help = {Level.OP: "one draw, one choice, one environment step, one push, one TD target, one update",
                  Level.LAYER: "acting (observe → choose → step → push) or learning (replay → targets → loss → "
                               "gradient → update)",
                  Level.SAMPLE: "one environment step with its update",
                  Level.BATCH: "one environment step with its replay batch's update",
                  Level.EPOCH: "steps_per_epoch environment steps (episodes run on across epochs)"}
    phases = "observe → ε-greedy → env step → push → replay batch → TD targets → Huber loss → backward → update"

    # the Q-network is an MLP: its heatmap of each weight matrix
    matrices = MLPView.matrices
    _layers = MLPView._layers

    def compose(self) -> ComposeResult:
        env = self.session.sim.model.environment
        with Horizontal(id="sim-body", classes=self.name):
            with Vertical(id="left"):
                if env.rows:
                    yield titled(GridworldPanel(self, id="decision"), f"{env.name} · Q(s, a) per cell")
                else:
                    yield titled(CartPoleScene(self, id="scene"), "cartpole")
                    yield titled(ValuePlane(self, id="decision"), "max Q over θ (across), θ̇ (down)")
            with Vertical(id="right", classes="curves-kept"):   # the curves beside a lesson (dlsim.tcss)
                yield weight_heatmap(self, "weights of Q")
                yield curves(self)

    def cursor(self, model, last) -> str:
        """The step in hand from its first op (an env step closes a batch) and the episode, both from 1
        as Q-learning's status line and the math panel count them."""
        done, total = model.epoch_progress()
        busy = last is not None and last.closes < Level.BATCH
        shown = model.inspect()
        return (f"step {count(done + busy)}/{count(total)} · episode {count(shown['episode'] + 1)} · "
                f"ε {num(shown['epsilon'], 2)}")

    def extras(self, model) -> dict:
        sim = self.session.sim
        shown = model.inspect(sim.last, sim.trace.events)
        env = model.environment
        out = {**super().extras(model), "shown": shown, "environment": env.name}
        if env.rows:
            q = shown["q_cells"]
            out["gridworld"] = GridPicture(env.layout, q=q, greedy=np.argmax(q, axis=1), agent=shown["cell"],
                                           highlight=shown.get("updating"))
        return out
