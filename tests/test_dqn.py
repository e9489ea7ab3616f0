"""DQN: the Huber loss's gradients against central finite differences (through Q(s, a) only), the
stepped, batched and fused paths to the same bits across episodes and replay batches, exact rewind,
the recorded draws against NumPy's generators, the kernels against their NumPy reference, the target
network and the replay ring, and the API's one-line errors."""
import numpy as np
import pytest

import dlsim
from dlsim.errors import UserError
from dlsim.kernels import dqn as kernels
from dlsim.kernels import dqn_reference as reference
from dlsim.protocol.events import Level
from dlsim.sim.stepper import Stepper
from tests.rewind_checks import back_then_forward_again

H = 1e-6
KEYS = ("theta", "target", "grad", "m", "v", "replay", "env_state", "counters", "floats", "recent")


def small(**options):
    base = dict(hidden=(5,), replay_batch=3, replay=12, learn_start=5, steps_per_epoch=25, target_every=4,
                epsilon_decay=30, seed=3)
    return dlsim.make("dqn", **{**base, **options})


def state(sim):
    return tuple(getattr(sim.model, k).copy() for k in KEYS) + (sim.model.steps, sim.model.epoch)


def same(a, b):
    return all(np.array_equal(x, y) for x, y in zip(a, b))


