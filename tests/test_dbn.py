"""The deep belief network as a learner drives it: the stepped, batched and fused paths to the same
bits across the stages (pre-training each layer, then fine-tuning), exact rewind over random
step/back sequences at every level, pre-training layer 1 being the standalone RBM's to the bit, each
layer above learning the frozen layer's probabilities, fine-tuning starting from the RBMs' weights
with its gradients checked against central finite differences, headless traces, and mistakes."""
import json

import numpy as np
import pytest

import dlsim
from dlsim.errors import UserError
from dlsim.protocol.events import Level
from tests.test_stepper import same_event, same_value

SMALL = {"layers": (5, 3), "pretrain": 1, "samples": 12, "test": 4, "batch": 5, "seed": 3, "k": 2}
CONFIGS = {
    "cd": {},
    "pcd-adam": {"method": "pcd", "optimizer": "adam", "lr": 0.01, "finetune_lr": 0.01},
    "no-pretraining": {"pretrain": 0},
    "bars-momentum": {"dataset": "bars", "optimizer": "momentum", "samples": 20},
}


def small(**extra):
    return dlsim.make("dbn", **{**SMALL, **extra})


def same(a, b):
    """Equal to the bit, through the nested lists, dicts and arrays of a state."""
    if isinstance(a, (list, tuple)) and not isinstance(a, str):
        return isinstance(b, (list, tuple)) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return same_value(a, b)


def everything(sim):
    """Every part's state, the DBN's schedule on top: what must come back to the bit."""
    return sim.model.state()


@pytest.mark.parametrize("name", list(CONFIGS))
def test_stepped_batched_and_fused_paths_write_the_same_bits_through_every_stage(name):
    stepped, batched, fused = small(**CONFIGS[name]), small(**CONFIGS[name]), small(**CONFIGS[name])
    start = stepped.model.flat_params().copy()
    for _ in range(4):
        stepped.step("epoch")                                   # op by op, through layer 1, 2, fine-tuning
    events = batched.model.events(Level.BATCH)                   # one compiled call per batch
    while batched.model.epoch < 4:
        next(events)
    fused.model.train_fused(4)
    assert not np.array_equal(stepped.model.flat_params(), start)
    stages = [2, 2, 2, 2] if CONFIGS[name].get("pretrain") == 0 else [0, 1, 2, 2]   # layer 1, 2, fine-tuning
    assert [h["part"] for h in stepped.model.history] == stages and "finetune_loss" in stepped.model.history[-1]
    for sim in (batched, fused):
        assert same(everything(sim), everything(stepped))
        assert [h["loss"] for h in sim.model.history] == [h["loss"] for h in stepped.model.history]


def test_layer_one_pretrains_exactly_as_the_standalone_rbm_does():
    dbn = dlsim.make("dbn", layers=(6, 3), pretrain=3, samples=20, test=5, batch=4, seed=2, k=2)
    rbm = dlsim.make("rbm", dataset="digits", hidden=6, samples=20, test=5, batch=4, seed=2, k=2)
    for _ in range(2):
        dbn.step("epoch")
        rbm.step("epoch")
    assert np.array_equal(dbn.model.rbms[0].theta, rbm.model.theta)
    assert [h["train_recon"] for h in dbn.model.history] == [h["train_recon"] for h in rbm.model.history]


def test_each_layer_learns_the_frozen_layer_below_s_probabilities():
    sim = small(pretrain=2)
    sim.step("epoch")
    sim.step("epoch")
    first = sim.model.rbms[0].theta.copy()
    assert sim.model.history[-1]["part"] == 0 and "layer1_loss" in sim.model.history[-1]
    p = sim.model.layer_probabilities(sim.model.rbms[0].X, layer=0)[0]
    assert np.array_equal(sim.model.rbms[1].X, p)              # layer 2's data: p(h|v) of layer 1
    sim.step("epoch")
    assert sim.inspect()["stage"] == "pretraining layer 2" and sim.inspect()["frozen"] == 1
    assert np.array_equal(sim.model.rbms[0].theta, first)      # frozen while layer 2 learns
    assert not np.array_equal(sim.model.rbms[1].theta, small(pretrain=2).model.rbms[1].theta)


def test_fine_tuning_starts_from_the_rbms_weights_and_hidden_biases():
    sim = small()
    sim.step("epoch")
    sim.step("epoch")
    model = sim.model
    assert model.stage() == 2
    for (W, b), rbm in zip(model.mlp.layers(), model.rbms):
        assert np.array_equal(W, rbm.params["W"]) and np.array_equal(b, rbm.params["b"])
    event = sim.step("op")
    assert event.path.startswith("mlp.layer[0]") and event.phase == "forward"


def test_without_pretraining_fine_tuning_starts_from_its_own_random_weights():
    model = small(pretrain=0).model
    assert model.stage() == 2
    assert not np.array_equal(model.mlp.layers()[0][0], model.rbms[0].params["W"])


PLAN = {"op": (30, 41), "layer": (6, 9), "sample": (9, 7), "batch": (2, 4), "epoch": (1, 2)}


@pytest.mark.parametrize("level", list(PLAN))
def test_back_returns_to_the_same_bits_across_a_stage_change(level):
    sim = small(method="pcd")
    first, further = PLAN[level]
    if level != "epoch":
        sim.step("epoch")   # the stage change (layer 2 takes layer 1's probabilities) is within reach
    for _ in range(first):
        sim.step(level)
    here, position = everything(sim), sim.position
    forward = [sim.step(level) for _ in range(further)]
    for _ in range(further):
        sim.back(level)
    assert sim.position == position and same(everything(sim), here)
    again = [sim.step(level) for _ in range(further)]
    assert all(same_event(a, b) for a, b in zip(forward, again))


