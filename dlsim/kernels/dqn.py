"""DQN's compiled pieces: ε-greedy acting, the replay buffer, TD targets from a target network, the
Huber loss on Q(s, a) only, and the whole agent loop (act, store, learn, copy) in one call.

The Q-network is an MLP (dlsim.kernels.mlp's blocks: the very sums, in the very order) from an
observation to one Q value per action. A step of the agent, for env step n:
  observe s; u and a random action from default_rng([seed, n, ACT_SALT]); a = random if u < ε(n)
  else argmax Q(s); the environment moves (dlsim.kernels.environments) to s′ with reward r; (s, a, r,
  terminal, s′) is pushed into the replay ring; an episode that ended is counted and the next reset;
  then, when learning is due, B rows drawn from default_rng([seed, n, REPLAY_SALT]).integers(0, size,
  B), y = r + γ·max Q_target(s′) (r alone where s′ is terminal; a step cap bootstraps), δ only into
  the chosen action's output: Huber′(Q(s, a) − y)/B, backprop, one optimizer step, and every
  `target_every` updates the target network becomes a copy (0: no target network, y from the online
  one). Every draw is a function of (seed, n) alone, so rewinding needs no generator state.

The stepped path (dlsim.models.dqn_steps) calls these functions one piece at a time; `run_steps`
loops the same @inline pieces; both write the same bits. `dqn_reference.py` is NumPy.

The agent's state is a few flat arrays, so a snapshot is their copy: `counters` (int64, the indices
below), `floats` (float64, the sums below), `recent` (the last RECENT episode returns), `replay`
(capacity, 2·O + 3): each row [s (O), a, r, terminal, s′ (O)].
"""
import numpy as np

from dlsim.kernels import seeded
from dlsim.kernels.activations import scale_by_derivative
from dlsim.kernels.dense import dense_backward_into
from dlsim.kernels.environments import RUNNING, STATE, TERMINAL, observe, reset, step
from dlsim.kernels.jit import glue, inline, kernel
from dlsim.kernels.mlp import _block, _forward_blocks, _weights, _workspace, param_offsets, unit_offsets
from dlsim.kernels.optimizers import update_all

ACT_SALT, REPLAY_SALT = 41, 43   # apart from the orders' (17), the AE's (23), the GAN's (31), diffusion's (37)
RECENT = 100                     # episodes in the running mean a solved CartPole is judged by
EVAL_EPISODE = 2**31 - 1         # the greedy evaluation's fixed start (no training episode reaches it)

# hyper (float64): the options the loop reads
GAMMA, EPS_START, EPS_END, EPS_DECAY, LEARN_START, TRAIN_EVERY, TARGET_EVERY, BATCH, KAPPA = range(9)
HYPER = 9
# counters (int64)
ENV_STEPS, UPDATES, PUSHES, EPISODE, EP_LENGTH, EP_DONE, FINISHED, EPOCH_UPDATES = range(8)
COUNTERS = 8
# floats (float64)
EP_RETURN, RETURN_SUM, LENGTH_SUM, LOSS_SUM, LAST_LOSS = range(5)
FLOATS = 5


@inline
def epsilon_at(hyper, n):
    """ε at env step n: from EPS_START down to EPS_END linearly over EPS_DECAY steps, then flat."""
    decay = hyper[EPS_DECAY]
    if decay <= 0.0 or n >= decay:
        return hyper[EPS_END]
    return hyper[EPS_START] + (hyper[EPS_END] - hyper[EPS_START]) * (n / decay)


@inline
def action_draw(seed, n, actions):
    """(u, a random action) of env step n: rng.random(), then rng.integers(0, actions)."""
    st = np.zeros(seeded.STATE_WORDS, np.uint64)
    seeded.seed(st, seed, n, ACT_SALT)
    u = seeded.next_double(st)
    a = np.int64(0) if actions == 1 else np.int64(seeded._lemire32(st, np.uint64(actions - 1)))
    return u, a


