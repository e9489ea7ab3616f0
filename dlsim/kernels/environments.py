"""The environments an agent acts in, compiled: reset, step and observe for a gridworld and CartPole.

An agent's data comes from its own actions, so a reinforcement-learning network's fused path must
step its environment inside the compiled loop: these functions are `@inline` for that, and callable
from Python one step at a time. `environments_reference.py` is the same in plain Python (the tests
compare the two bit for bit).

A state is a float64 vector of STATE numbers, so that a snapshot is a copy of it and rewinding needs
nothing else: gridworld [cell, t, …], CartPole [x, ẋ, θ, θ̇, t, …] (t: steps taken this episode). The
only draw (CartPole's start) comes from default_rng([seed, episode, RESET_SALT]): a function of the
episode's number alone. Which environment runs is a `code` argument rather than one set of functions
each, so that one compiled agent loop serves every environment (adding one adds a branch here).
"""
import math

import numpy as np

from dlsim.kernels import seeded
from dlsim.kernels.jit import inline

GRID, CARTPOLE = 0, 1            # an environment's code
STATE = 6                        # numbers in a state vector
RUNNING, TERMINAL, TRUNCATED = 0, 1, 2   # a step's status: TRUNCATED is the step cap (s′ still has a value)
RESET_SALT = 4099
FLOOR, WALL, GOAL, PIT, START = 0, 1, 2, 3, 4   # a gridworld cell (layout codes)
# gridworld params: step_reward, goal_reward, pit_reward, max_steps
STEP_REWARD, GOAL_REWARD, PIT_REWARD, GRID_MAX = 0, 1, 2, 3
# CartPole params: gravity, cart_mass, pole_mass, half_length, force, tau, x_limit, theta_limit, max_steps
GRAVITY, CART_MASS, POLE_MASS, HALF_LENGTH, FORCE, TAU, X_LIMIT, THETA_LIMIT, POLE_MAX = range(9)
MOVES = ((-1, 0), (0, 1), (1, 0), (0, -1))   # up, right, down, left: (row, col) steps


@inline
def cell(state):
    """The gridworld cell (row·cols + col) a state stands on."""
    return np.int64(state[0])


@inline
def grid_reset(layout, state):
    """A gridworld's start: the START cell, t = 0 (no draw: a GPU twin calls it on the device)."""
    for i in range(STATE):
        state[i] = 0.0
    cols = layout.shape[1]
    for r in range(layout.shape[0]):
        for c in range(cols):
            if layout[r, c] == START:
                state[0] = r * cols + c


@inline
def reset(code, layout, params, seed, episode, state):
    """Write episode `episode`'s start state into `state`."""
    if code == GRID:
        grid_reset(layout, state)
    else:
        for i in range(STATE):
            state[i] = 0.0
        st = np.zeros(seeded.STATE_WORDS, np.uint64)
        seeded.seed(st, seed, episode, RESET_SALT)
        for i in range(4):   # rng.uniform(-0.05, 0.05, 4)
            state[i] = -0.05 + 0.1 * seeded.next_double(st)


@inline
def grid_step(layout, params, state, action):
    """A gridworld's step (see `step`)."""
    rows, cols = layout.shape
    here = np.int64(state[0])
    r, c = here // cols + MOVES[action][0], here % cols + MOVES[action][1]
    if 0 <= r < rows and 0 <= c < cols and layout[r, c] != WALL:
        state[0] = r * cols + c   # a wall or the edge: the agent stays where it is
    else:
        r, c = here // cols, here % cols
    state[1] += 1.0
    reward = params[STEP_REWARD]
    if layout[r, c] == GOAL:
        return reward + params[GOAL_REWARD], TERMINAL
    if layout[r, c] == PIT:
        return reward + params[PIT_REWARD], TERMINAL
    return reward, TRUNCATED if state[1] >= params[GRID_MAX] else RUNNING


@inline
def _pole_step(params, state, action):
    """The classic cart-pole equations (Barto, Sutton and Anderson 1983), one Euler step of τ."""
    x, x_dot, theta, theta_dot = state[0], state[1], state[2], state[3]
    force = params[FORCE] if action == 1 else -params[FORCE]
    total = params[CART_MASS] + params[POLE_MASS]
    pole_moment = params[POLE_MASS] * params[HALF_LENGTH]
    cos_t, sin_t = math.cos(theta), math.sin(theta)
    temp = (force + pole_moment * theta_dot * theta_dot * sin_t) / total
    theta_acc = (params[GRAVITY] * sin_t - cos_t * temp) / (
        params[HALF_LENGTH] * (4.0 / 3.0 - params[POLE_MASS] * cos_t * cos_t / total))
    x_acc = temp - pole_moment * theta_acc * cos_t / total
    tau = params[TAU]
    state[0] = x + tau * x_dot
    state[1] = x_dot + tau * x_acc
    state[2] = theta + tau * theta_dot
    state[3] = theta_dot + tau * theta_acc
    state[4] += 1.0
    if abs(state[0]) > params[X_LIMIT] or abs(state[2]) > params[THETA_LIMIT]:
        return 1.0, TERMINAL
    return 1.0, TRUNCATED if state[4] >= params[POLE_MAX] else RUNNING


@inline
def step(code, layout, params, state, action):
    """Take `action` from `state` (moved in place): (reward, status)."""
    if code == GRID:
        return grid_step(layout, params, state, action)
    return _pole_step(params, state, action)


@inline
def observe(code, layout, state, out):
    """What the agent sees of `state`: a gridworld's one-hot cell, CartPole's four numbers."""
    if code == GRID:
        for i in range(out.shape[0]):
            out[i] = 0.0
        out[np.int64(state[0])] = 1.0
    else:
        for i in range(4):
            out[i] = state[i]
