"""DQN on the GPU: dlsim.kernels.dqn's signatures, with the Q-networks' passes of the fused loop on
the device. The online and target networks, the gradient and the optimizer state go to the device
once per call and back at its end; every step's passes run there with the MLP's GPU blocks
(dlsim.kernels.mlp_cuda: dense, activation, weight gradients, δ below, update; one thread per
number, no atomics: the same bits every run): the greedy choice's forward of one observation, the
target network's forward of the replay batch's s′, the online forward of its s, the backward from
the Huber δ of the chosen actions, the optimizer step and the copy to the target. What is sequential
and tiny stays on the CPU, with the CPU's own functions: the draws, the environment, the replay ring,
the TD targets' and the Huber loss's scalar arithmetic (a few numbers a step). The pictures' passes
and the stepped path run on the CPU, where stepping is.
"""
import numpy as np

from dlsim.kernels import dqn, environments, gpu, mlp_cuda
from dlsim.kernels.dqn import (BATCH, ENV_STEPS, EP_LENGTH, EP_RETURN, GAMMA, KAPPA, PUSHES,  # noqa: F401
                               TARGET_EVERY, UPDATES, action_draw, epsilon_at, finish_episode, gather, greedy,
                               greedy_return, huber, huber_grad, huber_gradients, learned, learning_due,
                               optimizer_step, push, q_values, replay_draw, td_targets)

cuda = gpu.cuda()   # (a one-line error where no GPU and no simulator can be used)


def _q(layers, acts, z, a, obs_T):
    """Q (A, B) of the observations obs_T (O, B) through device layers, back on the host."""
    a[0] = cuda.to_device(np.ascontiguousarray(obs_T))
    mlp_cuda._forward(layers, acts, z, a)
    return a[-1].copy_to_host()


def _backward(layers, grads, acts, z, a, d):
    """Every layer's gradient from the output δ already in d[-1] (the MLP's GPU backward)."""
    batch = a[0].shape[1]
    for l in range(len(layers) - 1, -1, -1):
        (W, _), (dW, db) = layers[l], grads[l]
        blocks, threads = mlp_cuda._grid(W.shape[1], W.shape[0] + 1)
        mlp_cuda._weight_grads[blocks, threads](a[l], d[l + 1], dW, db)
        if l > 0:
            blocks, threads = mlp_cuda._grid(batch, W.shape[0])
            mlp_cuda._below[blocks, threads](W, d[l + 1], z[l], a[l], int(acts[l - 1]), d[l])


def run_steps(code, layout, params, seed, theta, target, grad, m, v, sizes, acts, opt_kind, lr, mu, beta1,
              beta2, eps_adam, hyper, replay, state, counters, floats, recent, count):
    """dlsim.kernels.dqn.run_steps with the networks' passes on the GPU."""
    n_obs, batch, every = int(sizes[0]), int(hyper[BATCH]), int(hyper[TARGET_EVERY])
    dev = [cuda.to_device(buf) for buf in (theta, target, grad, m, v)]
    dtheta, dtarget, dgrad, dm, dv = dev
    online, frozen, grads = (mlp_cuda._layers(buf, sizes) for buf in (dtheta, dtarget, dgrad))
    z1, a1, _ = mlp_cuda._buffers(sizes, 1)
    z, a, d = mlp_cuda._buffers(sizes, batch)
    obs, obs2, idx = np.empty(n_obs), np.empty(n_obs), np.empty(batch, np.int64)
    S, actions = np.empty((batch, n_obs)), np.empty(batch, np.int64)
    for _ in range(count):
        n = int(counters[ENV_STEPS])
        environments.observe(code, layout, state, obs)
        u, random_action = action_draw(seed, n, int(sizes[-1]))
        q1 = _q(online, acts, z1, a1, obs[:, None])
        action = int(random_action) if u < epsilon_at(hyper, n) else int(greedy(q1[:, 0]))
        reward, status = environments.step(code, layout, params, state, action)
        environments.observe(code, layout, state, obs2)
        push(replay, counters[PUSHES], obs, action, reward, status == environments.TERMINAL, obs2)
        counters[PUSHES] += 1
        floats[EP_RETURN] += reward
        counters[EP_LENGTH] += 1
        if status != environments.RUNNING:
            finish_episode(code, layout, params, seed, state, counters, floats, recent)
        counters[ENV_STEPS] = n + 1
        size = min(int(counters[PUSHES]), replay.shape[0])
        if not learning_due(hyper, n + 1, size):
            continue
        replay_draw(seed, n, size, idx)
        rows = replay[idx]
        q_next = _q(frozen if every > 0 else online, acts, z, a, rows[:, n_obs + 3:].T)   # (A, B)
        y = np.empty(batch)
        for s in range(batch):   # the CPU kernel's arithmetic, number by number
            best = q_next[greedy(q_next[:, s]), s]
            y[s] = rows[s, n_obs + 1] if rows[s, n_obs + 2] != 0.0 else rows[s, n_obs + 1] + hyper[GAMMA] * best
        gather(replay, idx, n_obs, S, actions)
        out = _q(online, acts, z, a, S.T)
        dT, total, scale = np.zeros_like(out), 0.0, 1.0 / batch
        for s in range(batch):
            k = actions[s]
            total += huber(out[k, s] - y[s], hyper[KAPPA])
            dT[k, s] = scale * huber_grad(out[k, s] - y[s], hyper[KAPPA])
        d[-1].copy_to_device(dT)
        _backward(online, grads, acts, z, a, d)
        t = int(counters[UPDATES]) + 1
        mlp_cuda._update[gpu.blocks(theta.shape[0]), gpu.THREADS](
            dtheta, dgrad, dm, dv, opt_kind, lr, mu, beta1, beta2, eps_adam, 1.0 - beta1 ** t, 1.0 - beta2 ** t)
        learned(counters, floats, total * scale)
        if every > 0 and counters[UPDATES] % every == 0:
            dtarget.copy_to_device(dtheta)
    for host, device in zip((theta, target, grad, m, v), dev):
        device.copy_to_host(host)


CPU = (dqn, greedy_return, huber_gradients, optimizer_step, q_values, td_targets)   # on the CPU: see above
