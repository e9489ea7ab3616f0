"""The SOM's compiled kernels agree with the plain NumPy reference, case by case."""
import math

import numpy as np
import pytest

from dlsim.kernels import som as k
from dlsim.kernels import som_reference as ref

KINDS = list(k.NEIGHBOURHOODS.items())
DECAYS = list(k.DECAYS.items())


def grid(rows=4, cols=5, dim=3, hexagonal=False, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 1, (rows * cols, dim)), ref.grid_positions(rows, cols, hexagonal), rng


def test_distances_and_bmu_match_the_reference():
    W, _, rng = grid()
    for _ in range(20):
        x = rng.uniform(0, 1, 3)
        d2 = np.array([k.node_distance2(x, W, j) for j in range(len(W))])
        assert np.allclose(d2, ref.distances2(x, W), rtol=1e-14, atol=0)
        best, best_d2, second, second_d2 = k.find_bmu(x, W)
        r = ref.find_bmu(x, W)
        assert (best, second) == (r[0], r[2]) and best != second
        assert math.isclose(best_d2, r[1], rel_tol=1e-14) and math.isclose(second_d2, r[3], rel_tol=1e-14)


def test_a_tie_goes_to_the_lower_node_and_the_twin_is_runner_up():
    W = np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 0.0], [5.0, 5.0]])
    assert k.find_bmu(np.zeros(2), W) == (1, 0.0, 2, 0.0)


def test_hexagonal_grid_gives_six_neighbours_at_distance_one():
    pos = ref.grid_positions(5, 5, hexagonal=True)
    centre = 2 * 5 + 2
    near = [j for j in range(25) if j != centre and k.grid_distance2(pos, j, centre) < k.NEIGHBOUR_D2]
    assert len(near) == 6
    rect = ref.grid_positions(5, 5, hexagonal=False)
    assert len([j for j in range(25) if j != centre and k.grid_distance2(rect, j, centre) < k.NEIGHBOUR_D2]) == 4


@pytest.mark.parametrize("name,kind", KINDS)
def test_neighbourhood_functions_match_the_reference(name, kind):
    g2 = np.array([0.0, 0.25, 1.0, 2.0, 4.0, 9.0, 16.0, 50.0])
    for sigma in (0.5, 1.0, 2.5):
        got = np.array([k.neighbourhood(g, sigma, kind) for g in g2])
        assert np.allclose(got, ref.neighbourhood(g2, sigma, kind), rtol=1e-14, atol=0), name
        assert got[0] == 1.0   # the BMU itself always moves by the full lr


def test_neighbourhood_shapes():
    assert k.neighbourhood(1.0, 1.0, k.BUBBLE) == 1.0 and k.neighbourhood(1.01, 1.0, k.BUBBLE) == 0.0
    assert k.neighbourhood(4.0, 1.0, k.TRIANGLE) == 0.0
    assert k.neighbourhood(4.0, 1.0, k.MEXICAN_HAT) < 0.0          # pushed away, not pulled
    assert math.isclose(k.neighbourhood(2.0, 1.0, k.GAUSSIAN), math.exp(-1.0))


@pytest.mark.parametrize("name,kind", DECAYS)
def test_decay_schedules(name, kind):
    T = 100.0
    values = [k.decay(2.0, float(t), T, kind) for t in range(0, 201, 10)]
    assert values[0] == 2.0
    assert all(a > b for a, b in zip(values[:10], values[1:11]))   # falls over the horizon
    assert values[10] == values[-1]                                  # then stays
    assert np.allclose(values, [ref.decay(2.0, float(t), T, kind) for t in range(0, 201, 10)], rtol=1e-15)
    assert math.isclose(values[10], {"exponential": 2.0 * math.exp(-2.0), "linear": 0.2,
                                     "asymptotic": 2.0 / 3.0}[name])


@pytest.mark.parametrize("hexagonal", [False, True])
@pytest.mark.parametrize("name,kind", KINDS)
def test_a_training_step_matches_the_reference(name, kind, hexagonal):
    W, pos, rng = grid(hexagonal=hexagonal)
    W_ref = W.copy()
    for _ in range(10):
        x = rng.uniform(0, 1, 3)
        got = k.train_sample(x, W, pos, 0.4, 1.5, kind)
        want = ref.train_sample(x, W_ref, pos, 0.4, 1.5, kind)
        assert (got[0], got[2]) == (want[0], want[2])
        assert np.allclose(W, W_ref, rtol=1e-13, atol=1e-15)


def test_the_bmu_moves_by_exactly_lr_towards_the_sample():
    W, pos, _ = grid()
    x = np.array([0.5, 0.25, 1.0])
    best = k.find_bmu(x, W)[0]
    old = W[best].copy()
    k.train_sample(x, W, pos, 0.5, 1.0, k.GAUSSIAN)
    assert np.array_equal(W[best], old + 0.5 * (x - old))


