"""DQN's training, one piece at a time: observe, the ε-greedy choice with its recorded draws, the
environment's step, the push into the replay (and an episode's end), then the replay batch drawn,
each TD target, each TD error with its Huber loss, the gradient, the optimizer step and (when due) the
copy to the target network. Each piece is the function the compiled loop (dlsim.kernels.dqn.run_steps)
inlines, called in the same order on the same arrays: a stepped env step writes its bits."""
import numpy as np

from dlsim.kernels import dqn as K
from dlsim.kernels.environments import RUNNING, TERMINAL, TRUNCATED
from dlsim.kernels.optimizers import NAMES as OPTIMIZERS
from dlsim.models.dqn_formulas import Op
from dlsim.protocol.events import BACKWARD, EVALUATE, FORWARD, LOSS, UPDATE, Event, Level

STATUS = {RUNNING: "running", TERMINAL: "terminal", TRUNCATED: "step cap (truncated)"}


def step_events(model):
    """One environment step and the update that follows it, one op at a time."""
    ops, envk, env = model.ops, model.env_ops, model.environment
    c, f, seed, hyper = model.counters, model.floats, model.config["seed"], model.hyper()
    before = model.snapshot_summary()
    n, n_obs, n_act = int(c[K.ENV_STEPS]), int(model.sizes[0]), int(model.sizes[-1])
    model.stepping = n   # the cursor stays on this step until its last event (Model.events' contract)
    obs, obs2, q1 = np.empty((1, n_obs)), np.empty((1, n_obs)), np.empty((1, n_act))
    envk.observe(env.code, env.layout, model.env_state, obs[0])
    yield Event(Op.OBSERVE, FORWARD, "dqn.observe", {"step": n, "episode": int(c[K.EPISODE]),
                                                     "t": int(c[K.EP_LENGTH]), "observation": tuple(obs[0])})
    epsilon = ops.epsilon_at(hyper, n)
    u, random_action = ops.action_draw(seed, n, n_act)
    ops.q_values(model.theta, model.sizes, model.acts, obs, q1)
    greedy = int(ops.greedy(q1[0]))
    explore = bool(u < epsilon)
    action = int(random_action) if explore else greedy
    yield Event(Op.CHOOSE, FORWARD, "dqn.choose", {
        "u": float(u), "epsilon": float(epsilon), "q": tuple(q1[0]), "greedy": greedy,
        "random_action": int(random_action), "explore": explore, "action": action,
        "action_name": env.actions[action]})
    reward, status = envk.step(env.code, env.layout, model.params_env, model.env_state, action)
    envk.observe(env.code, env.layout, model.env_state, obs2[0])
    yield Event(Op.ENV, FORWARD, "dqn.env", {"action": action, "action_name": env.actions[action],
                                             "reward": float(reward), "status": STATUS[int(status)],
                                             "next_observation": tuple(obs2[0])})
    row = int(c[K.PUSHES] % len(model.replay))
    ops.push(model.replay, c[K.PUSHES], obs[0], action, reward, status == TERMINAL, obs2[0])
    c[K.PUSHES] += 1
    f[K.EP_RETURN] += reward
    c[K.EP_LENGTH] += 1
    ended = status != RUNNING
    yield Event(Op.PUSH, FORWARD, f"dqn.replay[{row}]", {
        "row": row, "action": action, "reward": float(reward), "terminal": bool(status == TERMINAL),
        "size": int(min(c[K.PUSHES], len(model.replay)))}, closes=Level.OP if ended else Level.LAYER)
    if ended:
        values = {"episode": int(c[K.EPISODE]), "return": float(f[K.EP_RETURN]), "length": int(c[K.EP_LENGTH]),
                  "status": STATUS[int(status)]}
        ops.finish_episode(env.code, env.layout, model.params_env, seed, model.env_state, c, f, model.recent)
        yield Event(Op.EPISODE, EVALUATE, "dqn.episode", values, closes=Level.LAYER)
    c[K.ENV_STEPS] = n + 1
    size = int(min(c[K.PUSHES], len(model.replay)))
    if ops.learning_due(hyper, n + 1, size):
        yield from learn_events(model, n, size, hyper)
    model.stepping = None
    yield step_summary(model, before)


