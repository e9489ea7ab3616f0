"""The self-organizing map as a learner drives it: three paths to the same bits, exact rewind at
every level, the events a stepper shows, and the command line."""
import json

import numpy as np
import pytest

import dlsim
from dlsim.cli import main
from dlsim.errors import UserError
from dlsim.models.som import pca_grid
from dlsim.protocol.events import Level
from tests.test_stepper import assert_bit_identical, record, same_event


def small(**extra):
    config = {"rows": 3, "cols": 4, "samples": 12, "sigma": 2.0, "horizon": 2, **extra}
    return dlsim.make("som", seed=2, **config)


def op_epochs(sim, n):
    for _ in range(n):
        sim.step("epoch")


@pytest.mark.parametrize("extra", [
    {},
    {"topology": "hexagonal", "neighbourhood": "mexican_hat", "decay": "linear", "init": "pca"},
    {"dataset": "blobs", "neighbourhood": "bubble", "decay": "asymptotic", "order": "sequential"},
    {"dataset": "iris", "neighbourhood": "triangle", "init": "pca"},
], ids=["colors", "hexagonal", "blobs", "iris"])
def test_stepped_sampled_and_fused_paths_write_the_same_bits(extra):
    stepped, sampled, fused = small(**extra), small(**extra), small(**extra)
    op_epochs(stepped, 3)                                       # node by node, through the stepper
    for event in sampled.model.events(Level.SAMPLE):            # one compiled call per sample
        if event.op == "epoch" and event.values["epoch"] == 3:
            break
    fused.train(epochs=3)                                       # whole epochs in one call
    for sim in (sampled, fused):
        assert np.array_equal(sim.model.theta, stepped.model.theta)
        assert sim.history == stepped.history
        assert sim.model.steps == stepped.model.steps == 36


def test_an_op_level_sample_shows_the_search_then_the_update_pass():
    sim = small()
    events = []
    while not events or events[-1].closes < Level.BATCH:
        events.append(sim.step("op"))
    ops = [e.op for e in events]
    nodes = 12
    assert ops == ["distance"] * nodes + ["bmu"] + ["neighbourhood", "pull"] * nodes + ["step"]
    assert [e.closes for e in events if e.closes >= Level.LAYER] == [Level.LAYER, Level.LAYER, Level.BATCH]
    assert {e.phase for e in events} == {"forward", "update"}   # no loss, no gradient
    distances = [e.values["distance"] for e in events[:nodes]]
    bmu = events[nodes].values
    assert bmu["distance"] == min(distances) and distances[bmu["bmu"]] == bmu["distance"]
    assert sorted(distances)[1] == bmu["runner_up_distance"]
    first = events[0].values
    assert first["d2"] == sum(first["squares"]) and events[0].path == "som.node[0,0]"
    # the BMU itself moves by the full learning rate, h = 1
    mine = next(e for e in events if e.op == "pull" and e.path == events[nodes].path).values
    assert mine["h"] == 1.0
    assert mine["new"] == tuple(o + mine["lr"] * (x - o) for o, x in zip(mine["old"], mine["x"]))
    assert events[-1].values["lr"] == 0.5 and events[-1].values["sigma"] == 2.0


PLAN = {"op": (30, 41), "layer": (3, 5), "sample": (5, 9), "batch": (4, 9), "epoch": (1, 2)}


@pytest.mark.parametrize("level", list(PLAN))
def test_back_returns_to_the_same_bits_at_every_level(level):
    sim = small()
    first, further = PLAN[level]
    for _ in range(first):
        sim.step(level)
    here = record(sim)
    forward = [sim.step(level) for _ in range(further)]
    assert not np.array_equal(sim.model.theta, here[2]["theta"])
    for _ in range(further):
        sim.back(level)
    assert_bit_identical(sim, here)
    again = [sim.step(level) for _ in range(further)]
    assert all(same_event(a, b) for a, b in zip(forward, again))


def test_every_op_of_a_sample_rewinds_exactly():
    sim = small(rows=2, cols=2)
    sim.step("sample")
    states = [record(sim)]
    while sim.step("op").closes < Level.BATCH:
        states.append(record(sim))
    for snapshot in reversed(states):
        sim.back("op")
        assert_bit_identical(sim, snapshot)


def test_back_after_a_fused_run_and_a_live_lr_change():
    sim = small()
    sim.train(epochs=2)
    sim.set("lr", 0.25)
    here = record(sim)
    sim.step("epoch")
    assert sim.history[-1]["lr"] < 0.25
    sim.back("epoch")
    assert_bit_identical(sim, here)


def test_the_map_learns_the_colours():
    sim = dlsim.make("som", seed=0, rows=6, cols=6, samples=200)
    tangled = sim.evaluate()["topographic_error"]   # random samples as nodes: no order on the grid
    summary = sim.train(epochs=10)
    assert tangled > 0.5 and summary["topographic_error"] < 0.2   # neighbours now hold similar colours
    assert summary["quantization_error"] < 0.7 * sim.history[0]["quantization_error"]
    assert summary["lr"] < 0.5 and summary["sigma"] < 5.0
    assert sim.predict(sim.data.X[:3]).shape == (3,)