def test_errors_match_the_reference():
    W, pos, rng = grid(hexagonal=True)
    X = rng.uniform(0, 1, (40, 3))
    qe, te = k.errors(X, W, pos)
    qe_ref, te_ref = ref.errors(X, W, pos)
    assert math.isclose(qe, qe_ref, rel_tol=1e-13) and te == te_ref
    assert k.errors(W[:3].copy(), W, pos)[0] == 0.0   # samples sitting on nodes: no quantization error


def test_fused_epochs_match_the_reference():
    W, pos, rng = grid()
    X = rng.uniform(0, 1, (30, 3))
    orders = np.stack([rng.permutation(30) for _ in range(3)]).astype(np.int64)
    W_ref = W.copy()
    out = [np.zeros(3) for _ in range(4)]
    t = k.train_epochs(W, pos, X, orders, 5, 60.0, 0.5, 2.0, k.LINEAR, k.GAUSSIAN, out[0], out[1])
    t_ref = ref.train_epochs(W_ref, pos, X, orders, 5, 60.0, 0.5, 2.0, k.LINEAR, k.GAUSSIAN, out[2], out[3])
    assert t == t_ref == 95
    assert np.allclose(W, W_ref, rtol=1e-12, atol=1e-14)
    assert np.allclose(out[0], out[2], rtol=1e-12) and np.array_equal(out[1], out[3])


# --- the public steps' and the pictures' kernels (dlsim.models.som_inspect) ----------------------

def test_bmus_of_many_samples_are_the_training_search_s():
    W, _, rng = grid()
    X = rng.uniform(0, 1, (50, 3))
    X[7] = W[4] = W[9]   # a tie: the lower node, as the search decides it
    got = k.bmus(X, W)
    assert got.dtype == np.int64 and got.tolist() == [k.find_bmu(x, W)[0] for x in X]
    assert got[7] == 4 and np.array_equal(ref.bmus(X, W), got)
    assert k.bmus(np.zeros((0, 3)), W).shape == ref.bmus(np.zeros((0, 3)), W).shape == (0,)


def test_distances_and_neighbourhoods_of_every_node_are_the_scalar_kernels_bits():
    W, pos, rng = grid(hexagonal=True)
    x = rng.uniform(0, 1, 3)
    assert np.array_equal(k.distances2(x, W), [k.node_distance2(x, W, j) for j in range(len(W))])
    assert np.allclose(k.distances2(x, W), ref.distances2(x, W), rtol=1e-14, atol=0)
    for _, kind in KINDS:
        h = k.neighbourhoods(pos, 6, 1.7, kind)
        assert np.array_equal(h, [k.neighbourhood(k.grid_distance2(pos, j, 6), 1.7, kind) for j in range(len(W))])
        assert np.allclose(h, ref.neighbourhoods(pos, 6, 1.7, kind), rtol=1e-14, atol=1e-300)


@pytest.mark.parametrize("hexagonal", [False, True])
def test_umatrix_is_the_mean_distance_to_grid_neighbours(hexagonal):
    from dlsim.models.som_inspect import neighbour_pairs
    W, pos, _ = grid(hexagonal=hexagonal)
    brute = [np.mean([np.linalg.norm(W[j] - W[i]) for i in range(len(W))
                      if i != j and k.grid_distance2(pos, i, j) < k.NEIGHBOUR_D2]) for j in range(len(W))]
    pairs = neighbour_pairs(pos, 5)
    assert np.allclose(k.umatrix(W, pairs), brute, rtol=1e-13)
    assert np.array_equal(k.umatrix(W, pairs), ref.umatrix(W, pairs))   # pair by pair, in the same order
    assert np.array_equal(k.umatrix(W[:1], np.zeros((0, 2), np.int64)), [0.0])   # one node: no neighbours


@pytest.mark.parametrize("name,kind", KINDS)
def test_the_update_pass_alone_is_a_training_step_s(name, kind):
    W, pos, rng = grid(hexagonal=True)
    x = rng.uniform(0, 1, 3)
    stepped, pulled, pulled_ref = W.copy(), W.copy(), W.copy()
    best = k.train_sample(x, stepped, pos, 0.4, 1.5, kind)[0]
    k.pull_all(x, pulled, pos, best, 0.4, 1.5, kind)
    ref.pull_all(x, pulled_ref, pos, best, 0.4, 1.5, kind)
    assert np.array_equal(pulled, stepped)
    assert np.allclose(pulled_ref, stepped, rtol=1e-13, atol=1e-15)
    k.pull_all(x, pulled, pos, (best + 1) % len(W), 0.4, 1.5, kind)   # another centre: another pull
    assert not np.array_equal(pulled, stepped)
