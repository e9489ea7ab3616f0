"""Tabular Q-learning and SARSA on the GPU: dlsim.kernels.qlearn's signatures, with the fused epochs'
steps on the device. A step reads and writes one table entry and the next step needs it, so there is
nothing to spread over threads: one thread runs an epoch's steps in order, with the CPU's own
formulas compiled for the device (gpu.device: the ε-greedy choice, the TD target, the update, the
gridworld's step and start), so the table stays on the device for the epoch instead of crossing the
bus every step. Each step's draws (u and the random action) are made on the CPU by the CPU's own
kernel (qlearn.step_draws, the same numbers), an epoch at a time; between epochs the table comes
back and the greedy evaluation runs on the CPU. The stepped path and the pictures run on the CPU.
It exists for the platform's promise that every network's fused path runs on `--backend cuda`; a
gridworld's table of a few hundred numbers is faster on the CPU (dlsim bench qlearn).
"""
import numpy as np

from dlsim.kernels import environments as env
from dlsim.kernels import gpu
from dlsim.kernels.qlearn import (ABS_TD, EPISODE, FINISHED, K, LENGTH, LENGTHS, M_ABS_TD, M_FINISHED,  # noqa: F401
                                  M_GREEDY, M_GREEDY_LENGTH, M_LENGTHS, M_RETURNS, METRICS, PENDING, RECORD,
                                  RETURN, RETURNS, RULES, SALT, SARSA, Q_LEARNING, best_value, choose, draws,
                                  end_episode, greedy, greedy_return, step_draws, target, train_step, update)

cuda = gpu.cuda()   # (a one-line error where no GPU and no simulator can be used)
_choose, _best_value = gpu.device(choose), gpu.device(best_value)
_target, _update = gpu.device(target), gpu.device(update)
_grid_step, _grid_reset = gpu.device(env.grid_step), gpu.device(env.grid_reset)


@cuda.jit
def _epoch(Q, layout, params, rule, alpha, gamma, epsilon, u, random_action, state, counters, sums):
    """len(u) − 1 steps from counters[K] (one thread): qlearn._step's order, draws read from u and
    random_action (index: the step's number − the first step's; one more for SARSA's a′)."""
    first = counters[K]
    for _ in range(u.shape[0] - 1):
        k = counters[K]
        s = np.int64(state[0])
        a = counters[PENDING]
        if a < 0:
            a = _choose(Q, s, u[k - first], random_action[k - first], epsilon)
        reward, status = _grid_step(layout, params, state, a)
        s_next = np.int64(state[0])
        next_a = -1
        next_value = 0.0
        if status != env.TERMINAL:
            if rule == SARSA:
                next_a = _choose(Q, s_next, u[k + 1 - first], random_action[k + 1 - first], epsilon)
                next_value = Q[s_next, next_a]
            else:
                next_value = _best_value(Q, s_next)
        delta, Q[s, a] = _update(Q[s, a], alpha, _target(reward, gamma, next_value, status))
        sums[ABS_TD] += abs(delta)
        sums[RETURN] += reward
        counters[LENGTH] += 1
        counters[K] = k + 1
        counters[PENDING] = next_a if status == env.RUNNING else -1
        if status != env.RUNNING:   # qlearn.end_episode, on a gridworld
            sums[RETURNS] += sums[RETURN]
            counters[LENGTHS] += counters[LENGTH]
            counters[FINISHED] += 1
            sums[RETURN] = 0.0
            counters[LENGTH] = 0
            counters[EPISODE] += 1
            _grid_reset(layout, state)


def train_epochs(Q, code, layout, params, seed, rule, alpha, gamma, epsilon, steps, state, counters, sums, metrics):
    """dlsim.kernels.qlearn.train_epochs with each epoch's steps on the device (gridworlds only: the
    only environments qlearn acts in)."""
    if code != env.GRID:
        raise ValueError("qlearn's GPU twin steps gridworlds only")
    device = {name: cuda.to_device(np.ascontiguousarray(a)) for name, a in
              (("Q", Q), ("layout", layout), ("params", params), ("state", state), ("counters", counters),
               ("sums", sums))}
    u, random_action = np.empty(steps + 1), np.empty(steps + 1, np.int64)
    cells = np.zeros(0, np.int64)
    for e in range(metrics.shape[0]):
        step_draws(seed, int(counters[K]), Q.shape[1], u, random_action)
        _epoch[1, 1](device["Q"], device["layout"], device["params"], rule, alpha, gamma, epsilon,
                     cuda.to_device(u), cuda.to_device(random_action), device["state"], device["counters"],
                     device["sums"])
        for name, host in (("Q", Q), ("state", state), ("counters", counters), ("sums", sums)):
            device[name].copy_to_host(host)
        metrics[e, M_RETURNS], metrics[e, M_LENGTHS] = sums[RETURNS], counters[LENGTHS]
        metrics[e, M_FINISHED], metrics[e, M_ABS_TD] = counters[FINISHED], sums[ABS_TD]
        metrics[e, M_GREEDY], metrics[e, M_GREEDY_LENGTH] = greedy_return(Q, code, layout, params, seed, cells)
        sums[RETURNS], sums[ABS_TD] = 0.0, 0.0
        counters[LENGTHS], counters[FINISHED] = 0, 0
        device["sums"].copy_to_device(sums)
        device["counters"].copy_to_device(counters)
