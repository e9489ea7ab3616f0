"""The environments in plain Python and NumPy: the reference for `environments.py` (same names,
same signatures, same bits: the tests compare them step by step)."""
import math

import numpy as np

from dlsim.kernels.environments import (CART_MASS, CARTPOLE, FLOOR, FORCE, GOAL, GOAL_REWARD,  # noqa: F401
                                        GRAVITY, GRID, GRID_MAX, HALF_LENGTH, MOVES, PIT, PIT_REWARD,
                                        POLE_MASS, POLE_MAX, RESET_SALT, RUNNING, START, STATE,
                                        STEP_REWARD, TAU, TERMINAL, THETA_LIMIT, TRUNCATED, WALL,
                                        X_LIMIT)


def cell(state) -> int:
    return int(state[0])


def reset(code, layout, params, seed, episode, state) -> None:
    state[:] = 0.0
    if code == GRID:
        (r,), (c,) = np.nonzero(layout == START)
        state[0] = r * layout.shape[1] + c
    else:
        state[:4] = np.random.default_rng([seed, episode, RESET_SALT]).uniform(-0.05, 0.05, 4)


def step(code, layout, params, state, action) -> tuple[float, int]:
    if code == GRID:
        rows, cols = layout.shape
        here = int(state[0])
        r, c = here // cols + MOVES[action][0], here % cols + MOVES[action][1]
        if not (0 <= r < rows and 0 <= c < cols) or layout[r, c] == WALL:
            r, c = here // cols, here % cols
        state[0] = r * cols + c
        state[1] += 1.0
        reward = float(params[STEP_REWARD])
        if layout[r, c] in (GOAL, PIT):
            return reward + float(params[GOAL_REWARD if layout[r, c] == GOAL else PIT_REWARD]), TERMINAL
        return reward, TRUNCATED if state[1] >= params[GRID_MAX] else RUNNING
    x, x_dot, theta, theta_dot = (float(v) for v in state[:4])
    p = [float(v) for v in params]
    force = p[FORCE] if action == 1 else -p[FORCE]
    total = p[CART_MASS] + p[POLE_MASS]
    pole_moment = p[POLE_MASS] * p[HALF_LENGTH]
    cos_t, sin_t = math.cos(theta), math.sin(theta)
    temp = (force + pole_moment * theta_dot * theta_dot * sin_t) / total
    theta_acc = (p[GRAVITY] * sin_t - cos_t * temp) / (p[HALF_LENGTH] * (4.0 / 3.0 - p[POLE_MASS] * cos_t * cos_t / total))
    x_acc = temp - pole_moment * theta_acc * cos_t / total
    state[:4] = (x + p[TAU] * x_dot, x_dot + p[TAU] * x_acc, theta + p[TAU] * theta_dot, theta_dot + p[TAU] * theta_acc)
    state[4] += 1.0
    if abs(state[0]) > p[X_LIMIT] or abs(state[2]) > p[THETA_LIMIT]:
        return 1.0, TERMINAL
    return 1.0, TRUNCATED if state[4] >= p[POLE_MAX] else RUNNING


def observe(code, layout, state, out) -> None:
    if code == GRID:
        out[:] = 0.0
        out[int(state[0])] = 1.0
    else:
        out[:4] = state[:4]