def batch_of(sim, n, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.normal(0, 0.3, (n, int(sim.model.sizes[0])))
    return X, rng.integers(0, int(sim.model.sizes[-1]), n), rng.normal(0, 2.0, n)


@pytest.mark.parametrize("backend", ["cpu", "numpy"])
@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_every_gradient_matches_finite_differences(backend, activation):
    sim = small(backend=backend, activation=activation, hidden=(4, 3), huber=0.5)
    sim.model.theta[:] = np.random.default_rng(2).normal(0, 0.7, sim.model.theta.shape)
    X, a, y = batch_of(sim, 6)
    _, grads = sim.model.gradients(X, y, actions=a)
    params = sim.model.params
    for name, g in grads.items():
        for index in np.ndindex(g.shape):
            keep = params[name][index]
            params[name][index] = keep + H
            up = sim.model.gradients(X, y, actions=a)[0]
            params[name][index] = keep - H
            down = sim.model.gradients(X, y, actions=a)[0]
            params[name][index] = keep
            assert np.isclose(g[index], (up - down) / (2 * H), rtol=1e-5, atol=1e-9), (name, index)


def test_the_loss_is_the_huber_of_the_chosen_actions_q_and_nothing_flows_into_the_others():
    sim = small(huber=1.0)
    X, _, y = batch_of(sim, 5)
    a = np.zeros(5, np.int64)   # every row chose action 0 (left)
    q = sim.model.q_values(X)[:, 0]
    d = q - y
    want = np.where(np.abs(d) <= 1, 0.5 * d * d, np.abs(d) - 0.5).mean()
    loss, grads = sim.model.gradients(X, y, actions=a)
    assert loss == pytest.approx(want, rel=1e-12)
    last = max(k for k in grads if k.endswith(".W"))
    assert np.all(grads[last][:, 1] == 0.0) and np.all(grads[last.replace(".W", ".b")][1] == 0.0)
    assert np.any(grads[last][:, 0] != 0.0)


@pytest.mark.parametrize("options", [dict(), dict(dataset="gridworld", optimizer="sgd", lr=0.1, target_every=0),
                                     dict(optimizer="momentum", activation="tanh", train_every=2, hidden=(4, 3))],
                         ids=["cartpole-adam", "gridworld-sgd-no-target", "momentum-tanh"])
def test_stepping_op_by_op_step_by_step_and_fused_give_the_same_bits(options):
    ops, batches, fused = small(**options), small(**options), small(**options)
    epochs = [ops.step("epoch").values for _ in range(2)]
    stepper = Stepper(batches.model, Level.BATCH)
    while batches.model.epoch < 2:
        stepper.step(Level.BATCH)
    assert fused.model.train_fused(2) == 2
    assert same(state(ops), state(batches)) and same(state(ops), state(fused))
    assert [dict(e) for e in epochs] == fused.model.history
    assert fused.model.counters[kernels.UPDATES] > 20
    if options.get("dataset") is None:
        assert fused.model.counters[kernels.FINISHED] >= 1   # the paths agreed across an episode's end


@pytest.mark.parametrize("level, first, further", [("op", 300, 260), ("layer", 40, 50), ("sample", 7, 30),
                                                   ("batch", 20, 12), ("epoch", 1, 2)])
def test_back_returns_to_the_same_bits_and_replays_the_same_draws(level, first, further):
    back_then_forward_again(small(), level, first, further, state, same)


def test_rewind_crosses_an_episode_end_and_a_replay_batch():
    sim = small()
    seen = []
    while not ({"episode", "replay"} <= {e.op for e in seen} and seen[-1].op == "step"):
        seen.append(sim.step("op"))
    done_at = next(i for i, e in enumerate(seen) if e.op == "episode")
    here = state(sim)
    for _ in range(len(seen) - done_at + 3):
        sim.back("op")
    again = []
    while len(again) < len(seen) - done_at + 3:
        again.append(sim.step("op"))
    assert same(state(sim), here)
    assert [(e.op, e.path) for e in again] == [(e.op, e.path) for e in seen[-len(again):]]


def test_the_draws_are_numpys_generators_whatever_draws_them():
    for seed, n, actions, size in ((0, 0, 2, 7), (3, 12345, 4, 1000), (9, 2**31, 2, 1)):
        rng = np.random.default_rng([seed, n, kernels.ACT_SALT])
        want = (rng.random(), rng.integers(0, actions))
        got = kernels.action_draw(seed, n, actions)
        assert got == want == reference.action_draw(seed, n, actions)
        out, ref = np.empty(9, np.int64), np.empty(9, np.int64)
        kernels.replay_draw(seed, n, size, out)
        reference.replay_draw(seed, n, size, ref)
        assert np.array_equal(out, np.random.default_rng([seed, n, kernels.REPLAY_SALT]).integers(0, size, 9))
        assert np.array_equal(out, ref)


def test_the_choice_and_the_replay_batch_are_recorded_ops_with_their_numbers():
    sim = small(learn_start=3, replay_batch=3)
    events = []
    while len([e for e in events if e.op == "step"]) < 4:
        events.append(sim.step("op"))
    choose = next(e for e in events if e.op == "choose")
    u, a = kernels.action_draw(3, 0, 2)
    assert choose.values["u"] == u and choose.values["random_action"] == a
    assert choose.values["explore"] == (u < choose.values["epsilon"]) and choose.values["epsilon"] == 1.0
    replay = next(e for e in events if e.op == "replay")
    assert replay.values["rows"] == tuple(np.random.default_rng([3, 2, kernels.REPLAY_SALT]).integers(0, 3, 3))
    targets = [e for e in events if e.op == "td_target"][:3]
    errors = [e for e in events if e.op == "td_error"][:3]
    for t, e in zip(targets, errors):
        v = t.values
        assert v["y"] == (v["reward"] if v["terminal"] else v["reward"] + v["gamma"] * v["max_q_next"])
        assert e.values["error"] == e.values["q"] - v["y"]


def test_the_kernels_agree_with_their_numpy_reference():
    cpu, npy = small(), small(backend="numpy")
    cpu.train(epochs=2)
    npy.train(epochs=2)
    for k in ("theta", "target", "replay", "env_state", "recent"):
        np.testing.assert_allclose(getattr(npy.model, k), getattr(cpu.model, k), rtol=1e-9, atol=1e-12)
    assert np.array_equal(npy.model.counters, cpu.model.counters)
    X, a, y = batch_of(cpu, 7)
    assert cpu.model.gradients(X, y, actions=a)[0] == pytest.approx(npy.model.gradients(X, y, actions=a)[0], rel=1e-12)


def test_the_target_network_is_a_copy_taken_every_target_every_updates():
    sim = small(target_every=4)
    m = sim.model
    start = m.target.copy()
    while m.counters[kernels.UPDATES] < 3:
        sim.step("batch")
    assert np.array_equal(m.target, start) and not np.array_equal(m.theta, start)
    while m.counters[kernels.UPDATES] < 4:
        sim.step("batch")
    assert np.array_equal(m.target, m.theta)
    off = small(target_every=0)
    targets = []
    while not targets:
        targets = [e for e in [off.step("op")] if e.op == "td_target"]
    assert targets[0].values["network"] == "online"


def test_the_replay_is_a_ring_the_oldest_transition_goes_first():
    sim = small(replay=12)
    pushes = []
    while len(pushes) < 14:
        event = sim.step("op")
        if event.op == "push":
            pushes.append(event)
    assert [e.values["row"] for e in pushes] == list(range(12)) + [0, 1]
    assert pushes[-1].values["size"] == 12
    row = sim.model.replay[1]
    assert row[5] == pushes[-1].values["reward"] and row[4] == pushes[-1].values["action"]


def test_the_greedy_action_is_the_argmax_of_q_and_the_value_picture_is_its_max():
    sim = small(dataset="gridworld")
    sim.train(epochs=1)
    m = sim.model
    q = m.q_values(sim.data.X)
    assert np.array_equal(m.predict(sim.data.X), q.argmax(axis=1))
    shown = sim.inspect()
    assert shown["value"].shape == (4, 5) and np.array_equal(shown["value"].ravel(), q.max(axis=1))
    assert shown["cell"] == int(m.env_state[0])


def test_one_line_errors_for_a_learners_mistakes():
    sim = small()
    X, a, y = batch_of(sim, 3)
    with pytest.raises(UserError, match="actions"):
        sim.model.gradients(X, y, actions=[0, 5, 1])
    with pytest.raises(UserError, match="targets"):
        sim.model.gradients(X, y[:2], actions=a)
    with pytest.raises(UserError, match="observations"):
        sim.model.q_values(np.zeros((2, 3)))
    with pytest.raises(UserError, match="replay_batch"):
        small(replay_batch=8, learn_start=4)
