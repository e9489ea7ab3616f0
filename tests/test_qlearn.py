"""Tabular Q-learning and SARSA as a learner and an API user meet them: the textbook loop to the bit
on the same draws, the three paths (op by op, a compiled step at a time, fused epochs) landing on the
same bits, exact rewind across episodes, the kernels against their NumPy reference, the gridworld and
the cliff solved, SARSA's safe path beside Q-learning's edge, live rewards, and one-line errors."""
import numpy as np
import pytest

import dlsim
from dlsim.errors import UserError
from dlsim.kernels import environments as env_kernels
from dlsim.kernels import qlearn as compiled
from dlsim.kernels import qlearn_reference as reference
from dlsim.kernels import seeded
from dlsim.protocol.environments import ENVIRONMENTS

SMALL = dict(steps_per_epoch=30)


def textbook(name, rule, steps, seed=0, alpha=0.5, gamma=0.9, epsilon=0.1):
    """Q-learning / SARSA as the textbook writes it, with NumPy's generator drawing step k's u and
    random action from default_rng([seed, k, SALT]) and ties broken from the random action on."""
    env = ENVIRONMENTS[name]
    rows, cols = env.layout.shape
    Q = np.zeros((rows * cols, 4))

    def policy(s, k):
        rng = np.random.default_rng([seed, k, compiled.SALT])
        u, r = rng.random(), int(rng.integers(0, 4))
        if u < epsilon:
            return r
        order = [(r + i) % 4 for i in range(4)]
        return max(order, key=lambda a: (Q[s, a], -order.index(a)))

    def move(s, a):
        r, c = s // cols + env_kernels.MOVES[a][0], s % cols + env_kernels.MOVES[a][1]
        if 0 <= r < rows and 0 <= c < cols and env.layout[r, c] != env_kernels.WALL:
            return r * cols + c
        return s

    start = int(np.flatnonzero(env.layout.ravel() == env_kernels.START)[0])
    s, t, pending = start, 0, None
    step, goal, pit, cap = env.params
    for k in range(steps):
        a = pending if pending is not None else policy(s, k)
        s2 = move(s, a)
        t += 1
        kind = env.layout.flat[s2]
        reward = step + (goal if kind == env_kernels.GOAL else pit if kind == env_kernels.PIT else 0.0)
        terminal, truncated = kind in (env_kernels.GOAL, env_kernels.PIT), t >= cap
        pending = None
        if terminal:
            target = reward
        elif rule == "sarsa":
            a2 = policy(s2, k + 1)
            target = reward + gamma * Q[s2, a2]
            pending = None if truncated else a2
        else:
            target = reward + gamma * Q[s2].max()
        Q[s, a] = Q[s, a] + alpha * (target - Q[s, a])
        s = s2
        if terminal or truncated:
            s, t = start, 0
    return Q


def stepped(sim, level, epochs):
    while sim.model.epoch < epochs:
        sim.step(level)
    return sim


@pytest.mark.parametrize("rule", ["q", "sarsa"])
@pytest.mark.parametrize("name", ["gridworld", "cliff"])
def test_the_model_is_the_textbook_loop_to_the_bit(name, rule):
    sim = dlsim.make("qlearn", dataset=name, rule=rule, **SMALL)
    sim.train(epochs=20)   # 600 steps: several episodes, on the cliff some of them falls
    assert sim.model.Q.tobytes() == textbook(name, rule, 600).tobytes()
    assert sim.model.counters[compiled.EPISODE] > 3


@pytest.mark.parametrize("rule", ["q", "sarsa"])
def test_op_by_op_compiled_steps_and_fused_epochs_give_the_same_bits(rule):
    runs = [stepped(dlsim.make("qlearn", dataset="cliff", rule=rule, **SMALL), level, 4) for level in ("op", "sample")]
    fused = dlsim.make("qlearn", dataset="cliff", rule=rule, **SMALL)
    fused.train(epochs=4)
    numpy = stepped(dlsim.make("qlearn", dataset="cliff", rule=rule, backend="numpy", **SMALL), "sample", 4)
    for other in runs[1:] + [fused, numpy]:
        for key in ("Q", "env_state", "counters", "sums"):
            assert getattr(other.model, key).tobytes() == getattr(runs[0].model, key).tobytes(), key
        assert other.history == runs[0].history
    assert runs[0].model.steps == fused.model.steps == 120


def test_rewind_is_exact_across_episodes():
    sim = dlsim.make("qlearn", dataset="cliff", epsilon=0.5, rule="sarsa", **SMALL)   # falls soon, and often
    seen = []
    for _ in range(400):   # a few episodes, op by op
        seen.append((sim.model.Q.tobytes(), sim.model.env_state.tobytes(), sim.model.counters.tobytes()))
        sim.step("op")
    assert sim.model.counters[compiled.EPISODE] >= 2 and sim.model.epoch >= 1
    for expected in reversed(seen):
        sim.back("op")
        assert (sim.model.Q.tobytes(), sim.model.env_state.tobytes(), sim.model.counters.tobytes()) == expected


