"""What the SOM's pictures show (SOM.inspect), and its public steps (winner, update): the numbers equal
a plain NumPy computation and the training's own bits, reach the app and the headless trace alike,
and a wrong shape is refused in one line."""
import json
import re

import numpy as np
import pytest

import dlsim
from dlsim.cli import main
from dlsim.errors import UserError
from dlsim.kernels import readiness
from dlsim.protocol.events import Level
from dlsim.console.trace_file import read_trace
from tests.test_stepper import assert_bit_identical, record

OPTIONS = {"rows": 3, "cols": 4, "samples": 12, "sigma": 2.0, "horizon": 2}


def small(**extra):
    return dlsim.make("som", seed=2, **{**OPTIONS, **extra})


def until(sim, op, level="op"):
    while True:
        event = sim.step(level)
        if event.op == op:
            return event


def plain_distances(x, W):
    return np.sqrt(((x[None, :] - W) ** 2).sum(axis=1))


# --- what inspect() shows, against plain NumPy ------------------------------------------------------

@pytest.mark.parametrize("extra", [{}, {"topology": "hexagonal", "neighbourhood": "mexican_hat", "dataset": "moons"}],
                         ids=["colors", "hexagonal"])
def test_inspected_values_equal_a_plain_numpy_computation(extra):
    sim = small(**extra)
    sim.step("sample")
    until(sim, "bmu")
    for _ in range(5):
        sim.step("op")                                     # into the update pass
    m, shown = sim.model, sim.inspect()
    assert set(shown) == set(m.inspected)                  # every name has a value here
    W, X, pos, s = m.W, m.X, m.pos, shown["sample"]
    bmu_event = sim.trace.events[("bmu", m.node_path(shown["bmu"]))]
    assert s == bmu_event.values["sample"] == m.order(0)[1]
    assert (shown["bmu_row"], shown["bmu_col"]) == divmod(shown["bmu"], 4)
    assert np.allclose(shown["distances"].ravel(), plain_distances(X[s], W), rtol=1e-14, atol=0)
    lr, sigma = shown["lr"], shown["sigma"]
    pulled = next(e for (op, _), e in sim.trace.events.items() if op == "pull").values
    assert (lr, sigma) == (pulled["lr"], sim.trace.events[("neighbourhood", m.node_path(0))].values["sigma"])
    g2 = ((pos - pos[shown["bmu"]]) ** 2).sum(axis=1)
    h = np.exp(-g2 / (2 * sigma**2)) if not extra else (1 - g2 / sigma**2) * np.exp(-0.5 * g2 / sigma**2)
    assert shown["neighbourhood"].shape == (3, 4) and np.allclose(shown["neighbourhood"].ravel(), h, rtol=1e-14)
    nearest = ((X[:, None, :] - W[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)
    assert np.array_equal(shown["hits"].ravel(), np.bincount(nearest, minlength=12)) and shown["hits"].sum() == 12
    brute = [np.mean([np.linalg.norm(W[j] - W[i]) for i in range(12)
                      if i != j and ((pos[i] - pos[j]) ** 2).sum() < 1.5]) for j in range(12)]
    assert np.allclose(shown["umatrix"].ravel(), brute, rtol=1e-13)


def test_the_pictures_show_the_numbers_the_ops_used():
    sim = small()
    first = sim.step("op")                                 # the search's first distance
    mid = sim.inspect()
    assert "bmu" not in mid and "neighbourhood" not in mid  # nothing found yet
    assert mid["sample"] == sim.model.order(0)[0]           # but the sample in hand is known
    assert mid["distances"][0, 0] == first.values["distance"]
    found = until(sim, "bmu")
    shown = sim.inspect()
    searched = [e.values["distance"] for (op, _), e in sim.trace.events.items() if op == "distance"]
    assert shown["distances"].ravel().tolist() == searched  # the search's own numbers, bit for bit
    assert shown["bmu"] == found.values["bmu"] and "neighbourhood" not in shown
    while (event := sim.step("op")).closes < Level.BATCH:
        if event.op == "neighbourhood":
            r, c = map(int, re.search(r"node\[(\d+),(\d+)\]", event.path).groups())
            assert sim.inspect()["neighbourhood"][r, c] == event.values["h"]
    done = sim.inspect()
    assert "neighbourhood" not in done and done["bmu"] == event.values["bmu"]   # the sample just done
    assert (done["lr"], done["sigma"]) == sim.model.rates() != (event.values["lr"], event.values["sigma"])


def test_nothing_about_a_sample_before_the_first_step_or_after_an_epoch():
    sim = small()
    assert set(sim.inspect()) == {"umatrix", "hits", "lr", "sigma"}
    sim.step("epoch")
    assert set(sim.inspect()) == {"umatrix", "hits", "lr", "sigma"}


def test_the_hit_map_follows_the_weights():
    sim = small(dataset="moons")
    before = sim.inspect()["hits"]
    assert sim.inspect()["hits"] is not before              # a copy each time: callers may write into it
    W = sim["weights"]
    W[0, 0] = sim.data.X[:6].mean(axis=0)                  # node [0,0] now the nearest for some samples
    sim["weights"] = W
    after = sim.inspect()["hits"]
    nearest = ((sim.data.X[:, None, :] - sim.model.W[None]) ** 2).sum(axis=2).argmin(axis=1)
    assert np.array_equal(after.ravel(), np.bincount(nearest, minlength=12)) and not np.array_equal(after, before)


def test_while_the_kernels_compile_the_pictures_come_from_the_numpy_references():
    sim = small(dataset="moons")
    until(sim, "bmu")
    compiled = sim.inspect()
    readiness.getting_ready("som")
    try:
        fallback = sim.inspect()
    finally:
        readiness.mark_ready("som")
    assert fallback.keys() == compiled.keys()
    for name, value in compiled.items():
        assert np.allclose(fallback[name], value, rtol=1e-13, atol=0), name


# --- the public steps ---------------------------------------------------------------------------------

@pytest.mark.parametrize("extra", [{}, {"topology": "hexagonal", "neighbourhood": "triangle", "decay": "linear"},
                                   {"neighbourhood": "mexican_hat", "backend": "numpy"}],
                         ids=["gaussian", "triangle", "numpy"])
@pytest.mark.parametrize("detail", ["op", "batch"])
def test_winner_and_update_are_a_training_step_bit_for_bit(extra, detail):
    sim = small(**extra)
    for _ in range(5):
        sim.step("sample", detail=detail)
    m = sim.model
    x = m.X[m.order(m.epoch)[m.index]]                     # the next sample the training takes
    b, new, theta = m.winner(x), m.update(x), m.theta.copy()
    assert np.array_equal(m.theta, theta)                  # pure: nothing changed yet
    step = sim.step("sample", detail=detail)
    assert step.values["bmu"] == b and isinstance(b, int)
    assert new.shape == (3, 4, 3) and np.array_equal(m.theta, new.ravel())
    X = m.X[:7]
    assert m.winner(X).tolist() == [m.winner(row) for row in X] == sim.predict(X).tolist()


def test_update_takes_the_bmu_and_rates_it_is_given():
    sim = small()
    m, x = sim.model, sim.data.X[3]
    W = m.W.copy()
    pulled = m.update(x, bmu=11, lr=0.25, sigma=0.5).reshape(12, 3)
    h = np.exp(-((m.pos - m.pos[11]) ** 2).sum(axis=1) / (2 * 0.5**2))
    assert np.array_equal(pulled, W + (0.25 * h)[:, None] * (x - W))
    assert np.array_equal(pulled[11], W[11] + 0.25 * (x - W[11]))   # the centre moves by the whole lr


def test_an_update_written_through_the_simulation_rewinds_exactly():
    sim = small()
    for _ in range(3):
        sim.step("sample")
    before = record(sim)
    sim["weights"] = sim.model.update(sim.data.X[0], bmu=0, lr=0.9, sigma=3.0)
    edited = record(sim)
    assert not np.array_equal(edited[2]["theta"], before[2]["theta"])
    sim.step("sample")
    after = record(sim)
    sim.back("sample")
    assert_bit_identical(sim, edited)                      # the edit is replayed where it was made
    sim.step("sample")
    assert_bit_identical(sim, after)
    sim.back("sample")
    sim.back("sample")                                     # to before the edit: it is undone
    sim.step("sample")
    assert_bit_identical(sim, before)


def test_exercise_runs_the_pictures_and_the_steps_and_changes_nothing():
    sim = small()
    here = record(sim)
    sim.model.exercise()
    assert_bit_identical(sim, here)


@pytest.mark.parametrize("call, message", [
    (lambda m: m.winner([0.1, 0.2]), "inputs: a sample has 3 numbers, got 2"),
    (lambda m: m.winner(np.zeros((4, 2))), r"inputs must be rows of 3 numbers \(shape \(N, 3\)\), got shape \(4, 2\)"),
    (lambda m: m.winner([[0.1, 0.2, 0.3], [0.1]]), "inputs must be an array of numbers"),
    (lambda m: m.winner([0.1, np.nan, 0.3]), "finite numbers"),
    (lambda m: m.predict(np.zeros((2, 5))), r"got shape \(2, 5\)"),
    (lambda m: m.update(np.zeros(4)), "x: a sample has 3 numbers, got 4"),
    (lambda m: m.update(np.zeros((2, 3))), r"update takes one sample \(shape \(3,\)\), got shape \(2, 3\)"),
    (lambda m: m.update(np.zeros(3), bmu=12), "bmu must be a node number from 0 to 11, got 12"),
    (lambda m: m.update(np.zeros(3), bmu=1.0), "bmu must be a node number"),
    (lambda m: m.update(np.zeros(3), lr=1.5), "lr must be a number above 0 and at most 1"),
    (lambda m: m.update(np.zeros(3), sigma=0), "sigma must be a number above 0 and finite"),
    (lambda m: m.update(np.zeros(3), sigma=np.inf), "sigma must be a number above 0 and finite"),
])
def test_wrong_shapes_and_values_are_refused_in_one_line(call, message):
    with pytest.raises(UserError, match=message) as refused:
        call(small().model)
    assert "\n" not in str(refused.value)


# --- the same numbers in the app and in the headless trace ------------------------------------------

def test_the_app_and_the_headless_trace_show_the_same_pictures(tmp_path, capsys):
    from dlsim.tui.session import Session
    from dlsim.tui.views.som import SOMView
    options = {"rows": 3, "cols": 4, "samples": 10}
    path = tmp_path / "t.jsonl"
    args = ["run", "som", "--headless", "--epochs", "1", "--dataset", "ring", "--trace", str(path), "--trace-inspect"]
    assert main(args + [f"--set={k}={v}" for k, v in options.items()]) == 0
    capsys.readouterr()
    records = read_trace(path)
    steps = [r for r in records if r.get("op") == "step"]
    assert len(steps) == 10 and set(steps[0]["inspect"]) == set(dlsim.make("som").model.inspected) - {"neighbourhood"}
    session = Session(dlsim.make("som", dataset="ring", **options))
    view = SOMView(session)
    for traced in steps[:4]:
        session.step("batch")                              # op by op in the app, compiled samples headless
        shown, drawn = session.sim.inspect(), view.extras(session.model)
        assert json.loads(json.dumps({k: v.tolist() if isinstance(v, np.ndarray) else v
                                      for k, v in shown.items()})) == traced["inspect"]
        assert (drawn["bmu"], drawn["sample"]) == (traced["inspect"]["bmu"], traced["inspect"]["sample"])
        assert drawn["hits"].tolist() == np.ravel(traced["inspect"]["hits"]).tolist()
        assert drawn["umatrix"].tolist() == np.ravel(traced["inspect"]["umatrix"]).tolist()
    epoch = next(r for r in records if r.get("op") == "epoch")["inspect"]
    assert "bmu" not in epoch and len(epoch["umatrix"]) == 3


def test_grid_neighbours_are_found_in_linear_time():
    from dlsim.kernels import som as k
    from dlsim.kernels.som_reference import grid_positions
    from dlsim.models.som_inspect import neighbour_pairs
    for hexagonal in (False, True):
        pos = grid_positions(5, 7, hexagonal)
        brute = {(i, j) for i in range(35) for j in range(i + 1, 35) if k.grid_distance2(pos, i, j) < k.NEIGHBOUR_D2}
        assert {tuple(p) for p in neighbour_pairs(pos, 7).tolist()} == brute
    assert len(neighbour_pairs(grid_positions(200, 200, False), 200)) == 2 * 200 * 199
    assert np.array_equal(neighbour_pairs(grid_positions(1, 2, False), 2), [[0, 1]])


# --- the neighbourhood radius the picture of input space marks ---------------------------------------

def test_the_radius_is_the_nodes_within_sigma_of_the_bmu_on_the_grid():
    sim = small(rows=5, cols=5, samples=20, sigma=1.2)
    assert "radius" not in sim.inspect()                  # no BMU yet
    found = until(sim, "bmu")
    radius = sim.inspect()["radius"]
    r, c = divmod(found.values["bmu"], 5)
    sigma = sim.inspect()["sigma"]
    expected = np.array([[(i - r) ** 2 + (j - c) ** 2 <= sigma ** 2 for j in range(5)] for i in range(5)])
    assert radius.dtype == bool and np.array_equal(radius, expected)
    assert radius[r, c] and radius.sum() == expected.sum() and 1 < radius.sum() < 25
    done = until(sim, "step")                             # the sample just done: the σ it used
    used = done.values["sigma"]
    assert sim.inspect()["sigma"] != used
    g2 = ((sim.model.pos - sim.model.pos[done.values["bmu"]]) ** 2).sum(axis=1)
    assert np.array_equal(sim.inspect()["radius"].ravel(), g2 <= used ** 2)


# --- what the topographic error counts as adjacent, and that the learner is told ---------------------

def _two_nearest(first: int, second: int, **extra):
    """A 3×3 map whose weights make `first` the nearest node to every sample and `second` the next."""
    sim = dlsim.make("som", seed=0, dataset="moons", rows=3, cols=3, samples=10, **extra)
    X = sim.data.X
    W = np.full((3, 3, 2), 100.0) + np.arange(9).reshape(3, 3, 1)   # every other node far away
    W[divmod(first, 3)] = X.mean(axis=0)
    W[divmod(second, 3)] = X.mean(axis=0) + 0.01 * (X.max(axis=0) - X.min(axis=0)) + 5.0
    sim["weights"] = W
    return sim.model


@pytest.mark.parametrize("second, error", [(1, 0.0), (3, 0.0), (4, 1.0), (2, 1.0)],
                         ids=["side", "below", "diagonal", "two apart"])
def test_a_rectangular_grid_counts_only_side_by_side_nodes_as_adjacent(second, error):
    model = _two_nearest(0, second)
    assert model.evaluate()["topographic_error"] == error   # MiniSom would give 0 for the diagonal


def test_on_a_hexagonal_grid_the_six_around_a_node_are_adjacent():
    # node 4 sits at the centre of the 3×3 hexagonal grid (row 1 shifted right by ½): its six
    # neighbours are 1 and 2 above, 3 and 5 beside, 7 and 8 below; 0 and 6 are not
    for second in (1, 2, 3, 5, 7, 8, 0, 6):
        expected = 1.0 if second in (0, 6) else 0.0
        assert _two_nearest(4, second, topology="hexagonal").evaluate()["topographic_error"] == expected


def test_the_epoch_formula_and_the_topology_option_say_what_counts_as_adjacent():
    sim = small()
    event = sim.step("epoch")
    text = sim.model.formulas[event.op](event)
    assert f"topographic error {event.values['topographic_error']:.3f}" in text
    assert "diagonals" in text and "MiniSom" in text and "hexagonal grid 6" in text
    topology = next(o for o in sim.model.options if o.name == "topology")
    assert "diagonals" in topology.help and "MiniSom" in topology.help
