"""Tabular Q-learning and SARSA: an agent in a gridworld keeps a table Q(s, a) of how much return it
expects from each cell and action, acts ε-greedily on it, and after every step moves the one entry it
used towards the TD target r + γ·max Q(s′, ·) (Q-learning: off-policy, the best next action) or
r + γ·Q(s′, a′) (SARSA: on-policy, the next action it will really take).

Its data is its own experience: the environment (dlsim.protocol.environments, `dataset=`) is stepped
by the kernels inside the loop. Levels: op = one draw, one choice, one environment step, the TD
target, the TD error, the update; layer = acting (draw, choice, step) or learning (target, error,
update); sample = one environment step with its update; batch = an episode (cut where an epoch ends);
epoch = `steps_per_epoch` environment steps, episodes running on across epochs. Three paths, one
arithmetic: `events(OP)` one op at a time through the scalar kernels, `events(SAMPLE)` a step per
compiled call, `train_fused` whole epochs (dlsim.kernels.qlearn). What the pictures show is in
qlearn_inspect.py.
"""
import numpy as np

from dlsim.errors import UserError
from dlsim.kernels import environments as env_kernels
from dlsim.kernels import qlearn as kernel
from dlsim.kernels.qlearn import (ABS_TD, EPISODE, FINISHED, K, LENGTH, LENGTHS, PENDING, RECORD, RETURN,
                                  RETURNS, RULES, SARSA)
from dlsim.kernels.qlearn_reference import draws
from dlsim.models import chunked
from dlsim.models import options as opt
from dlsim.models.base import Model
from dlsim.models.estimate import EVENT_BYTES, FLOAT, Estimate, Work, history_bytes
from dlsim.models.qlearn_formulas import FORMULAS, METRICS, Op
from dlsim.models.qlearn_inspect import QLearnInspect
from dlsim.protocol.events import EVALUATE, FORWARD, LOSS, UPDATE, Event, Level

FUSED_CHUNK = 1000   # epochs per compiled call at most, so that a stop takes effect soon
STATUS = {env_kernels.RUNNING: "running", env_kernels.TERMINAL: "terminal", env_kernels.TRUNCATED: "truncated"}
REWARDS = ("step_reward", "goal_reward", "pit_reward")   # live options overriding the environment's


def reward_option(name: str, help: str) -> opt.Option:
    """A reward the learner may change live; by default (None, typed 'default' or 'none') the
    environment's own. An empty field is refused, as every option's is: more often a slip."""
    number = opt.real(name, 0.0, help, low=-1000.0, high=1000.0)

    def parse(raw):
        if raw is None or (isinstance(raw, str) and raw.strip().lower() in ("none", "default")):
            return None
        return number.parse(raw)
    return opt.Option(name, None, help, parse, number.allowed + ", or default (the environment's)", live=True)


