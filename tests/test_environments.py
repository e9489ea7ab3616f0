"""The environments an agent learns from: the compiled kernels against the plain-Python reference
(bit for bit), and the behaviour a learner would check by hand (walls stop, the pit and the goal end
an episode, the cliff's shortest walk returns −13, CartPole's first push)."""
import numpy as np
import pytest

from dlsim.kernels import environments as compiled
from dlsim.kernels import environments_reference as reference
from dlsim.protocol import datasets
from dlsim.protocol.environments import ENVIRONMENTS

UP, RIGHT, DOWN, LEFT = range(4)


def run(kernels, env, seed, episode, actions):
    """The states, rewards and statuses of `actions` taken from episode `episode`'s start."""
    state = np.zeros(kernels.STATE)
    params = np.array(env.params)
    kernels.reset(env.code, env.layout, params, seed, episode, state)
    states, rewards, statuses = [state.copy()], [], []
    for a in actions:
        reward, status = kernels.step(env.code, env.layout, params, state, a)
        states.append(state.copy())
        rewards.append(reward)
        statuses.append(status)
        if status != kernels.RUNNING:
            break
    return np.array(states), rewards, statuses


@pytest.mark.parametrize("name", sorted(ENVIRONMENTS))
def test_the_compiled_environment_is_the_reference_bit_for_bit(name):
    env = ENVIRONMENTS[name]
    actions = np.random.default_rng(3).integers(0, len(env.actions), 300)
    for episode in (0, 1, 57):
        c, r = run(compiled, env, 5, episode, actions), run(reference, env, 5, episode, actions)
        assert c[0].tobytes() == r[0].tobytes()
        assert c[1] == r[1] and c[2] == r[2]


def test_cartpole_starts_from_numpys_draws_of_its_episode():
    env, state = ENVIRONMENTS["cartpole"], np.zeros(compiled.STATE)
    compiled.reset(env.code, env.layout, env.params, 9, 4, state)
    expected = np.random.default_rng([9, 4, compiled.RESET_SALT]).uniform(-0.05, 0.05, 4)
    assert state[:4].tobytes() == expected.tobytes()
    assert np.all(state[4:] == 0)
    other = np.zeros(compiled.STATE)
    compiled.reset(env.code, env.layout, env.params, 9, 5, other)
    assert not np.array_equal(state, other)   # each episode starts somewhere else


def test_cartpoles_first_push_from_rest():
    """From rest, pushing right accelerates the cart right and tips the pole left (the textbook values)."""
    env, state = ENVIRONMENTS["cartpole"], np.zeros(compiled.STATE)
    reward, status = compiled.step(env.code, env.layout, env.params, state, 1)
    assert (reward, status) == (1.0, compiled.RUNNING)
    assert state[1] == pytest.approx(0.195122, abs=1e-6) and state[3] == pytest.approx(-0.292683, abs=1e-6)
    assert state[0] == 0.0 and state[2] == 0.0 and state[4] == 1.0


def test_cartpole_falls_and_is_capped():
    env = ENVIRONMENTS["cartpole"]
    states, rewards, statuses = run(compiled, env, 0, 0, [1] * 300)   # always pushing right: it falls
    assert statuses[-1] == compiled.TERMINAL and abs(states[-1][2]) > env.param("theta_limit")
    assert len(rewards) < 50 and set(rewards) == {1.0}
    params = np.array(env.params)
    state = np.zeros(compiled.STATE)
    for t in range(200):   # pushing the way the pole leans keeps it up until the cap
        _, status = compiled.step(env.code, env.layout, params, state, int(state[2] + state[3] > 0))
    assert status == compiled.TRUNCATED and state[4] == 200


def test_a_wall_or_the_edge_keeps_the_agent_in_place():
    env = ENVIRONMENTS["gridworld"]
    states, rewards, statuses = run(compiled, env, 0, 0, [LEFT, DOWN, RIGHT, UP])
    start = 3 * 5 + 0
    assert list(states[:, 0]) == [start, start, start, start + 1, start + 1]   # (2, 1) above is a wall
    assert rewards == [-0.01] * 4 and statuses == [compiled.RUNNING] * 4


def test_the_goal_and_the_pit_end_an_episode_with_their_rewards():
    env = ENVIRONMENTS["gridworld"]
    _, rewards, statuses = run(compiled, env, 0, 0, [UP, UP, UP, RIGHT, RIGHT, RIGHT, RIGHT])
    assert statuses[-1] == compiled.TERMINAL and rewards[-1] == -0.01 + 1.0 and len(rewards) == 7
    _, rewards, statuses = run(compiled, env, 0, 0, [RIGHT, RIGHT, UP, RIGHT, RIGHT, UP])
    assert statuses[-1] == compiled.TERMINAL and rewards[-1] == -0.01 - 1.0


def test_the_cliffs_shortest_walk_returns_minus_13_and_its_edge_ends_the_episode():
    env = ENVIRONMENTS["cliff"]
    _, rewards, statuses = run(compiled, env, 0, 0, [UP] + [RIGHT] * 11 + [DOWN])
    assert sum(rewards) == -13 and statuses[-1] == compiled.TERMINAL
    _, rewards, statuses = run(compiled, env, 0, 0, [RIGHT])
    assert rewards == [-101.0] and statuses == [compiled.TERMINAL]


def test_an_episode_is_truncated_at_its_step_cap():
    env = ENVIRONMENTS["gridworld"]
    _, rewards, statuses = run(compiled, env, 0, 0, [LEFT] * 500)
    assert len(rewards) == env.param("max_steps") and statuses[-1] == compiled.TRUNCATED


def test_observations():
    env, state, out = ENVIRONMENTS["gridworld"], np.zeros(compiled.STATE), np.full(20, 7.0)
    compiled.reset(env.code, env.layout, env.params, 0, 0, state)
    compiled.observe(env.code, env.layout, state, out)
    assert out.sum() == 1.0 and out[15] == 1.0 and compiled.cell(state) == 15
    pole, state, out = ENVIRONMENTS["cartpole"], np.arange(6.0), np.zeros(4)
    compiled.observe(pole.code, pole.layout, state, out)
    assert list(out) == [0, 1, 2, 3]


def test_an_environment_is_a_dataset_of_its_own_kind():
    data = datasets.make("cartpole")
    assert data.kind is datasets.ENVIRONMENT and data.environment is ENVIRONMENTS["cartpole"]
    assert data.classes == 2 and data.X.shape == (21 * 21, 4) and data.shape == (4,)
    grid = datasets.make("gridworld")
    assert grid.X.shape == (20, 20) and grid.classes == 4
    with pytest.raises(ValueError):   # the shared description cannot be changed by accident
        grid.environment.params[0] = 5.0
