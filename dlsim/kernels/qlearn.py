"""Tabular Q-learning and SARSA, compiled: ε-greedy choice, the TD target, the TD error and the update
as scalar @inline kernels the stepped path calls one at a time, and the loops over environment steps
(one step, whole epochs) that inline them, so every path does the very same arithmetic.

A step k draws u (is it exploring?) and a random action from np.random.default_rng([seed, k, SALT])
(.random(), then .integers(0, actions): dlsim.kernels.seeded has the same bits in compiled code), so a
step's draws are a function of its number alone and rewinding needs no generator state. Q-learning
chooses step k's action at its start; SARSA chooses it one step earlier (the a′ of step k − 1's target,
drawn with step k's draws) and keeps it in PENDING. The carried state is three small arrays: the
environment's state vector, `counters` (int64) and `sums` (float64), indexed by the names below.
"""
import numpy as np

from dlsim.kernels import environments as env
from dlsim.kernels import seeded
from dlsim.kernels.jit import glue, inline, kernel

SALT = 43   # the steps' draws, apart from the orders' (17), the AE's (23), the RBM's (29, 31), diffusion's (37)
Q_LEARNING, SARSA = 0, 1
RULES = {"q": Q_LEARNING, "sarsa": SARSA}
# counters: steps taken (k), episodes begun before this one, SARSA's chosen next action (−1: none),
# steps of the episode in progress; this epoch's episodes finished and their steps
K, EPISODE, PENDING, LENGTH, FINISHED, LENGTHS = range(6)
# sums: the return of the episode in progress; this epoch's returns of finished episodes, and its |δ|
RETURN, RETURNS, ABS_TD = range(3)
# a step's record (train_step's `out`): what the compiled sample's event shows
(S, A, EXPLORED, REWARD, STATUS, S_NEXT, NEXT_A, NEXT_VALUE, TARGET, OLD_Q, DELTA, NEW_Q, EPISODE_RETURN,
 RECORD) = range(14)
# an epoch's raw metrics (train_epochs' `metrics` rows)
M_RETURNS, M_LENGTHS, M_FINISHED, M_ABS_TD, M_GREEDY, M_GREEDY_LENGTH, METRICS = range(7)


@inline
def draws(seed, k, actions, st):
    """Step k's (u, random action): default_rng([seed, k, SALT]).random(), then .integers(0, actions)."""
    seeded.seed(st, seed, k, SALT)
    u = seeded.next_double(st)
    return u, np.int64(seeded._lemire32(st, np.uint64(actions - 1)))


@inline
def greedy(Q, s, start):
    """The action of largest Q(s, ·); a tie goes to the first met scanning from action `start` (the
    step's random action: a fair tie-break that costs no draw; the pictures and the greedy return
    scan from 0)."""
    actions = Q.shape[1]
    best = start
    for i in range(1, actions):
        a = (start + i) % actions
        if Q[s, a] > Q[s, best]:
            best = a
    return best


@inline
def choose(Q, s, u, random_action, epsilon):
    """ε-greedy: the random action where u < ε (exploring), else the greedy one."""
    if u < epsilon:
        return random_action
    return greedy(Q, s, random_action)


@inline
def best_value(Q, s):
    """max over a of Q(s, a): Q-learning's bootstrap."""
    best = Q[s, 0]
    for a in range(1, Q.shape[1]):
        if Q[s, a] > best:
            best = Q[s, a]
    return best


@inline
def target(reward, gamma, next_value, status):
    """The TD target: r alone where the episode ended in the world (TERMINAL), else r + γ·next_value
    (a step cap, TRUNCATED, is not the world's end: s′ still has a value)."""
    if status == env.TERMINAL:
        return reward
    return reward + gamma * next_value


@inline
def update(q, alpha, tgt):
    """(δ, the new Q): δ = target − Q(s, a), Q(s, a) ← Q(s, a) + α·δ."""
    delta = tgt - q
    return delta, q + alpha * delta


@inline
def _step(Q, code, layout, params, seed, rule, alpha, gamma, epsilon, state, counters, sums, st, out):
    """One environment step with its update, from the carried state; its record into `out` (RECORD,)."""
    k = counters[K]
    s = env.cell(state)
    a = counters[PENDING]
    explored = 0.0
    if a < 0:
        u, random_action = draws(seed, k, Q.shape[1], st)
        a = choose(Q, s, u, random_action, epsilon)
        explored = 1.0 if u < epsilon else 0.0
    reward, status = env.step(code, layout, params, state, a)
    s_next = env.cell(state)
    next_a = -1
    next_value = 0.0
    if status != env.TERMINAL:
        if rule == SARSA:
            u, random_action = draws(seed, k + 1, Q.shape[1], st)
            next_a = choose(Q, s_next, u, random_action, epsilon)
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
    out[S], out[A], out[EXPLORED], out[REWARD], out[STATUS] = s, a, explored, reward, status
    out[S_NEXT], out[NEXT_A], out[NEXT_VALUE], out[TARGET] = s_next, next_a, next_value, tgt
    out[OLD_Q], out[DELTA], out[NEW_Q], out[EPISODE_RETURN] = old, delta, Q[s, a], sums[RETURN]
    if status != env.RUNNING:
        end_episode(code, layout, params, seed, state, counters, sums)