@inline
def replay_draw(seed, n, size, out):
    """out (B,) = the replay rows env step n learns from: rng.integers(0, size, B)."""
    st = np.zeros(seeded.STATE_WORDS, np.uint64)
    seeded.seed(st, seed, n, REPLAY_SALT)
    top = np.uint64(size - 1)
    for i in range(out.shape[0]):
        out[i] = 0 if size == 1 else np.int64(seeded._lemire32(st, top))


@inline
def greedy(q):
    """The action with the largest Q value (the first of equals)."""
    best = 0
    for k in range(1, q.shape[0]):
        if q[k] > q[best]:
            best = k
    return best


@inline
def huber(diff, kappa):
    """The Huber loss of a TD error: ½d² within ±κ, κ(|d| − ½κ) beyond (a bounded gradient)."""
    if abs(diff) <= kappa:
        return 0.5 * diff * diff
    return kappa * (abs(diff) - 0.5 * kappa)


@inline
def huber_grad(diff, kappa):
    """∂huber/∂d: d clipped to ±κ."""
    return min(max(diff, -kappa), kappa)


@inline
def push(replay, pushes, obs, action, reward, terminal, obs2):
    """Write a transition into the ring's row pushes % capacity (the oldest goes first)."""
    row = replay[pushes % replay.shape[0]]
    n = obs.shape[0]
    for f in range(n):
        row[f] = obs[f]
        row[n + 3 + f] = obs2[f]
    row[n] = action
    row[n + 1] = reward
    row[n + 2] = 1.0 if terminal else 0.0


@inline
def _q_into(theta, sizes, acts, obs, z, a, out):
    """out (M, A) = Q of every observation of obs (M, O), through the blocks z, a."""
    u = unit_offsets(sizes)
    m = obs.shape[0]
    inputs = _block(a, sizes, u, m, 0)
    for s in range(m):
        for f in range(obs.shape[1]):
            inputs[f, s] = obs[s, f]
    _forward_blocks(theta, sizes, acts, m, z, a)
    last = _block(a, sizes, u, m, sizes.shape[0] - 1)
    for s in range(m):
        for k in range(out.shape[1]):
            out[s, k] = last[k, s]


@kernel
def q_values(theta, sizes, acts, obs, out):
    """out (M, A) = Q(s, ·) of every observation of obs (M, O)."""
    n = obs.shape[0] * unit_offsets(sizes)[-1]
    _q_into(theta, sizes, acts, obs, np.empty(n), np.empty(n), out)


@inline
def _targets_into(net, sizes, acts, replay, idx, gamma, S2, z, a, q_next, y):
    """y (B,) = r + γ·max_a′ Q_net(s′, a′) of the replay rows idx (r alone where s′ is terminal)."""
    n = sizes[0]
    for s in range(idx.shape[0]):
        for f in range(n):
            S2[s, f] = replay[idx[s], n + 3 + f]
    _q_into(net, sizes, acts, S2, z, a, q_next)
    for s in range(idx.shape[0]):
        row = replay[idx[s]]
        best = q_next[s, greedy(q_next[s])]
        y[s] = row[n + 1] if row[n + 2] != 0.0 else row[n + 1] + gamma * best


@kernel
def td_targets(net, sizes, acts, replay, idx, gamma, q_next, y):
    """td_targets's kernel: q_next (B, A) = Q_net(s′, ·), y (B,) the TD targets (see _targets_into)."""
    n = idx.shape[0] * unit_offsets(sizes)[-1]
    _targets_into(net, sizes, acts, replay, idx, gamma, np.empty((idx.shape[0], sizes[0])), np.empty(n),
                  np.empty(n), q_next, y)


