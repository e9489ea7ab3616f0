"""A deep Q-network (Mnih et al. 2015): an agent that learns by acting in an environment (CartPole, a
gridworld), with a replay buffer, an online Q-network and a target network.

Each environment step: observe s, choose a by ε-greedy on Q(s, ·) (the uniform and the random action
are recorded draws), step the environment to s′ with reward r, push (s, a, r, terminal, s′) into the
replay ring; then (once enough is stored) draw a batch of rows from the replay, compute each TD
target y = r + γ·max Q_target(s′) (r alone at a terminal state; a step cap still bootstraps), and
train the online network on the Huber loss of Q(s, a) − y, backprop through the chosen action's
output only; every `target_every` updates the target network becomes a copy of the online one.

Levels: op = one draw / choice / environment step / push / TD target / update; layer = the acting
half or the learning half of a step; sample = batch = one environment step with its update (one
replay batch's update follows each step); epoch = `steps_per_epoch` environment steps. Episodes run
across epochs (the environment's state carries over). Three paths, one arithmetic: `events(OP)`
(dqn_steps) one piece at a time, `events(BATCH)` a compiled call per step, `train_fused` whole
epochs (dlsim.kernels.dqn.run_steps). Every draw is a function of (seed, step): rewinding is exact.
"""
import math

import numpy as np

from dlsim.errors import UserError
from dlsim.kernels import activations as act
from dlsim.kernels import dqn as K
from dlsim.kernels import Scalar, environments
from dlsim.kernels.environments import STATE
from dlsim.models import chunked, dqn_estimate
from dlsim.models import options as opt
from dlsim.models.ae import AE
from dlsim.models.base import Model
from dlsim.models.dqn_formulas import FORMULAS, METRICS
from dlsim.models.dqn_inspect import DQNInspect
from dlsim.models.dqn_steps import step_events, step_summary
from dlsim.models.flat_parameters import FlatParameters
from dlsim.protocol.events import EVALUATE, Event, Level

