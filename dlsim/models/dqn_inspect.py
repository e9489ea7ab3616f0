"""What DQN's pictures show, computed by the model through its kernels: the environment's state and
what the agent sees, Q(s, ·) there, the value max_a Q and the greedy action over the environment's
probe (every gridworld cell; CartPole's (θ, θ̇) plane with the cart at rest), the replay's fill, ε,
the episode in hand, and the TD error in hand as its events computed it. A mixin of the DQN class;
the app's view lays these out, lessons quote them by these names."""
import numpy as np

from dlsim.kernels import dqn as K
from dlsim.models.dqn_formulas import Op
from dlsim.protocol.events import Level

INSPECTED = {
    "state": "the environment's state: CartPole (x, ẋ, θ, θ̇, t, 0); a gridworld (cell, t, 0, 0, 0, 0)",
    "cell": "the gridworld cell the agent stands on (row·cols + col; CartPole: none)",
    "q": "Q(s, ·) of the state the agent stands in, by the online network (one per action)",
    "value": "max_a Q over the probe: every gridworld cell (rows, cols), or CartPole's (θ across, θ̇ down) plane",
    "value_max": "the largest value over that probe (CartPole: no return is worth more than 1/(1 − γ) = 100 at γ = 0.99)",
    "policy": "the greedy action over the same probe (action numbers)",
    "epsilon": "ε now: the chance of a random action",
    "episode": "the episode in progress (its number, from 0)",
    "episode_return": "the reward gathered so far in the episode in progress",
    "mean100": "the mean return of the last 100 finished episodes (CartPole is solved above 195)",
    "replay_size": "transitions stored in the replay buffer",
    "updates": "updates of the online network so far",
    "target_gap": "‖θ_online − θ_target‖: how far the online network has moved since the last copy",
    "td_error": "the TD error Q(s, a) − y of the replay row in hand, as its event computed it",
    "td_target": "the TD target y of the replay row in hand, as its event computed it",
    "q_cells": "gridworld: Q (cells, actions) of every cell, row by row (up, right, down, left)",
    "updating": "gridworld: (cell, action) of the replay row whose TD error is in hand",
}


class DQNInspect:
    inspected = INSPECTED

    def probe_q(self, kernels=None) -> np.ndarray:
        """Q (N, actions) of every state of the environment's probe (a gridworld: cell by cell)."""
        X = np.ascontiguousarray(self.data.X)
        q = np.empty((len(X), int(self.sizes[-1])))
        (kernels or self.kernels_now()).dqn.q_values(self.theta, self.sizes, self.acts, X, q)
        return q

    def probe_values(self, kernels=None, q=None) -> tuple[np.ndarray, np.ndarray]:
        """(max_a Q, greedy action) over the environment's probe, shaped as its picture: a gridworld's
        (rows, cols), CartPole's (side, side) with θ across and θ̇ down."""
        env = self.environment
        q = self.probe_q(kernels) if q is None else q
        X = self.data.X
        shape = (env.rows, env.cols) if env.rows else (int(round(np.sqrt(len(X)))),) * 2
        return q.max(axis=1).reshape(shape), q.argmax(axis=1).reshape(shape)

    def inspect(self, last=None, trace=None):
        c, f, env = self.counters, self.floats, self.environment
        obs = np.empty((1, int(self.sizes[0])))
        self.env_ops.observe(env.code, env.layout, self.env_state, obs[0])
        q = np.empty((1, int(self.sizes[-1])))
        self.kernels_now().dqn.q_values(self.theta, self.sizes, self.acts, obs, q)
        q_probe = self.probe_q()
        value, policy = self.probe_values(q=q_probe)
        shown = {"state": self.env_state.copy(), "q": q[0].copy(), "value": value, "value_max": float(np.nanmax(value)),
                 "policy": policy,
                 "epsilon": float(self.ops.epsilon_at(self.hyper(), int(c[K.ENV_STEPS]))),
                 "episode": int(c[K.EPISODE]), "episode_return": float(f[K.EP_RETURN]),
                 "replay_size": int(min(c[K.PUSHES], len(self.replay))), "updates": int(c[K.UPDATES]),
                 "target_gap": float(np.linalg.norm(self.theta - self.target))}
        if env.rows:
            shown["cell"] = int(self.env_state[0])
            shown["q_cells"] = q_probe
        if self.mean100() is not None:
            shown["mean100"] = self.mean100()
        if last is not None and last.op in (Op.TD_TARGET, Op.TD_ERROR) and last.level < Level.BATCH:
            shown["td_target"] = float(last.values["y"])
            if last.op == Op.TD_ERROR:
                shown["td_error"] = float(last.values["error"])
                if env.rows:   # the gridworld cell and action whose Q value this row trains
                    row = self.replay[last.values["row"]]
                    shown["updating"] = (int(np.argmax(row[:env.observation])), int(last.values["action"]))
        return shown

    def exercise(self):
        self.evaluate()
        self.probe_values(self.kernels)
        self.inspect()