def test_an_episode_is_a_batch_and_says_its_return():
    sim = dlsim.make("qlearn", epsilon=0.0, steps_per_epoch=1000)
    sim.step("batch")
    last = sim.last
    assert last.op == "step" and "episode_return" in last.values
    assert last.values["episode_return"] == pytest.approx(-0.01 * last.values["episode_length"] + {
        "terminal": 1.0 if last.values["next_cell"] == (0, 4) else -1.0}.get(last.values["status"], 0.0))


@pytest.mark.parametrize("rule", ["q", "sarsa"])
def test_the_kernels_match_their_numpy_reference(rule):
    env = ENVIRONMENTS["cliff"]
    out = []
    for module in (compiled, reference):
        Q, state, counters, sums = np.zeros((48, 4)), np.zeros(env_kernels.STATE), np.zeros(6, np.int64), np.zeros(3)
        counters[compiled.PENDING] = -1
        env_kernels.reset(env.code, env.layout, env.params, 0, 0, state)
        metrics, record = np.zeros((5, compiled.METRICS)), np.zeros(compiled.RECORD)
        module.train_epochs(Q, env.code, env.layout, env.params.copy(), 3, compiled.RULES[rule], 0.5, 1.0, 0.2, 80,
                            state, counters, sums, metrics)
        module.train_step(Q, env.code, env.layout, env.params.copy(), 3, compiled.RULES[rule], 0.5, 1.0, 0.2,
                          state, counters, sums, record)
        cells = np.zeros(30, np.int64)
        greedy = module.greedy_return(Q, env.code, env.layout, env.params.copy(), 3, cells)
        out.append([Q, state, counters, sums, metrics, record, cells, np.array(greedy)])
    for a, b in zip(*out):
        assert a.tobytes() == b.tobytes()


def test_compiled_draws_are_numpys():
    st = np.zeros(seeded.STATE_WORDS, np.uint64)
    for k in (0, 1, 7, 12345, 2**40):
        u, a = compiled.draws(5, k, 4, st)
        assert (u, a) == reference.draws(5, k, 4)


def test_the_gridworld_is_solved_within_400_steps():
    sim = dlsim.make("qlearn")
    sim.train(epochs=2)   # 2 × 200 steps
    assert sim.history[-1]["greedy_return"] == pytest.approx(0.93)   # 7 steps of −0.01, then the goal's +1
    assert sim.model.inspect(names=("solved",))["solved"]


def test_on_the_cliff_q_learning_walks_the_edge_and_sarsa_the_safe_path():
    q = dlsim.make("qlearn", dataset="cliff", gamma=1.0, seed=0)
    sarsa = dlsim.make("qlearn", dataset="cliff", gamma=1.0, seed=0, rule="sarsa")
    q.train(epochs=40)
    sarsa.train(epochs=40)
    assert q.history[-1]["greedy_return"] == -13.0            # the optimal path, along the cliff's edge
    edge = q.model.greedy_path() // 12
    assert set(edge.tolist()) == {2, 3}
    assert sarsa.history[-1]["greedy_return"] < -13.0          # a longer way round, further from the edge
    assert 0 in set((sarsa.model.greedy_path() // 12).tolist()) or 1 in set((sarsa.model.greedy_path() // 12).tolist())
    mean = [np.mean([h["mean_return"] for h in s.history[-20:]]) for s in (q, sarsa)]
    assert mean[1] > mean[0]   # exploring, SARSA falls less often: a better return while it learns


def test_rewards_are_live_options():
    sim = dlsim.make("qlearn", epsilon=0.0)
    sim.set("step_reward", -0.5)
    sim.step("sample")
    assert sim.last.values["reward"] == -0.5
    sim.set("step_reward", "default")
    sim.step("sample")
    assert sim.last.values["reward"] == -0.01


def test_the_api_reads_the_table_and_refuses_bad_observations():
    sim = dlsim.make("qlearn")
    sim.train(epochs=3)
    model = sim.model
    X = np.eye(20)
    assert model.q_values(X).tobytes() == model.Q.tobytes()
    assert model.predict(X[[15]])[0] == model.inspect(names=("greedy",))["greedy"][3, 0]
    with pytest.raises(UserError, match="one-hot"):
        model.predict(np.full((1, 20), 0.5))
    with pytest.raises(UserError, match="shape"):
        model.predict(np.ones((2, 3)))
    with pytest.raises(UserError):
        dlsim.make("qlearn", dataset="cartpole")


def test_every_inspected_name_is_described_and_shown_mid_step():
    sim = dlsim.make("qlearn")
    for _ in range(5):
        sim.step("op")
    shown = sim.inspect()
    assert set(shown) <= set(sim.model.inspected)
    assert {"q", "value", "greedy", "agent", "action", "reward", "td_target", "td_error", "updating"} <= set(shown)
    assert shown["td_error"] == pytest.approx(shown["td_target"] - sim.trace.events[("td_error", sim.last.path)].values["old"])