class DQN(DQNInspect, FlatParameters, Model):
    name = "dqn"
    summary = "an agent learns Q(s, a) by acting: a replay buffer, a target network, the Huber TD loss"
    datasets = ("cartpole", "gridworld", "cliff")
    kinds = ("environment",)
    default_epochs = 200
    metrics = METRICS
    learning_rule = "temporal-difference learning from replayed transitions (Huber loss on Q(s, a))"
    formulas = FORMULAS
    watched_losses = {"td_loss": "the TD"}   # NaN, ∞ or a tenfold jump (Q values growing is not one)
    saved = Model.saved + ("theta", "target", "grad", "m", "v", "replay", "env_state", "counters", "floats", "recent",
                           "stepping")
    options = (
        opt.choice("dataset", "cartpole", "the environment: CartPole (balance a pole, 200 steps at most), "
                   "a 4×5 gridworld, or the cliff walk", datasets),
        opt.integer("seed", 0, "seeds the initial weights, every ε-greedy draw, every replay batch and CartPole's starts"),
        opt.sizes("hidden", (64, 64), "the Q-network's hidden layer sizes", high=512),
        opt.choice("activation", "relu", "the Q-network's hidden activation", act.HIDDEN),
        *opt.optimizer_options("adam", 0.0005),
        opt.real("gamma", 0.99, "the discount γ of future rewards", high=1.0, live=True),
        opt.real("epsilon_start", 1.0, "ε (the chance of a random action) at the first step", high=1.0, live=True),
        opt.real("epsilon_end", 0.01, "ε after the decay", high=1.0, live=True),
        opt.integer("epsilon_decay", 10_000, "environment steps over which ε falls linearly (0: ε_end at once)",
                    high=10**9, live=True),
        opt.integer("replay", 10_000, "the replay buffer's capacity (transitions; the oldest goes first)",
                    low=1, high=10**7),
        opt.integer("replay_batch", 32, "transitions drawn from the replay per update", low=1, high=4096),
        opt.integer("learn_start", 1_000, "environment steps taken before the first update", high=10**9),
        opt.integer("train_every", 1, "environment steps per update", low=1, high=10**6),
        opt.integer("target_every", 500, "updates between copies to the target network (0: no target network, "
                    "targets from the online network itself)", high=10**9),
        opt.real("huber", 1.0, "the Huber loss's κ: quadratic within ±κ, linear beyond", low=0.0, low_open=True,
                 high=1e6),
        opt.integer("steps_per_epoch", 1_000, "environment steps per epoch", low=1, high=10**8),
        opt.real("solved", 0.0, "stop once the mean return of the last 100 episodes reaches this (0: never; "
                 "CartPole counts as solved above 195)", low=-1e9, high=1e9, live=True),
        opt.backend(),
    )
    warm_up_configs = ({}, {"dataset": "gridworld", "optimizer": "sgd", "activation": "tanh", "target_every": 0},
                       {"optimizer": "momentum"})
    warm_up_size = {"hidden": (3,), "replay": 16, "replay_batch": 4, "learn_start": 4, "steps_per_epoch": 8}

    def __init__(self, config, data):
        super().__init__(config, data)
        self.environment = env = data.environment
        if env is None:
            raise UserError(f"dqn acts in an environment ({', '.join(self.datasets)}), not in {data.name}")
        c = self.config
        if c["learn_start"] < c["replay_batch"] or c["replay"] < c["replay_batch"]:
            raise UserError(f"option 'replay_batch': {c['replay_batch']} transitions need learn_start and replay of at least "
                            f"{c['replay_batch']} (got {c['learn_start']} and {c['replay']})")
        # the functions the stepped path calls one at a time (Scalar: code, shared by a deep copy); the
        # environment steps on the CPU on every backend but numpy (the GPU runs only the networks' passes)
        self.ops = Scalar(self.kernels.dqn)
        self.env_ops = self.kernels.scalar(environments)
        self.sizes = np.array((env.observation, *c["hidden"], len(env.actions)), np.int64)
        self.acts = np.array([act.CODES[c["activation"]]] * len(c["hidden"]) + [act.LINEAR], np.int64)
        self.tied = False   # (the autoencoder's initial weights ask)
        self.hold(AE._initial_weights(self, np.random.default_rng([c["seed"], 1])))
        self.target = self.theta.copy()
        self.replay = np.zeros((c["replay"], 2 * env.observation + 3))   # rows [s, a, r, terminal, s′]
        self.counters = np.zeros(K.COUNTERS, np.int64)
        self.floats = np.zeros(K.FLOATS)
        self.recent = np.zeros(K.RECENT)
        self.env_state = np.zeros(STATE)
        self.stepping = None   # the env step in hand while one is stepped op by op (its counter moves mid-way)
        self.params_env = env.params.copy()
        self.env_ops.reset(env.code, env.layout, self.params_env, c["seed"], 0, self.env_state)

    # --- parameters ---------------------------------------------------------------------------------
    layers = AE.layers
    _named = AE._named
    _parameter_count = AE._parameter_count

    def hyper(self) -> np.ndarray:
        c = self.config
        return np.array([c["gamma"], c["epsilon_start"], c["epsilon_end"], c["epsilon_decay"], c["learn_start"],
                         c["train_every"], c["target_every"], c["replay_batch"], c["huber"]], np.float64)

    # --- the API: Q values, the loss and its gradients ------------------------------------------------
    def q_values(self, X, kernels=None) -> np.ndarray:
        """Q(s, ·) (N, actions) of each observation (N, observation) by the online network."""
        X = self.check_inputs(X, "observations")
        out = np.empty((len(X), int(self.sizes[-1])))
        (kernels or self.kernels).dqn.q_values(self.theta, self.sizes, self.acts, X, out)
        return out

    def predict(self, X):
        """The greedy action of each observation."""
        return self.q_values(X).argmax(axis=1)

    def check_actions(self, actions, n) -> np.ndarray:
        a = np.asarray(actions)
        if a.shape != (n,) or not np.all(np.isin(a, np.arange(int(self.sizes[-1])))):
            raise UserError(f"actions must be {n} action numbers 0..{int(self.sizes[-1]) - 1}")
        return a.astype(np.int64)

    def gradients(self, X, Y=None, actions=None):
        """(mean Huber loss of Q(s, a) − y, {name: ∂L/∂param}) on observations X (N, observation),
        chosen actions (N,) and TD targets Y (N,); the targets are constants (the semi-gradient DQN
        takes). Nothing changes."""
        X = self.check_inputs(X, "observations")
        a = self.check_actions(actions, len(X))
        y = np.asarray(Y, np.float64)
        if y.shape != (len(X),) or not np.all(np.isfinite(y)):
            raise UserError(f"targets Y must be {len(X)} finite numbers")
        grad = np.zeros_like(self.theta)
        loss = self.kernels.dqn.huber_gradients(self.theta, grad, self.sizes, self.acts, X, a,
                                                np.ascontiguousarray(y), float(self.config["huber"]),
                                                np.empty(len(X)), np.empty(len(X)))
        return float(loss), self._named(grad)

    def evaluate(self):
        """The greedy policy's return from a fixed start (no exploration), and the mean return of
        the last 100 episodes (a CartPole is solved above 195; None before 100 have finished)."""
        env = self.environment
        total, length = self.kernels.dqn.greedy_return(env.code, env.layout, self.params_env, self.config["seed"],
                                                       self.theta, self.sizes, self.acts, K.EVAL_EPISODE,
                                                       int(env.param("max_steps")))
        return {"greedy_return": float(total), "greedy_length": int(length), "mean100": self.mean100()}

    # --- the cursor: steps of this epoch ----------------------------------------------------------------
    def epoch_progress(self):
        done = int(self.counters[K.ENV_STEPS]) if self.stepping is None else self.stepping
        return done - self.epoch * self.config["steps_per_epoch"], self.config["steps_per_epoch"]

    def epoch_done(self):
        done, total = self.epoch_progress()
        return done >= total

    def batch_rows(self):
        return np.zeros(0, np.int64)   # an agent's data is its own transitions, not rows of data

    def unit(self, detail):
        if detail >= Level.BATCH:
            return (self._compiled_step(),)
        return step_events(self)

    def advance(self, event):
        pass   # the step counter moves with the arithmetic (counters[ENV_STEPS])

    def _compiled_step(self):
        before = self.snapshot_summary()
        self.run(1)
        return step_summary(self, before)

    def run_batches(self, count: int) -> None:
        """The epoch's next `count` environment steps in one compiled call (models/chunked)."""
        self.run(count)

    def snapshot_summary(self) -> tuple:
        return int(self.counters[K.ENV_STEPS]), int(self.counters[K.UPDATES]), int(self.counters[K.FINISHED])

    def run(self, count: int) -> None:
        env = self.environment
        self.kernels.dqn.run_steps(env.code, env.layout, self.params_env, self.config["seed"], self.theta,
                                   self.target, self.grad, self.m, self.v, self.sizes, self.acts,
                                   *self.optimizer_settings(), self.hyper(), self.replay, self.env_state,
                                   self.counters, self.floats, self.recent, count)
        self.steps = int(self.counters[K.UPDATES])

    def end_epoch(self):
        c, f = self.counters, self.floats
        episodes, updates = int(c[K.EP_DONE]), int(c[K.EPOCH_UPDATES])
        entry = {"episodes": episodes,
                 "return": float(f[K.RETURN_SUM] / episodes) if episodes else None,
                 "length": float(f[K.LENGTH_SUM] / episodes) if episodes else None,
                 "td_loss": float(f[K.LOSS_SUM] / updates) if updates else None,
                 "epsilon": float(self.ops.epsilon_at(self.hyper(), int(c[K.ENV_STEPS])))}
        c[K.EP_DONE] = c[K.EPOCH_UPDATES] = 0
        f[K.RETURN_SUM] = f[K.LENGTH_SUM] = f[K.LOSS_SUM] = 0.0
        self.epoch += 1
        self.record({**entry, **self.evaluate()})
        return Event("epoch", EVALUATE, self.name, self.history[-1], level=Level.EPOCH, closes=Level.EPOCH)

    def converged(self):
        """Solved: the last 100 episodes' mean return reached the `solved` option (if set)."""
        mean = self.mean100()
        return bool(self.config["solved"]) and mean is not None and mean >= self.config["solved"]

    def can_converge(self):
        """Only with a `solved` return set (otherwise a run goes on until paused)."""
        return bool(self.config["solved"])

    converged_message = "solved: the mean return of the last 100 episodes reached the 'solved' option"

    def not_converging(self, epochs):
        return f"stopped: {epochs:,} epochs without the mean return of 100 episodes reaching {self.config['solved']:g}"

    def outcome(self):
        if self.converged():
            return (f"solved after {int(self.counters[K.ENV_STEPS]):,} environment steps: the last 100 episodes' "
                    f"mean return is {self.mean100():.2f}")
        return None

    def mean100(self) -> float | None:
        """The mean return of the last 100 finished episodes (None before 100 have finished)."""
        if self.counters[K.FINISHED] < K.RECENT:
            return None
        return float(self.recent.mean())

    # --- the fused path -----------------------------------------------------------------------------
    def train_fused(self, epochs, every=1):
        return chunked.fused(self, epochs, lambda n: self._train_fused(n))

    def _train_fused(self, epochs):
        assert self.epoch_progress()[0] == 0, "train_fused starts at an epoch boundary"
        done = 0
        while done < epochs and not chunked.requested.is_set():
            self.run(self.config["steps_per_epoch"])
            self.end_epoch()
            done += 1
            loss = self.history[-1]["td_loss"]
            if loss is not None and not math.isfinite(loss) or self.converged():
                break
        return done

    @classmethod
    def estimate(cls, config, data, history):
        return dqn_estimate.estimate(config, data, history)