def test_pca_init_spans_the_data_along_its_main_axis():
    sim = dlsim.make("som", seed=0, dataset="blobs", rows=5, cols=5, init="pca")
    W = sim["weights"]
    along = W[-1, 2] - W[0, 2]   # first grid axis: the first principal component
    X = sim.data.X - sim.data.X.mean(axis=0)
    main_axis = np.linalg.svd(X, full_matrices=False)[2][0]
    assert abs(abs(along @ main_axis) - np.linalg.norm(along)) < 1e-9


def pca_reference(X, rows, cols, signs):
    """The nodes a PCA initialisation lays out, in plain NumPy from the covariance's eigenvectors
    (each taken with the sign given: an eigenvector's sign is arbitrary): ±1 standard deviation
    around the mean, rows along the first component, columns along the second, a lone row or
    column along the first."""
    mean = X.mean(axis=0)
    values, vectors = np.linalg.eigh(np.cov(X, rowvar=False))
    order = np.argsort(values)[::-1]
    sd_axes = [sign * np.sqrt(values[i]) * vectors[:, i] for sign, i in zip(signs, order)]
    W = np.broadcast_to(mean, (rows, cols, X.shape[1])).copy()
    spans = [(shape, n) for shape, n in (((-1, 1, 1), rows), ((1, -1, 1), cols)) if n > 1]
    for (shape, n), step in zip(spans, sd_axes):
        W += np.linspace(-1.0, 1.0, n).reshape(shape) * step
    return W


@pytest.mark.parametrize("rows, cols", [(1, 6), (1, 2), (4, 3), (6, 1), (1, 1)])
def test_pca_init_lays_the_nodes_as_numpy_does(rows, cols):
    """One row: a line along the first principal component, centred on the mean. (The options
    refuse one column; the layout gives it the same line, and a lone node the mean.)"""
    X = dlsim.make("som", rows=1, cols=2, dataset="blobs").data.X
    if cols > 1:
        W = dlsim.make("som", rows=rows, cols=cols, init="pca", dataset="blobs")["weights"]
    else:
        W = pca_grid(X, rows, cols)
    assert np.allclose(W.mean(axis=(0, 1)), X.mean(axis=0), atol=1e-9)
    assert any(np.allclose(W, pca_reference(X, rows, cols, signs), atol=1e-9)
               for signs in ((1, 1), (1, -1), (-1, 1), (-1, -1)))


def test_bad_options_say_what_is_allowed():
    with pytest.raises(UserError, match="option 'topology'.*rectangular, hexagonal"):
        dlsim.make("som", topology="hex")
    with pytest.raises(UserError, match="option 'sigma'"):
        dlsim.make("som", sigma=0)
    with pytest.raises(UserError, match=r"option 'lr'.*<= 1.0"):   # beyond 1 a pull overshoots, and grows
        dlsim.make("som", lr=1.5)


def test_list_shows_the_som(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for word in ("som —", "colors, blobs, ring, moons, iris", "hexagonal", "mexican_hat", "asymptotic"):
        assert word in out


def test_headless_run_writes_a_trace(tmp_path, capsys):
    path = tmp_path / "t.jsonl"
    code = main(["run", "som", "--headless", "--epochs", "2", "--set", "rows=3", "--set", "cols=3",
                 "--set", "samples=20", "--dataset", "ring", "--trace", str(path)])
    assert code == 0
    out = capsys.readouterr().out
    assert "som on ring: 2 epochs, 40 steps" in out and "quantization error 0." in out
    records = [json.loads(line) for line in path.read_text().splitlines()]
    assert records[0]["model"] == "som" and records[-1]["type"] == "summary"
    epochs = [r["values"] for r in records if r.get("op") == "epoch"]
    assert [e["epoch"] for e in epochs] == [1, 2] and 0 < epochs[-1]["quantization_error"]
    assert len([r for r in records if r.get("op") == "step"]) == 40


def test_the_math_panel_writes_each_op_with_its_numbers():
    from dlsim.sim.formulas import describe
    sim = small(neighbourhood="bubble")
    texts = {}
    while True:
        event = sim.step("op")
        texts.setdefault(event.op, describe(event))
        if event.closes >= Level.BATCH:
            break
    assert texts["distance"].startswith("‖x − w‖ = √((") and "= √" in texts["distance"]
    assert texts["bmu"].startswith("BMU of sample ")
    assert "1 if d ≤ σ else 0" in texts["neighbourhood"] and "σ = 2.000" in texts["neighbourhood"]
    assert texts["pull"].startswith("w ← w + lr·h·(x − w) = (")
    assert "lr 0.500, σ 2.000" in texts["step"]
    assert describe(sim.step("epoch")).startswith("epoch 1 done")
