"""What tabular Q-learning's pictures show, from the table and the events the kernels produced: each
cell's Q values, value and greedy action, the agent's cell, the step in progress (its action, reward,
TD target and TD error, the entry being updated), the episode so far and the greedy policy's return
and path. The app's view only lays these out; lessons quote them ({td_error}, @expect value[0,3] > 0)
and `dlsim run qlearn --headless --trace F --trace-inspect` writes them on every event.
"""
from typing import Any, Iterable, Mapping

import numpy as np

from dlsim.kernels.environments import GOAL
from dlsim.kernels.qlearn import EPISODE, LENGTH, RETURN
from dlsim.models.qlearn_formulas import Op
from dlsim.protocol.events import Event

INSPECTED = {
    "q": "(rows, cols, actions) Q(s, a) of every cell and action (up, right, down, left)",
    "value": "(rows, cols) each cell's value max over a of Q(s, a)",
    "greedy": "(rows, cols) each cell's greedy action (0 up, 1 right, 2 down, 3 left; ties to the lowest)",
    "agent": "the cell the agent stands on, row·cols + col",
    "agent_row": "the agent's row",
    "agent_col": "the agent's column",
    "action": "the action of the step in progress (once chosen), else of the last step",
    "explore": "whether that action was a random one (u < ε) rather than the greedy one",
    "reward": "the reward of the step in progress (once taken), else of the last step",
    "td_target": "the TD target r + γ·max Q(s′, ·) (SARSA: r + γ·Q(s′, a′)) of the step in progress or the last",
    "td_error": "the TD error δ = target − Q(s, a) of the step in progress or the last",
    "updating": "(cell, action): the entry of the table the step in progress (or the last) updates",
    "episode": "episodes finished so far",
    "episode_return": "the return of the episode in progress so far",
    "episode_length": "the steps of the episode in progress so far",
    "greedy_return": "the return of one episode from the start acting greedily on Q (no exploration)",
    "greedy_path": "the cells that greedy episode visits, in order",
    "solved": "whether the greedy policy reaches the goal",
    "greedy_length": "the steps of that greedy episode",
}
STEP_OPS = (Op.CHOOSE, Op.MOVE, Op.TARGET, Op.TD_ERROR, Op.UPDATE, Op.STEP)


def _latest(trace: Mapping | None, last: Event | None, op: str) -> Event | None:
    """The sample's latest event of `op` (any path), else `last` if it is the step's summary."""
    found = [e for (o, _), e in (trace or {}).items() if o == op]
    if found:
        return found[-1]
    return last if last is not None and last.op == Op.STEP else None


class QLearnInspect:
    """QLearn's `inspected` and `inspect()`."""
    inspected = INSPECTED

    def inspect(self, last: Event | None = None, trace: Mapping | None = None,
                names: Iterable[str] | None = None) -> dict[str, Any]:
        wanted = set(self.inspected if names is None else names)
        R, C = self.rows, self.cols
        out: dict[str, Any] = {}
        if wanted & {"q", "value", "greedy"}:
            out["q"] = self.Q.reshape(R, C, -1).copy()
            out["value"] = self.Q.max(axis=1).reshape(R, C)
            out["greedy"] = self.Q.argmax(axis=1).reshape(R, C)   # the first largest: the kernels' greedy(Q, s, 0)
        agent = int(self.env_state[0])
        out.update(agent=agent, agent_row=agent // C, agent_col=agent % C, episode=int(self.counters[EPISODE]),
                   episode_return=float(self.sums[RETURN]), episode_length=int(self.counters[LENGTH]))
        # the action taken (once the move is made; SARSA then chooses its a′ too), else the one chosen
        chosen = _latest(trace, last, Op.MOVE) or _latest(trace, last, Op.CHOOSE)
        if chosen is not None:
            out["action"] = int(chosen.values["action"])
            if chosen.op != Op.MOVE:
                out["explore"] = bool(chosen.values.get("explore", chosen.values.get("explored")))
        for name, op, key in (("reward", Op.MOVE, "reward"), ("td_target", Op.TARGET, "target"),
                              ("td_error", Op.TD_ERROR, "delta")):
            event = _latest(trace, last, op)
            if event is not None:
                out[name] = float(event.values[key])
        moved = _latest(trace, last, Op.MOVE)
        if moved is not None:
            out["updating"] = (int(moved.values["state"]), int(moved.values["action"]))
        if wanted & {"greedy_return", "greedy_length", "greedy_path", "solved"}:
            path = self.greedy_path()
            total, steps = self.greedy_run()
            out.update(greedy_return=total, greedy_length=steps, greedy_path=path, solved=self.reaches_goal(path))
        return {k: v for k, v in out.items() if k in wanted}

    def reaches_goal(self, path: np.ndarray) -> bool:
        return bool(len(path) and path[-1] >= 0 and self.layout.flat[int(path[-1])] == GOAL)
