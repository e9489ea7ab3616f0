"""Tabular Q-learning and SARSA in plain Python and NumPy: the textbook loop, with NumPy's own
generator for the draws (same names and signatures as dlsim.kernels.qlearn; the `numpy` backend runs
the model on these, and the tests compare the compiled kernels with them bit for bit)."""
import numpy as np

from dlsim.kernels import environments_reference as env
from dlsim.kernels.qlearn import (ABS_TD, EPISODE, FINISHED, K, LENGTH, LENGTHS, PENDING, RECORD, RETURN,
                                  RETURNS, SALT, SARSA)


def draws(seed, k, actions, st=None):
    rng = np.random.default_rng([seed, k, SALT])
    u = rng.random()
    return u, int(rng.integers(0, actions))


def greedy(Q, s, start):
    actions = Q.shape[1]
    order = [(start + i) % actions for i in range(actions)]
    return max(order, key=lambda a: (Q[s, a], -order.index(a)))   # the largest; of equals, the first met


def choose(Q, s, u, random_action, epsilon):
    return random_action if u < epsilon else greedy(Q, s, random_action)


def best_value(Q, s):
    return Q[s].max()


def target(reward, gamma, next_value, status):
    return reward if status == env.TERMINAL else reward + gamma * next_value


def update(q, alpha, tgt):
    delta = tgt - q
    return delta, q + alpha * delta


def _step(Q, code, layout, params, seed, rule, alpha, gamma, epsilon, state, counters, sums, out):
    k, s, a = int(counters[K]), env.cell(state), int(counters[PENDING])
    explored = False
    if a < 0:
        u, random_action = draws(seed, k, Q.shape[1])
        a, explored = choose(Q, s, u, random_action, epsilon), u < epsilon
    reward, status = env.step(code, layout, params, state, a)
    s_next, next_a, next_value = env.cell(state), -1, 0.0
    if status != env.TERMINAL:
        if rule == SARSA:
            next_a = choose(Q, s_next, *draws(seed, k + 1, Q.shape[1]), epsilon)
            next_value = Q[s_next, next_a]
        else:
            next_value = best_value(Q, s_next)
    tgt = target(reward, gamma, next_value, status)
    old = Q[s, a]
    delta, Q[s, a] = update(old, alpha, tgt)
    sums[ABS_TD] += abs(delta)
    sums[RETURN] += reward
    counters[LENGTH] += 1
    counters[K] = k + 1
    counters[PENDING] = next_a if status == env.RUNNING else -1
    out[:] = (s, a, explored, reward, status, s_next, next_a, next_value, tgt, old, delta, Q[s, a], sums[RETURN])
    if status != env.RUNNING:
        end_episode(code, layout, params, seed, state, counters, sums)


def end_episode(code, layout, params, seed, state, counters, sums):
    sums[RETURNS] += sums[RETURN]
    counters[LENGTHS] += counters[LENGTH]
    counters[FINISHED] += 1
    sums[RETURN], counters[LENGTH] = 0.0, 0
    counters[EPISODE] += 1
    env.reset(code, layout, params, seed, int(counters[EPISODE]), state)


def train_step(Q, code, layout, params, seed, rule, alpha, gamma, epsilon, state, counters, sums, out):
    _step(Q, code, layout, params, seed, rule, alpha, gamma, epsilon, state, counters, sums, out)


def greedy_return(Q, code, layout, params, seed, cells):
    state = np.zeros(env.STATE)
    env.reset(code, layout, params, seed, 0, state)
    total, steps, status = 0.0, 0, env.RUNNING
    while status == env.RUNNING:
        if steps < len(cells):
            cells[steps] = env.cell(state)
        reward, status = env.step(code, layout, params, state, greedy(Q, env.cell(state), 0))
        total += reward
        steps += 1
    if steps < len(cells):
        cells[steps] = env.cell(state)
    return total, steps


def train_epochs(Q, code, layout, params, seed, rule, alpha, gamma, epsilon, steps, state, counters, sums, metrics):
    out = np.zeros(RECORD)
    for e in range(len(metrics)):
        for _ in range(steps):
            _step(Q, code, layout, params, seed, rule, alpha, gamma, epsilon, state, counters, sums, out)
        greedy_total, greedy_steps = greedy_return(Q, code, layout, params, seed, np.zeros(0, np.int64))
        metrics[e] = (sums[RETURNS], counters[LENGTHS], counters[FINISHED], sums[ABS_TD], greedy_total, greedy_steps)
        sums[RETURNS] = sums[ABS_TD] = 0.0
        counters[LENGTHS] = counters[FINISHED] = 0


def step_draws(seed, first, actions, u, random_action):
    for i in range(len(u)):
        u[i], random_action[i] = draws(seed, first + i, actions)
