"""`dlsim bench dqn`: 500 steps of the DQN agent on CartPole (act, step the environment, store,
learn from a replay batch, copy the target), the fused Numba loop against the NumPy reference loop
and (if installed) PyTorch eager, for Q-networks that grow.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 dlsim bench dqn [--quick]

(one BLAS thread, as the kernels and PyTorch here run on one.)

Each contender starts from the same agent, 1,000 steps in (the replay holding 1,000 transitions,
learning under way), and takes the same 500 steps: ε-greedy on the same recorded draws, the
environment's own step (plain Python for NumPy and PyTorch), a batch of 32 replay rows, the TD
targets from the target network, the Huber loss on Q(s, a), Adam, a copy every 500 updates. Only
the Q-network's arithmetic differs between them. The figure is the median ms.
"""
import numpy as np

import dlsim
from dlsim.bench import timing
from dlsim.kernels import dqn as kernel
from dlsim.kernels import dqn_reference as ref
from dlsim.kernels import environments_reference as env_ref
from dlsim.kernels.mlp_reference import unpack

CONFIGS = ((64, 64), (128, 128), (256, 256))
STEPS, WARM = 500, 1_000
STATE = ("theta", "target", "grad", "m", "v", "replay", "env_state", "counters", "floats", "recent")


def _agent(hidden):
    m = dlsim.make("dqn", seed=0, hidden=hidden, learn_start=WARM).model
    m.run(WARM)
    return m, {k: getattr(m, k).copy() for k in STATE}


def _loop(module, m, start):
    env = m.environment

    def run():
        s = {k: v.copy() for k, v in start.items()}
        module.run_steps(env.code, env.layout, env.params, m.config["seed"], s["theta"], s["target"], s["grad"],
                         s["m"], s["v"], m.sizes, m.acts, *m.optimizer_settings(), m.hyper(), s["replay"],
                         s["env_state"], s["counters"], s["floats"], s["recent"], STEPS)
    return run


def _torch_loop(m, start):
    torch = timing.torch()
    if torch is None:
        return None
    env, hyper, seed = m.environment, m.hyper(), m.config["seed"]
    n_obs, batch, every = int(m.sizes[0]), int(hyper[kernel.BATCH]), int(hyper[kernel.TARGET_EVERY])

    def net(params, x):
        for l in range(0, len(params), 2):
            x = x @ params[l] + params[l + 1]
            x = x if l == len(params) - 2 else torch.relu(x)
        return x

    def run():
        params = [torch.tensor(a.copy(), requires_grad=True) for pair in unpack(start["theta"].copy(), list(m.sizes))
                  for a in pair]
        target = [p.detach().clone() for p in params]
        opt = torch.optim.Adam(params, lr=float(m.config["lr"]), eps=1e-8)
        replay, state, counters = start["replay"].copy(), start["env_state"].copy(), start["counters"].copy()
        obs, obs2, idx = np.empty(n_obs), np.empty(n_obs), np.empty(batch, np.int64)
        updates = int(counters[kernel.UPDATES])
        for _ in range(STEPS):
            n = int(counters[kernel.ENV_STEPS])
            env_ref.observe(env.code, env.layout, state, obs)
            u, random_action = ref.action_draw(seed, n, 2)
            with torch.no_grad():
                greedy = int(net(params, torch.tensor(obs[None])).argmax())
            action = random_action if u < ref.epsilon_at(hyper, n) else greedy
            reward, status = env_ref.step(env.code, env.layout, env.params, state, action)
            env_ref.observe(env.code, env.layout, state, obs2)
            ref.push(replay, counters[kernel.PUSHES], obs, action, reward, status == env_ref.TERMINAL, obs2)
            counters[kernel.PUSHES] += 1
            if status != env_ref.RUNNING:
                counters[kernel.EPISODE] += 1
                env_ref.reset(env.code, env.layout, env.params, seed, counters[kernel.EPISODE], state)
            counters[kernel.ENV_STEPS] = n + 1
            ref.replay_draw(seed, n, min(int(counters[kernel.PUSHES]), len(replay)), idx)
            rows = torch.tensor(replay[idx])
            with torch.no_grad():
                best = net(target, rows[:, n_obs + 3:]).max(dim=1).values
                y = rows[:, n_obs + 1] + hyper[kernel.GAMMA] * best * (1.0 - rows[:, n_obs + 2])
            q = net(params, rows[:, :n_obs]).gather(1, rows[:, n_obs:n_obs + 1].long()).squeeze(1)
            loss = torch.nn.functional.huber_loss(q, y, delta=float(hyper[kernel.KAPPA]))
            opt.zero_grad()
            loss.backward()
            opt.step()
            updates += 1
            if updates % every == 0:
                target = [p.detach().clone() for p in params]
    return run


def main(net: str = "dqn", quick: bool = False) -> None:
    print(f"dlsim bench: dqn on CartPole, {STEPS} agent steps from {WARM:,} in; median ms")
    print("  each step: ε-greedy, the environment, a push, 32 replay rows, TD targets, Huber on Q(s, a), Adam")
    print(timing.header(24, "ms"))
    seconds = 0.2 if quick else 0.6
    for hidden in (CONFIGS[:2] if quick else CONFIGS):
        m, start = _agent(hidden)
        label = "-".join(map(str, m.sizes))
        fused = timing.median_us(_loop(kernel, m, start), seconds) / 1e3
        numpy = timing.median_us(_loop(ref, m, start), seconds, 3) / 1e3
        torch_run = _torch_loop(m, start)
        torch_ms = timing.median_us(torch_run, seconds, 3) / 1e3 if torch_run else None
        print(timing.row(f"steps {label}", fused, numpy, torch_ms, 24), flush=True)