def learn_events(model, n, size, hyper):
    """The update after env step n: replay batch, TD targets, TD errors, gradient, step, copy."""
    ops, c, f = model.ops, model.counters, model.floats
    batch, n_obs, n_act = int(hyper[K.BATCH]), int(model.sizes[0]), int(model.sizes[-1])
    idx = np.empty(batch, np.int64)
    ops.replay_draw(model.config["seed"], n, size, idx)
    yield Event(Op.REPLAY, FORWARD, "dqn.replay", {"rows": tuple(int(r) for r in idx), "size": size})
    every = int(hyper[K.TARGET_EVERY])
    q_next, y = np.empty((batch, n_act)), np.empty(batch)
    ops.td_targets(model.target if every > 0 else model.theta, model.sizes, model.acts, model.replay, idx,
                   hyper[K.GAMMA], q_next, y)
    for s in range(batch):
        row = model.replay[idx[s]]
        yield Event(Op.TD_TARGET, FORWARD, f"dqn.target[{s}]", {
            "row": int(idx[s]), "reward": float(row[n_obs + 1]), "terminal": bool(row[n_obs + 2] != 0.0),
            "gamma": float(hyper[K.GAMMA]), "q_next": tuple(q_next[s]), "max_q_next": float(q_next[s].max()),
            "network": "target" if every > 0 else "online", "y": float(y[s])})
    S, actions = np.empty((batch, n_obs)), np.empty(batch, np.int64)
    ops.gather(model.replay, idx, n_obs, S, actions)
    q, losses = np.empty(batch), np.empty(batch)
    loss = ops.huber_gradients(model.theta, model.grad, model.sizes, model.acts, S, actions, y, hyper[K.KAPPA],
                               q, losses)
    for s in range(batch):
        yield Event(Op.TD_ERROR, LOSS, f"dqn.td_error[{s}]", {
            "row": int(idx[s]), "action": int(actions[s]), "q": float(q[s]), "y": float(y[s]),
            "error": float(q[s] - y[s]), "huber": float(losses[s]),
            "delta": float(ops.huber_grad(q[s] - y[s], hyper[K.KAPPA]) / batch)})
    yield Event(Op.LOSS, LOSS, "dqn.loss", {"loss": float(loss), "batch": batch, "kappa": float(hyper[K.KAPPA])},
                closes=Level.LAYER)
    yield Event(Op.GRAD, BACKWARD, "dqn.grad", {
        "norms": tuple(float(np.linalg.norm(W)) for W, _ in model.layers(model.grad))}, closes=Level.LAYER)
    before = model.theta.copy()
    settings = model.optimizer_settings()
    ops.optimizer_step(model.theta, model.grad, model.m, model.v, *settings, c[K.UPDATES] + 1)
    ops.learned(c, f, loss)
    model.steps = int(c[K.UPDATES])
    yield Event(Op.UPDATE, UPDATE, "dqn.update", {"step": model.steps, "optimizer": OPTIMIZERS[settings[0]],
                                                  "lr": settings[1],
                                                  "change": float(np.linalg.norm(model.theta - before))})
    if every > 0 and c[K.UPDATES] % every == 0:
        model.target[:] = model.theta
        yield Event(Op.COPY, UPDATE, "dqn.target", {"update": model.steps})


def step_summary(model, before) -> Event:
    """The event closing an environment step (either path): where the agent stands after it."""
    c, f = model.counters, model.floats
    steps, updates, finished = before
    return Event(Op.STEP, UPDATE, model.name, {
        "step": int(c[K.ENV_STEPS]), "updates": int(c[K.UPDATES]), "learned": bool(c[K.UPDATES] > updates),
        "loss": float(f[K.LAST_LOSS]), "episode": int(c[K.EPISODE]), "episode_ended": bool(c[K.FINISHED] > finished),
        "return": float(f[K.EP_RETURN]), "epsilon": float(model.ops.epsilon_at(model.hyper(), int(c[K.ENV_STEPS])))},
        level=Level.BATCH, closes=Level.BATCH)