class QLearn(QLearnInspect, Model):
    weights_on_screen = False   # its table is drawn on the grid, no weights heatmap
    name = "qlearn"
    summary = "an agent learns a table of Q(s, a) by acting: ε-greedy, the TD target, the TD error spreading back"
    datasets = ("gridworld", "cliff")
    kinds = ("environment",)
    default_epochs = 30
    metrics = METRICS
    learning_rule = "temporal differences: Q(s, a) moves towards r + γ·max Q(s′, ·) (SARSA: r + γ·Q(s′, a′))"
    formulas = FORMULAS
    saved = Model.saved + ("Q", "env_state", "counters", "sums", "index")
    options = (
        opt.choice("dataset", "gridworld", "the environment: a 4×5 gridworld (walls, a goal +1, a pit −1), or "
                   "Sutton and Barto's 4×12 cliff walk", datasets),
        opt.integer("seed", 0, "seeds every ε-greedy draw (step k draws from (seed, k))"),
        opt.choice("rule", "q", "q: Q-learning's target r + γ·max Q(s′, ·) (off-policy); sarsa: r + γ·Q(s′, a′) "
                   "with the next action really taken (on-policy)", tuple(RULES), live=True),
        opt.real("lr", 0.5, "α, how far Q(s, a) moves towards the target", low=0.0, low_open=True, high=1.0, live=True),
        opt.real("gamma", 0.9, "γ, the discount of the next state's value", high=1.0, live=True),
        opt.real("epsilon", 0.1, "ε, the chance of a random action instead of the greedy one", high=1.0, live=True),
        opt.integer("steps_per_epoch", 200, "environment steps an epoch (episodes run on across epochs)",
                    low=1, high=10**7),
        opt.real("q_init", 0.0, "every Q value's start (above the returns: optimistic, exploring)",
                 low=-1000.0, high=1000.0),
        reward_option("step_reward", "the reward of every step (default: the environment's)"),
        reward_option("goal_reward", "added on reaching the goal (default: the environment's)"),
        reward_option("pit_reward", "added on falling into the pit or the cliff (default: the environment's)"),
        opt.backend(),
    )
    warm_up_configs = ({}, {"rule": "sarsa"})
    warm_up_size = {"steps_per_epoch": 20}

    def __init__(self, config, data):
        super().__init__(config, data)
        env = data.environment
        if env is None or env.code != env_kernels.GRID:
            raise UserError(f"qlearn acts in a gridworld: dataset= one of {', '.join(self.datasets)}")
        self.env = env
        self.ops = self.kernels.scalar(kernel)            # the scalar kernels stepping calls one at a time
        self.env_ops = self.kernels.scalar(env_kernels)
        self.layout = np.ascontiguousarray(env.layout, np.int64)
        self.rows, self.cols = env.rows, env.cols
        self.actions = len(env.actions)
        self.Q = np.full((self.rows * self.cols, self.actions), float(config["q_init"]))   # (cells, actions)
        self.env_state = np.zeros(env_kernels.STATE)
        self.counters = np.zeros(6, np.int64)
        self.counters[PENDING] = -1
        self.sums = np.zeros(3)
        self.env_ops.reset(env.code, self.layout, self.env_params(), int(config["seed"]), 0, self.env_state)
        self.index = 0   # steps done in this epoch

    # --- parameters -----------------------------------------------------------------------------
    @property
    def params(self):
        """The table as (rows, cols, actions), a view of Q (cells, actions): q[r, c, a] is the cell's Q(s, a)."""
        return {"q": self.Q.reshape(self.rows, self.cols, self.actions)}

    def env_params(self) -> np.ndarray:
        """The environment's params as the kernels take them, with the learner's rewards in place."""
        params = self.env.params.copy()
        for name in REWARDS:
            if self.config.get(name) is not None:
                params[self.env.param_names.index(name)] = float(self.config[name])
        return params

    def rule(self) -> int:
        return RULES[self.config["rule"]]

    def counters_episode(self) -> int:
        """Episodes finished so far (the one in progress is the next)."""
        return int(self.counters[EPISODE])

    def cell_path(self, s: int) -> str:
        return f"qlearn.cell[{s // self.cols},{s % self.cols}]"

    def cell_at(self, s: int) -> tuple[int, int]:
        return int(s) // self.cols, int(s) % self.cols

    def _hyper(self) -> tuple:
        c = self.config
        return (int(c["seed"]), self.rule(), float(c["lr"]), float(c["gamma"]), float(c["epsilon"]))

    # --- the event stream -------------------------------------------------------------------------
    def epoch_done(self):
        return self.index == self.config["steps_per_epoch"]

    def advance(self, event):
        self.index += 1   # every unit is one environment step with its update

    def unit(self, detail):
        return self._compiled_step() if detail >= Level.SAMPLE else self._step_events()

    def _compiled_step(self):
        seed, rule, alpha, gamma, epsilon = self._hyper()
        record = np.zeros(RECORD)
        before = self._episode()
        self.kernels.qlearn.train_step(self.Q, self.env.code, self.layout, self.env_params(), seed, rule, alpha,
                                       gamma, epsilon, self.env_state, self.counters, self.sums, record)
        yield self._step_done(record, before)

    def _episode(self) -> tuple[int, int]:
        """(the episode in progress, its steps so far): what a step's summary says when it ends it."""
        return int(self.counters[EPISODE]), int(self.counters[LENGTH])

    def _draw_events(self, k: int, s: int, epsilon: float):
        """Step k's draws and the ε-greedy choice at cell s: (events, the action)."""
        u, random_action = draws(self.config["seed"], k, self.actions)
        explore = bool(u < epsilon)
        yield Event(Op.DRAW, FORWARD, "qlearn.policy", {
            "step": k, "u": float(u), "epsilon": epsilon, "explore": explore, "random_action": random_action})
        a = int(self.ops.choose(self.Q, s, u, random_action, epsilon))
        yield Event(Op.CHOOSE, FORWARD, self.cell_path(s), {
            "state": s, "cell": self.cell_at(s), "q_values": tuple(self.Q[s].tolist()), "explore": explore,
            "greedy": int(self.ops.greedy(self.Q, s, random_action)), "action": a})
        return a, explore

    def _step_events(self):
        """One environment step with its update, op by op, through the kernels' scalar functions."""
        seed, rule, alpha, gamma, epsilon = self._hyper()
        code, params, Q, counters = self.env.code, self.env_params(), self.Q, self.counters
        before = self._episode()
        k, s, a = int(counters[K]), int(self.env_ops.cell(self.env_state)), int(counters[PENDING])
        explored = False
        if a < 0:
            a, explored = yield from self._draw_events(k, s, epsilon)
        reward, status = self.env_ops.step(code, self.layout, params, self.env_state, a)
        reward, status = float(reward), int(status)
        s_next = int(self.env_ops.cell(self.env_state))
        yield Event(Op.MOVE, FORWARD, self.cell_path(s), {
            "state": s, "cell": self.cell_at(s), "action": a, "reward": reward, "next_state": s_next,
            "next_cell": self.cell_at(s_next), "status": STATUS[status]}, closes=Level.LAYER)
        next_a, next_value = -1, 0.0
        if status != env_kernels.TERMINAL:
            if rule == SARSA:
                next_a, _ = yield from self._draw_events(k + 1, s_next, epsilon)
                next_value = float(Q[s_next, next_a])
            else:
                next_value = float(self.ops.best_value(Q, s_next))
        tgt = float(self.ops.target(reward, gamma, next_value, status))
        path = f"qlearn.q[{s},{a}]"
        yield Event(Op.TARGET, LOSS, path, {
            "rule": self.config["rule"], "reward": reward, "gamma": gamma, "next_action": next_a,
            "next_value": next_value, "status": STATUS[status], "target": tgt})
        old = float(Q[s, a])
        delta, new = self.ops.update(old, alpha, tgt)
        yield Event(Op.TD_ERROR, LOSS, path, {"target": tgt, "old": old, "delta": float(delta)})
        Q[s, a] = new
        yield Event(Op.UPDATE, UPDATE, path, {
            "state": s, "action": a, "old": old, "alpha": alpha, "delta": float(delta), "new": float(new)},
            closes=Level.LAYER)
        # the carried sums and counters, as the compiled step keeps them (the same additions)
        self.sums[ABS_TD] += abs(delta)
        self.sums[RETURN] += reward
        counters[LENGTH] += 1
        counters[K] = k + 1
        counters[PENDING] = next_a if status == env_kernels.RUNNING else -1
        record = (s, a, explored, reward, status, s_next, next_a, next_value, tgt, old, delta, new, self.sums[RETURN])
        if status != env_kernels.RUNNING:
            self.ops.end_episode(code, self.layout, params, seed, self.env_state, counters, self.sums)
        yield self._step_done(np.array(record, float), before)

    def _step_done(self, record: np.ndarray, before: tuple[int, int]) -> Event:
        """The step's summary; where it ended the episode it closes a batch (an episode)."""
        self.steps += 1
        s, a, s_next = int(record[kernel.S]), int(record[kernel.A]), int(record[kernel.S_NEXT])
        status = int(record[kernel.STATUS])
        values = {"step": int(self.counters[K]) - 1, "state": s, "cell": self.cell_at(s), "action": a,
                  "explored": bool(record[kernel.EXPLORED]), "reward": float(record[kernel.REWARD]),
                  "status": STATUS[status], "next_state": s_next, "next_cell": self.cell_at(s_next),
                  "target": float(record[kernel.TARGET]), "old": float(record[kernel.OLD_Q]),
                  "delta": float(record[kernel.DELTA]), "new": float(record[kernel.NEW_Q])}
        ended = status != env_kernels.RUNNING
        if ended:
            values.update(episode=before[0] + 1, episode_return=float(record[kernel.EPISODE_RETURN]),
                          episode_length=before[1] + 1)
        return Event(Op.STEP, UPDATE, f"qlearn.q[{s},{a}]", values, level=Level.SAMPLE,
                     closes=Level.BATCH if ended else Level.SAMPLE)

    def end_epoch(self):
        greedy, greedy_steps = self.greedy_run()
        self._record(self.sums[RETURNS], self.counters[LENGTHS], self.counters[FINISHED], self.sums[ABS_TD],
                     greedy, greedy_steps, self.config["steps_per_epoch"])
        self.sums[RETURNS] = self.sums[ABS_TD] = 0.0
        self.counters[LENGTHS] = self.counters[FINISHED] = 0
        self.index = 0
        return Event(Op.EPOCH, EVALUATE, "qlearn", self.history[-1], level=Level.EPOCH, closes=Level.EPOCH)

    def _record(self, returns, lengths, finished, abs_td, greedy, greedy_steps, steps):
        """Record an epoch's metrics from its sums (both paths divide the same sums the same way)."""
        self.epoch += 1
        entry = {"greedy_return": float(greedy), "greedy_length": int(greedy_steps), "episodes": int(finished),
                 "abs_td_error": float(abs_td) / steps}
        if finished:
            entry.update(mean_return=float(returns) / int(finished), mean_length=float(lengths) / int(finished))
        self.record(entry)

    # --- whole-run helpers --------------------------------------------------------------------------
    def train_fused(self, epochs, every=1):
        assert self.index == 0, "train_fused starts at an epoch boundary"
        seed, rule, alpha, gamma, epsilon = self._hyper()
        steps = int(self.config["steps_per_epoch"])
        done = 0
        while done < epochs and not chunked.requested.is_set():   # a stop: between two calls
            n = min(epochs - done, FUSED_CHUNK, max(1, 10**6 // steps))
            metrics = np.zeros((n, kernel.METRICS))
            self.kernels.qlearn.train_epochs(self.Q, self.env.code, self.layout, self.env_params(), seed, rule, alpha,
                                             gamma, epsilon, steps, self.env_state, self.counters, self.sums, metrics)
            for row in metrics:
                self.steps += steps
                self._record(*row, steps)
            done += n
        return done

    def greedy_run(self, cells: int = 0) -> tuple[float, int]:
        """(return, steps) of one episode from the start acting greedily on Q (no exploration, no
        learning; ties to the lowest action: up, right, down, left)."""
        total, steps = self.kernels_now().qlearn.greedy_return(
            self.Q, self.env.code, self.layout, self.env_params(), int(self.config["seed"]), np.zeros(cells, np.int64))
        return float(total), int(steps)

    def greedy_path(self) -> np.ndarray:
        """The cells the greedy policy's episode visits from the start (at most the step cap + 1)."""
        cells = np.full(int(self.env_params()[env_kernels.GRID_MAX]) + 1, -1, np.int64)
        _, steps = self.kernels_now().qlearn.greedy_return(
            self.Q, self.env.code, self.layout, self.env_params(), int(self.config["seed"]), cells)
        return cells[:min(steps + 1, len(cells))]

    def return_range(self) -> tuple[float, float]:
        """The returns an episode can have, for a chart's range: from the step cap's worth of steps
        ending in the pit, to the goal reached in one step (returns can be negative: a chart from 0 up
        would hide the cliff's)."""
        step, goal, pit, cap = (float(v) for v in self.env_params())
        return min(0.0, step * cap + min(pit, 0.0)), max(0.0, step + goal)

    def evaluate(self):
        total, steps = self.greedy_run()
        return {"greedy_return": total, "greedy_length": steps}

    def exercise(self):
        """The evaluation, the greedy path the picture draws, and the scalar kernel stepping calls only
        where an episode ends (on scratch copies): compiled by the warm-up, not at the first episode's end."""
        self.evaluate()
        self.greedy_path()
        state, counters, sums = self.env_state.copy(), self.counters.copy(), self.sums.copy()
        self.ops.end_episode(self.env.code, self.layout, self.env_params(), int(self.config["seed"]), state, counters,
                             sums)

    def epoch_progress(self):
        return self.index, self.config["steps_per_epoch"]   # one update a step

    def batch_rows(self):
        return np.zeros(0, np.int64)   # an agent's data is its experience, not rows of a set

    def order(self, epoch):
        raise UserError("qlearn has no sample order: its data is its own experience, step by step")

    # --- the API: what the table says of observations -------------------------------------------------
    def cells_of(self, X, what: str = "observations") -> np.ndarray:
        """The cell of each observation (a one-hot row, as the environment's observe gives), or a
        UserError in one line."""
        X = self.check_inputs(X, what)
        hot = (X == 1.0).sum(axis=1) == 1
        if not np.all(hot & ((X == 0.0) | (X == 1.0)).all(axis=1)):
            raise UserError(f"{what} must be one-hot rows (a single 1 marking the cell), as the environment observes")
        return X.argmax(axis=1)

    def q_values(self, X) -> np.ndarray:
        """(N, actions): Q(s, ·) of each observation's cell."""
        return self.Q[self.cells_of(X)].copy()

    def predict(self, X):
        """The greedy action of each observation's cell (0 up, 1 right, 2 down, 3 left; ties to the lowest)."""
        return np.array([self.ops.greedy(self.Q, int(s), 0) for s in self.cells_of(X)], np.int64)

    # --- what a configuration costs (before it is built) ---------------------------------------------
    # Calibrated on the 2-core development machine: a compiled step (its draws seeded afresh, the
    # environment's step, the update) takes about 0.2 µs; stepping runs ~20,000 events a second.
    STEP_SECONDS = 2e-7
    EVENT_SECONDS = 1 / 20_000

    @classmethod
    def estimate(cls, config, data, history):
        env = data.environment
        steps = int(config["steps_per_epoch"])
        cells, actions = env.layout.size, len(env.actions)
        per_step = 9   # draw, choice, move, (SARSA: draw, choice,) target, error, update, summary
        per_epoch = {Level.OP: steps * per_step + 1, Level.LAYER: 2 * steps + 1, Level.SAMPLE: steps + 1,
                     Level.BATCH: steps + 1, Level.EPOCH: 1}
        table = cells * actions * FLOAT
        memory = {"the Q table": table, "rewind history": history_bytes(table + 20 * FLOAT, history),
                  "one step's events, stepped op by op": per_step * EVENT_BYTES}
        max_steps = env.param("max_steps")
        work = (Work(f"{steps:,} environment steps, each with its update", steps * cls.STEP_SECONDS, "steps_per_epoch"),
                Work("the greedy episode measured at the epoch's end", max_steps * cls.STEP_SECONDS, "nothing"))
        return Estimate.of(memory, per_epoch, work, cls.EVENT_SECONDS)