def test_random_steps_and_backs_replay_exactly():
    rng = np.random.default_rng(5)
    sim = small()
    seen = {}
    levels = ["op", "layer", "sample", "batch", "epoch"]
    for _ in range(80):
        level = levels[rng.integers(len(levels))]
        if rng.random() < 0.4 and sim.stepper.position > 0:
            sim.back(level)
        else:
            sim.step(level)
        key = sim.stepper.position
        now = np.concatenate([sim.model.flat_params()] + [r.X.ravel() for r in sim.model.rbms])
        if key in seen:
            assert np.array_equal(seen[key], now)
        seen[key] = now
    assert sim.model.epoch >= 1


def test_fine_tuning_gradients_match_central_finite_differences():
    sim = small()
    sim.train(epochs=3)
    model = sim.model
    X, y = model.data.X_test.reshape(4, -1), model.data.y_test
    Y = np.eye(model.data.classes)[y]
    loss, grads = model.gradients(X, Y)
    theta, mlp, h = model.mlp.theta, model.mlp, 1e-6
    flat = np.concatenate([g.ravel() for g in grads.values()])
    for q in np.random.default_rng(0).choice(len(theta), 25, replace=False):
        keep = theta[q]
        theta[q] = keep + h
        up = mlp.gradients(X, Y)[0]
        theta[q] = keep - h
        down = mlp.gradients(X, Y)[0]
        theta[q] = keep
        assert abs((up - down) / (2 * h) - flat[q]) < 1e-6 * max(1.0, abs(flat[q])), q
    assert loss > 0
    by_labels = sim.gradients(X, y)   # the API, with class numbers
    assert all(np.array_equal(by_labels[k], grads[k]) for k in grads)
    with pytest.raises(UserError, match="class numbers"):
        sim.gradients(X, [0, 1, 2, 10])


def test_pretraining_then_fine_tuning_classifies_the_digits():
    sim = dlsim.make("dbn", layers=(32,), pretrain=3, samples=300, test=100, seed=1)
    summary = sim.train(epochs=13)
    assert summary["part"] == 1 and summary["test_acc"] > 0.6
    p = sim.probabilities(sim.model.data.X_test[:5])
    assert p.shape == (5, 10) and np.allclose(p.sum(axis=1), 1.0)


@pytest.mark.parametrize("options, words", [
    ({"batch": 500}, "larger than the"),
    ({"pretrain": 0, "finetune": "off"}, "nothing to train"),
    ({"layers": "0"}, "at least one hidden layer"),
])
def test_bad_options_say_what_to_do(options, words):
    with pytest.raises(UserError, match=words):
        small(**options)


def test_without_test_images_it_trains_through_every_stage():
    summary = small(test=0).train(epochs=3)
    assert summary["part"] == 2 and summary["test_acc"] is None and summary["train_acc"] is not None


def test_the_bench_prints_each_layers_time_and_the_ratios(capsys):
    from dlsim.bench import benches
    assert "dbn" in benches()
    benches()["dbn"].main("dbn", quick=True)
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("layer")]
    assert [r.split()[1] for r in rows] == ["1", "2", "3"]
    assert all(r.count("×") >= 1 for r in rows)


def test_bad_inputs_give_one_line():
    model = small().model
    with pytest.raises(UserError, match="shape"):
        model.probabilities(np.zeros((2, 3)))
    with pytest.raises(UserError, match="binary"):
        model.layer_probabilities(np.full((2, 64), 0.5))


def test_the_math_panel_writes_every_op_of_every_stage():
    from dlsim.sim.formulas import describe
    sim = small()
    texts = {}
    while sim.model.epoch < 3:
        event = sim.step("op")
        texts.setdefault((event.path.split(".")[0].split("[")[0], event.op), describe(event))
    assert all(text and "None" not in text for text in texts.values()), texts
    assert texts[("rbm", "p_h")].startswith("p(h=1|v) = σ(")
    assert texts[("mlp", "weighted_sum")].startswith("z = ")
    assert texts[("dbn", "epoch")].startswith("pretraining layer 1: epoch 1 done")


def test_inspect_names_only_what_it_declares():
    sim = small()
    while sim.step("op").op != "reconstruct":
        pass
    shown = sim.inspect()
    assert set(shown) <= set(sim.model.inspected)
    assert shown["stage"] == "pretraining layer 1" and shown["fields"].shape == (5, 8, 8)
    sim.step("epoch")
    sim.step("epoch")
    sim.step("epoch")
    shown = sim.inspect()
    assert set(shown) <= set(sim.model.inspected) and shown["stage"] == "fine-tuning" and "test_acc" in shown


def test_a_headless_run_writes_a_trace(tmp_path, capsys):
    from dlsim.cli import main
    path = tmp_path / "t.jsonl"
    args = ["run", "dbn", "--headless", "--epochs", "3", "--trace", str(path), "--trace-level", "op", "--trace-inspect"]
    # five samples, one batch: every op of both stages is traced (with 12 samples the trace was 120 MB)
    for key, value in {**SMALL, "layers": "5,3", "samples": 5, "test": 2}.items():
        args += ["--set", f"{key}={value}"]
    assert main(args) == 0
    assert "dbn on digits: 3 epochs" in capsys.readouterr().out
    records = [json.loads(line) for line in path.read_text().splitlines()]
    ops = {r["op"] for r in records if r.get("type") == "event"}
    assert {"p_h", "sample_h", "positive", "negative", "update", "weighted_sum", "delta", "grad", "epoch"} <= ops
    names = set(dlsim.make("dbn", **SMALL).model.inspected)
    assert all(set(r["inspect"]) <= names for r in records if "inspect" in r)