@inline
def _backward_from_output(theta, grad, sizes, acts, batch, z, a, d, scratch):
    """Every layer's gradient into grad from the output δ already in d's last block (the MLP's
    backward pass: dense_backward_into layer by layer, then f′)."""
    w_off, b_off, _ = param_offsets(sizes)
    u = unit_offsets(sizes)
    for l in range(sizes.shape[0] - 2, -1, -1):
        n_in, n_out = sizes[l], sizes[l + 1]
        dW = grad[w_off[l]:w_off[l] + n_in * n_out].reshape((n_in, n_out))
        db = grad[b_off[l]:b_off[l] + n_out]
        below = _block(d, sizes, u, batch, l)[:n_in if l > 0 else 0]   # the input needs no δ
        dense_backward_into(_block(a, sizes, u, batch, l), _weights(theta, sizes, w_off, l),
                            _block(d, sizes, u, batch, l + 1), dW, db, below, scratch)
        if l > 0:
            scale_by_derivative(below, _block(z, sizes, u, batch, l), _block(a, sizes, u, batch, l), acts[l - 1])


@inline
def _huber_into(theta, grad, sizes, acts, S, actions, y, kappa, z, a, d, scratch, q, losses):
    """The batch's mean Huber loss of Q(s, a) − y, with its gradient into grad (zeroed first): δ goes
    into the chosen action's output only, Huber′/B; the other outputs get exactly 0. q (B,) and
    losses (B,) receive each row's Q(s, a) and loss."""
    u = unit_offsets(sizes)
    batch, top = S.shape[0], sizes.shape[0] - 1
    inputs = _block(a, sizes, u, batch, 0)
    for s in range(batch):
        for f in range(S.shape[1]):
            inputs[f, s] = S[s, f]
    _forward_blocks(theta, sizes, acts, batch, z, a)
    out, dT = _block(a, sizes, u, batch, top), _block(d, sizes, u, batch, top)
    dT[:, :] = 0.0
    scale = 1.0 / batch
    total = 0.0
    for s in range(batch):
        k = actions[s]
        q[s] = out[k, s]
        losses[s] = huber(q[s] - y[s], kappa)
        total += losses[s]
        dT[k, s] = scale * huber_grad(q[s] - y[s], kappa)
    grad[:] = 0.0
    _backward_from_output(theta, grad, sizes, acts, batch, z, a, d, scratch)
    return total * scale


@kernel
def huber_gradients(theta, grad, sizes, acts, S, actions, y, kappa, q, losses):
    """huber_gradients's kernel: the batch (S (B, O), actions (B,), targets y (B,)) mean loss, its
    gradient into grad, each row's Q(s, a) into q and loss into losses."""
    z, a, d, scratch = _workspace(sizes, S.shape[0])
    return _huber_into(theta, grad, sizes, acts, S, actions, y, kappa, z, a, d, scratch, q, losses)


@inline
def gather(replay, idx, n, S, actions):
    """S (B, O) and actions (B,) of the replay rows idx."""
    for s in range(idx.shape[0]):
        row = replay[idx[s]]
        for f in range(n):
            S[s, f] = row[f]
        actions[s] = np.int64(row[n])


@inline
def learning_due(hyper, done, size):
    """Whether the update follows the env step that made `done` steps in all (size: rows stored)."""
    return (done >= hyper[LEARN_START] and size >= hyper[BATCH]
            and done % np.int64(hyper[TRAIN_EVERY]) == 0)


@inline
def finish_episode(code, layout, params, seed, state, counters, floats, recent):
    """Count the episode that just ended (its return and length) and reset for the next."""
    floats[RETURN_SUM] += floats[EP_RETURN]
    floats[LENGTH_SUM] += counters[EP_LENGTH]
    recent[counters[FINISHED] % recent.shape[0]] = floats[EP_RETURN]
    counters[FINISHED] += 1
    counters[EP_DONE] += 1
    counters[EPISODE] += 1
    floats[EP_RETURN] = 0.0
    counters[EP_LENGTH] = 0
    reset(code, layout, params, seed, counters[EPISODE], state)


@inline
def learned(counters, floats, loss):
    """Count an update (its loss into the epoch's sum)."""
    counters[UPDATES] += 1
    counters[EPOCH_UPDATES] += 1
    floats[LOSS_SUM] += loss
    floats[LAST_LOSS] = loss


