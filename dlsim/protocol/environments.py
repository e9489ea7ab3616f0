"""Environments as a data source: what a reinforcement-learning network names with `dataset=`.

Most networks learn from a fixed set of samples; an agent's data comes from its own actions. An
Environment is that source, described here and stepped by `dlsim.kernels.environments` (the same
code on every path: the stepped one, the fused loop, the GPU). A dataset of the `environment` kind
carries one (`Dataset.environment`); its X is the environment's `probe`, the states a value picture
evaluates, so the data-facing parts of the platform (shapes, checks, pictures) work unchanged.

The layouts are drawn as text, as a learner would draw them: S start, G goal, P pit (the cliff), #
wall, . floor.
"""
from dataclasses import dataclass, field

import numpy as np

from dlsim.kernels.environments import CARTPOLE, FLOOR, GOAL, GRID, PIT, START, WALL

GLYPHS = {".": FLOOR, "#": WALL, "G": GOAL, "P": PIT, "S": START}
GRID_PARAMS = ("step_reward", "goal_reward", "pit_reward", "max_steps")
POLE_PARAMS = ("gravity", "cart_mass", "pole_mass", "half_length", "force", "tau", "x_limit",
               "theta_limit", "max_steps")
PROBE_SIDE = 21   # CartPole's value plane: a PROBE_SIDE × PROBE_SIDE grid of (θ, θ̇)
PROBE_THETA, PROBE_THETA_DOT = 0.21, 2.0   # its half-extents (rad, rad/s): the pole's fall limit and a fast swing


@dataclass(frozen=True)
class Environment:
    name: str
    code: int                    # which branch of the environment kernels steps it
    title: str                   # one line on what it is
    actions: tuple[str, ...]     # the action names, by index
    observation: int             # the length of what the agent sees
    param_names: tuple[str, ...]
    params: np.ndarray = field(repr=False)   # float64, the kernels' params in param_names' order
    layout: np.ndarray = field(repr=False, default_factory=lambda: np.zeros((0, 0), np.int64))

    def __post_init__(self):   # one description shared by every model: a model copies what it changes
        self.params.flags.writeable = False
        self.layout.flags.writeable = False

    @property
    def rows(self) -> int:
        return self.layout.shape[0]

    @property
    def cols(self) -> int:
        return self.layout.shape[1]

    def param(self, name: str) -> float:
        return float(self.params[self.param_names.index(name)])

    @property
    def probe(self) -> np.ndarray:
        """(N, observation): the states a value picture evaluates. A gridworld: every cell's
        observation (walls included, row by row); CartPole: a grid of (θ, θ̇) with the cart at rest
        in the middle, θ across and θ̇ down."""
        if self.code == GRID:
            return np.eye(self.rows * self.cols)
        theta = np.linspace(-PROBE_THETA, PROBE_THETA, PROBE_SIDE)
        theta_dot = np.linspace(PROBE_THETA_DOT, -PROBE_THETA_DOT, PROBE_SIDE)
        t, td = np.meshgrid(theta, theta_dot)
        return np.stack([np.zeros(t.size), np.zeros(t.size), t.ravel(), td.ravel()], axis=1)


def gridworld(name: str, title: str, drawing: str, step: float, goal: float, pit: float,
              max_steps: int) -> Environment:
    rows = [line.split() for line in drawing.strip().splitlines()]
    layout = np.array([[GLYPHS[g] for g in row] for row in rows], np.int64)
    return Environment(name, GRID, title, ("up", "right", "down", "left"), layout.size, GRID_PARAMS,
                       np.array([step, goal, pit, max_steps], float), layout)


GRIDWORLD = gridworld("gridworld", "a 4×5 grid: walls, a goal (+1), a pit (−1), −0.01 a step", """
    . . . . G
    . # . # P
    . # . . .
    S . . # .
""", step=-0.01, goal=1.0, pit=-1.0, max_steps=100)

CLIFF = gridworld("cliff", "Sutton and Barto's cliff walk: −1 a step, −100 and the end for the cliff", """
    . . . . . . . . . . . .
    . . . . . . . . . . . .
    . . . . . . . . . . . .
    S P P P P P P P P P P G
""", step=-1.0, goal=0.0, pit=-100.0, max_steps=200)

CARTPOLE_ENV = Environment(
    "cartpole", CARTPOLE, "a pole on a cart: +1 a step while it stands (|θ| ≤ 12°, |x| ≤ 2.4), 200 at most",
    ("left", "right"), 4, POLE_PARAMS,
    np.array([9.8, 1.0, 0.1, 0.5, 10.0, 0.02, 2.4, 12 * 2 * np.pi / 360, 200.0]))

ENVIRONMENTS = {env.name: env for env in (GRIDWORLD, CLIFF, CARTPOLE_ENV)}