@inline
def end_episode(code, layout, params, seed, state, counters, sums):
    """Count the finished episode in the epoch's sums and start the next one."""
    sums[RETURNS] += sums[RETURN]
    counters[LENGTHS] += counters[LENGTH]
    counters[FINISHED] += 1
    sums[RETURN] = 0.0
    counters[LENGTH] = 0
    counters[EPISODE] += 1
    env.reset(code, layout, params, seed, counters[EPISODE], state)


@kernel
def _steps(Q, code, layout, params, seed, rule, alpha, gamma, epsilon, state, counters, sums, st, out, count):
    """`count` environment steps with their updates (_step), the last one's record into out.

    train_step and train_epochs both call this loop, so _step is inlined once: inlined into each of
    them it was compiled twice (10 of the 19 s of a first start); a kernel of its own, called once
    a step, it cost 0.05 µs a step."""
    for _ in range(count):
        _step(Q, code, layout, params, seed, rule, alpha, gamma, epsilon, state, counters, sums, st, out)


@glue
def train_step(Q, code, layout, params, seed, rule, alpha, gamma, epsilon, state, counters, sums, out):
    """One environment step with its update (a compiled sample); its record into out (RECORD,)."""
    _steps(Q, code, layout, params, seed, rule, alpha, gamma, epsilon, state, counters, sums,
           np.zeros(seeded.STATE_WORDS, np.uint64), out, 1)


@kernel
def _greedy_run(Q, code, layout, params, seed, cells):
    """(return, steps) of one episode acting greedily (ties to the lowest action) from episode 0's
    start, no exploration and no learning; the cells visited into `cells` (as many as fit)."""
    state = np.zeros(env.STATE)
    env.reset(code, layout, params, seed, 0, state)
    total = 0.0
    steps = 0
    status = env.RUNNING
    while status == env.RUNNING:
        s = env.cell(state)
        if steps < cells.shape[0]:
            cells[steps] = s
        reward, status = env.step(code, layout, params, state, greedy(Q, s, 0))
        total += reward
        steps += 1
    if steps < cells.shape[0]:
        cells[steps] = env.cell(state)
    return total, steps


@glue
def greedy_return(Q, code, layout, params, seed, cells):
    """(return, steps) of the greedy policy's episode from the start (cells: its path, see _greedy_run)."""
    return _greedy_run(Q, code, layout, params, seed, cells)


@kernel
def train_epochs(Q, code, layout, params, seed, rule, alpha, gamma, epsilon, steps, state, counters, sums, metrics):
    """len(metrics) epochs of `steps` environment steps each; metrics (E, METRICS) receives each
    epoch's sums (returns and steps of the episodes finished, their count, Σ|δ|) and its greedy
    return and length, after which the epoch's sums start again from 0."""
    st = np.zeros(seeded.STATE_WORDS, np.uint64)
    out = np.zeros(RECORD)
    cells = np.zeros(0, np.int64)
    for e in range(metrics.shape[0]):
        _steps(Q, code, layout, params, seed, rule, alpha, gamma, epsilon, state, counters, sums, st, out, steps)
        metrics[e, M_RETURNS], metrics[e, M_LENGTHS] = sums[RETURNS], counters[LENGTHS]
        metrics[e, M_FINISHED], metrics[e, M_ABS_TD] = counters[FINISHED], sums[ABS_TD]
        metrics[e, M_GREEDY], metrics[e, M_GREEDY_LENGTH] = _greedy_run(Q, code, layout, params, seed, cells)
        sums[RETURNS], sums[ABS_TD] = 0.0, 0.0
        counters[LENGTHS], counters[FINISHED] = 0, 0


@kernel
def step_draws(seed, first, actions, u, random_action):
    """Steps first … first + len(u) − 1's draws into u and random_action (what a GPU twin reads in
    place of drawing: the same numbers `draws` gives each step)."""
    st = np.zeros(seeded.STATE_WORDS, np.uint64)
    for i in range(u.shape[0]):
        u[i], random_action[i] = draws(seed, first + i, actions, st)