@kernel
def run_steps(code, layout, params, seed, theta, target, grad, m, v, sizes, acts, opt_kind, lr, mu, beta1,
              beta2, eps_adam, hyper, replay, state, counters, floats, recent, count):
    """`count` steps of the agent (see the module's docstring), from where counters stand."""
    n_obs, n_act = sizes[0], sizes[sizes.shape[0] - 1]
    batch = np.int64(hyper[BATCH])
    obs, obs2, q1 = np.empty((1, n_obs)), np.empty((1, n_obs)), np.empty((1, n_act))
    n1 = unit_offsets(sizes)[-1]
    z1, a1 = np.empty(n1), np.empty(n1)
    z, a, d, scratch = _workspace(sizes, batch)
    idx, acts_b = np.empty(batch, np.int64), np.empty(batch, np.int64)
    S, S2 = np.empty((batch, n_obs)), np.empty((batch, n_obs))
    q_next, y, q, losses = np.empty((batch, n_act)), np.empty(batch), np.empty(batch), np.empty(batch)
    every = np.int64(hyper[TARGET_EVERY])
    for _ in range(count):
        n = counters[ENV_STEPS]
        observe(code, layout, state, obs[0])
        u, random_action = action_draw(seed, n, n_act)
        _q_into(theta, sizes, acts, obs, z1, a1, q1)
        action = random_action if u < epsilon_at(hyper, n) else greedy(q1[0])
        reward, status = step(code, layout, params, state, action)
        observe(code, layout, state, obs2[0])
        push(replay, counters[PUSHES], obs[0], action, reward, status == TERMINAL, obs2[0])
        counters[PUSHES] += 1
        floats[EP_RETURN] += reward
        counters[EP_LENGTH] += 1
        if status != RUNNING:
            finish_episode(code, layout, params, seed, state, counters, floats, recent)
        counters[ENV_STEPS] = n + 1
        size = min(counters[PUSHES], replay.shape[0])
        if learning_due(hyper, n + 1, size):
            replay_draw(seed, n, size, idx)
            _targets_into(target if every > 0 else theta, sizes, acts, replay, idx, hyper[GAMMA], S2, z, a,
                          q_next, y)
            gather(replay, idx, n_obs, S, acts_b)
            loss = _huber_into(theta, grad, sizes, acts, S, acts_b, y, hyper[KAPPA], z, a, d, scratch, q, losses)
            update_all(theta, grad, m, v, opt_kind, lr, mu, beta1, beta2, eps_adam, counters[UPDATES] + 1)
            learned(counters, floats, loss)
            if every > 0 and counters[UPDATES] % every == 0:
                target[:] = theta


@kernel
def greedy_return(code, layout, params, seed, theta, sizes, acts, episode, limit):
    """(return, length) of one episode acting greedily (no exploration) from episode `episode`'s
    start, stopped after `limit` steps at most: the evaluation a learner trusts."""
    state = np.empty(STATE)
    reset(code, layout, params, seed, episode, state)
    obs, q1 = np.empty((1, sizes[0])), np.empty((1, sizes[sizes.shape[0] - 1]))
    n1 = unit_offsets(sizes)[-1]
    z1, a1 = np.empty(n1), np.empty(n1)
    total, length = 0.0, 0
    while length < limit:
        observe(code, layout, state, obs[0])
        _q_into(theta, sizes, acts, obs, z1, a1, q1)
        reward, status = step(code, layout, params, state, greedy(q1[0]))
        total += reward
        length += 1
        if status != RUNNING:
            break
    return total, length


@glue
def optimizer_step(theta, grad, m, v, opt_kind, lr, mu, beta1, beta2, eps_adam, t):
    """One optimizer step of every parameter (the t-th): what run_steps does after each update."""
    update_all(theta, grad, m, v, opt_kind, lr, mu, beta1, beta2, eps_adam, t)
