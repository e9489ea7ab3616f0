"""DQN in plain NumPy: the textbook agent loop with NumPy's own generators and the MLP reference's
backpropagation (same names and signatures as dlsim.kernels.dqn). The `numpy` backend runs the
model on these; tests compare the compiled kernels with them."""
import numpy as np

from dlsim.kernels import environments_reference as env
from dlsim.kernels.dqn import (ACT_SALT, BATCH, ENV_STEPS, EP_DONE, EP_LENGTH, EP_RETURN, EPISODE, EPOCH_UPDATES,
                               EPS_DECAY, EPS_END, EPS_START, FINISHED, GAMMA, KAPPA, LAST_LOSS, LEARN_START,
                               LENGTH_SUM, LOSS_SUM, PUSHES, REPLAY_SALT, RETURN_SUM, TARGET_EVERY, TRAIN_EVERY,
                               UPDATES)
from dlsim.kernels.mlp_reference import layer_values, unpack
from dlsim.kernels.reference import derivative, update_all


def epsilon_at(hyper, n):
    if hyper[EPS_DECAY] <= 0.0 or n >= hyper[EPS_DECAY]:
        return float(hyper[EPS_END])
    return float(hyper[EPS_START] + (hyper[EPS_END] - hyper[EPS_START]) * (n / hyper[EPS_DECAY]))


def action_draw(seed, n, actions):
    rng = np.random.default_rng([seed, n, ACT_SALT])
    return rng.random(), int(rng.integers(0, actions))


def replay_draw(seed, n, size, out):
    out[:] = np.random.default_rng([seed, n, REPLAY_SALT]).integers(0, size, len(out))


def greedy(q):
    return int(np.argmax(q))


def huber(diff, kappa):
    return np.where(np.abs(diff) <= kappa, 0.5 * diff * diff, kappa * (np.abs(diff) - 0.5 * kappa))


def huber_grad(diff, kappa):
    return np.clip(diff, -kappa, kappa)


def push(replay, pushes, obs, action, reward, terminal, obs2):
    replay[pushes % len(replay)] = np.concatenate([obs, [action, reward, 1.0 if terminal else 0.0], obs2])


def q_values(theta, sizes, acts, obs, out):
    out[:] = layer_values(theta, list(sizes), list(acts), obs)[1][-1]


def td_targets(net, sizes, acts, replay, idx, gamma, q_next, y):
    n = sizes[0]
    rows = replay[idx]
    q_values(net, sizes, acts, rows[:, n + 3:], q_next)
    y[:] = np.where(rows[:, n + 2] != 0.0, rows[:, n + 1], rows[:, n + 1] + gamma * q_next.max(axis=1))


def huber_gradients(theta, grad, sizes, acts, S, actions, y, kappa, q, losses):
    """Backprop of mean Huber(Q(s, a) − y): δ into the chosen outputs only."""
    zs, as_ = layer_values(theta, list(sizes), list(acts), S)
    rows = np.arange(len(S))
    q[:] = as_[-1][rows, actions]
    losses[:] = huber(q - y, kappa)
    delta = np.zeros_like(as_[-1])
    delta[rows, actions] = huber_grad(q - y, kappa) / len(S)
    grad[:] = 0.0
    layers, glayers = unpack(theta, sizes), unpack(grad, sizes)
    for l in range(len(layers) - 1, -1, -1):
        glayers[l][0][:] = as_[l].T @ delta
        glayers[l][1][:] = delta.sum(axis=0)
        if l > 0:
            delta = (delta @ layers[l][0].T) * derivative(zs[l - 1], as_[l], acts[l - 1])
    return float(losses.mean())


def gather(replay, idx, n, S, actions):
    S[:] = replay[idx, :n]
    actions[:] = replay[idx, n].astype(np.int64)


def learning_due(hyper, done, size):
    return bool(done >= hyper[LEARN_START] and size >= hyper[BATCH] and done % int(hyper[TRAIN_EVERY]) == 0)


def finish_episode(code, layout, params, seed, state, counters, floats, recent):
    floats[RETURN_SUM] += floats[EP_RETURN]
    floats[LENGTH_SUM] += counters[EP_LENGTH]
    recent[counters[FINISHED] % len(recent)] = floats[EP_RETURN]
    counters[[FINISHED, EP_DONE, EPISODE]] += 1
    floats[EP_RETURN] = 0.0
    counters[EP_LENGTH] = 0
    env.reset(code, layout, params, seed, counters[EPISODE], state)


def learned(counters, floats, loss):
    counters[[UPDATES, EPOCH_UPDATES]] += 1
    floats[LOSS_SUM] += loss
    floats[LAST_LOSS] = loss


def run_steps(code, layout, params, seed, theta, target, grad, m, v, sizes, acts, opt_kind, lr, mu, beta1,
              beta2, eps_adam, hyper, replay, state, counters, floats, recent, count):
    n_obs, n_act, batch = sizes[0], sizes[-1], int(hyper[BATCH])
    obs, obs2, q1 = np.empty(n_obs), np.empty(n_obs), np.empty((1, n_act))
    idx, q_next, y = np.empty(batch, np.int64), np.empty((batch, n_act)), np.empty(batch)
    every = int(hyper[TARGET_EVERY])
    for _ in range(count):
        n = int(counters[ENV_STEPS])
        env.observe(code, layout, state, obs)
        u, random_action = action_draw(seed, n, n_act)
        q_values(theta, sizes, acts, obs[None], q1)
        action = random_action if u < epsilon_at(hyper, n) else greedy(q1[0])
        reward, status = env.step(code, layout, params, state, action)
        env.observe(code, layout, state, obs2)
        push(replay, counters[PUSHES], obs, action, reward, status == env.TERMINAL, obs2)
        counters[PUSHES] += 1
        floats[EP_RETURN] += reward
        counters[EP_LENGTH] += 1
        if status != env.RUNNING:
            finish_episode(code, layout, params, seed, state, counters, floats, recent)
        counters[ENV_STEPS] = n + 1
        size = min(counters[PUSHES], len(replay))
        if learning_due(hyper, n + 1, size):
            replay_draw(seed, n, size, idx)
            td_targets(target if every > 0 else theta, sizes, acts, replay, idx, hyper[GAMMA], q_next, y)
            S, acts_b = np.empty((batch, n_obs)), np.empty(batch, np.int64)
            gather(replay, idx, n_obs, S, acts_b)
            loss = huber_gradients(theta, grad, sizes, acts, S, acts_b, y, hyper[KAPPA], np.empty(batch),
                                   np.empty(batch))
            update_all(theta, grad, m, v, opt_kind, lr, mu, beta1, beta2, eps_adam, counters[UPDATES] + 1)
            learned(counters, floats, loss)
            if every > 0 and counters[UPDATES] % every == 0:
                target[:] = theta


def greedy_return(code, layout, params, seed, theta, sizes, acts, episode, limit):
    state = np.empty(env.STATE)
    env.reset(code, layout, params, seed, episode, state)
    obs, q1 = np.empty(sizes[0]), np.empty((1, sizes[-1]))
    total, length = 0.0, 0
    while length < limit:
        env.observe(code, layout, state, obs)
        q_values(theta, sizes, acts, obs[None], q1)
        reward, status = env.step(code, layout, params, state, greedy(q1[0]))
        total += reward
        length += 1
        if status != env.RUNNING:
            break
    return total, length


def optimizer_step(theta, grad, m, v, opt_kind, lr, mu, beta1, beta2, eps_adam, t):
    update_all(theta, grad, m, v, opt_kind, lr, mu, beta1, beta2, eps_adam, t)
