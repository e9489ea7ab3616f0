"""The RBF network as a learner drives it: the stepped, batched and fused paths to the same bits for
each way of placing the centres and fitting the weights, exact rewind at every level, gradients
against central finite differences, the kernels against their NumPy reference, the fit of the sine,
and the mistakes a user can make."""
import numpy as np
import pytest

import dlsim
from dlsim.errors import UserError
from dlsim.kernels import rbf as kernels
from dlsim.kernels import rbf_reference as reference
from dlsim.protocol.events import Level
from tests.rewind_checks import back_then_forward_again
from tests.test_stepper import assert_bit_identical, record

CONFIGS = {
    "kmeans-solve": {"kmeans": 2},
    "grid-delta": {"placement": "grid", "fit": "delta", "optimizer": "momentum", "batch": 5},
    "learned-adam": {"placement": "learned", "fit": "delta", "optimizer": "adam", "lr": 0.05, "batch": 4},
    "xor-kmeans-delta": {"dataset": "xor", "centres": 4, "kmeans": 1, "fit": "delta", "batch": 0},
    "moons-learned": {"dataset": "moons", "centres": 4, "placement": "learned", "fit": "delta", "batch": 1},
}


def small(**extra):
    return dlsim.make("rbf", seed=3, **{"centres": 5, "samples": 12, "test": 4, **extra})


@pytest.mark.parametrize("name", list(CONFIGS))
def test_stepped_batched_and_fused_paths_write_the_same_bits(name):
    extra = CONFIGS[name]
    stepped, batched, fused, grouped = small(**extra), small(**extra), small(**extra), small(**extra)
    start = stepped.model.theta.copy()
    for _ in range(3):
        stepped.step("epoch")                                  # op by op
    for event in batched.model.events(Level.BATCH):            # one compiled call per batch
        if event.op == "epoch" and event.values["epoch"] == 3:
            break
    fused.model.train_fused(3)
    grouped.model.train_fused(3, every=2)                      # the app's run: evaluated once a call
    assert not np.array_equal(stepped.model.theta, start)
    assert grouped.model.history[-1]["test_loss"] == stepped.model.history[-1]["test_loss"]
    for sim in (batched, fused, grouped):
        for key in ("theta", "m", "v"):
            assert np.array_equal(getattr(sim.model, key), getattr(stepped.model, key)), key
        assert sim.model.steps == stepped.model.steps
        assert [h["loss"] for h in sim.model.history] == [h["loss"] for h in stepped.model.history]


def test_the_solve_ends_training():
    sim = small(kmeans=2)
    summary = sim.train(epochs=50)
    assert summary["converged"] and summary["epochs"] == 3 and sim.model.epoch == 3


def op_names(sim, until=Level.BATCH):
    events = []
    while not events or events[-1].closes < until:
        events.append(sim.step("op"))
    return events


def test_a_kmeans_pass_assigns_every_sample_then_moves_every_centre():
    sim = small(kmeans=2)
    events = op_names(sim)
    ops = [e.op for e in events]
    assert ops == (["distance"] * 5 + ["assign"]) * 12 + ["move"] * 5 + ["batch"]
    first = events[:5]
    assign = events[5].values
    assert assign["d2"] == min(e.values["d2"] for e in first)
    moves = [e.values for e in events if e.op == "move"]
    assert sum(m["count"] for m in moves) == 12
    assert events[-1].values["stage"] == "kmeans"


def test_a_delta_sample_goes_forward_then_back_into_every_learned_parameter():
    sim = small(placement="learned", fit="delta", centres=2, batch=1)
    events = op_names(sim, Level.SAMPLE)
    ops = [e.op for e in events]
    assert ops == ["distance"] * 2 + ["gaussian"] * 2 + ["output", "loss", "delta"] + ["grad"] * (2 + 1 + 2 * (1 + 1))
    g = {e.values["of"] for e in events if e.op == "grad"}
    assert g == {"w", "b", "c", "sigma"}
    phi = [e.values["phi"] for e in events if e.op == "gaussian"]
    out = next(e for e in events if e.op == "output").values
    w, b = sim.model.params["weights"], sim.model.params["bias"][0]
    assert out["yhat"] == b + w[0] * phi[0] + w[1] * phi[1]
    updates = [e for e in op_names(sim) if e.op == "update"]
    assert len(updates) == sim.model.theta.size   # every parameter learns


PLAN = {"op": (30, 41), "layer": (3, 5), "sample": (5, 9), "batch": (2, 3), "epoch": (1, 2)}


@pytest.mark.parametrize("level", list(PLAN))
@pytest.mark.parametrize("name", ["kmeans-solve", "learned-adam"])
def test_back_returns_to_the_same_bits_at_every_level(level, name):
    sim = small(**CONFIGS[name])
    back_then_forward_again(sim, level, *PLAN[level], record, lambda _, here: assert_bit_identical(sim, here) is None)


def test_random_steps_and_backs_replay_exactly():
    rng = np.random.default_rng(5)
    sim = small(**CONFIGS["kmeans-solve"], fit="delta", batch=5)
    seen = {}
    levels = ["op", "layer", "sample", "batch", "epoch"]
    for _ in range(60):
        level = levels[rng.integers(len(levels))]
        if rng.random() < 0.4 and sim.stepper.position > 0:
            sim.back(level)
        else:
            sim.step(level)
        key = sim.stepper.position
        now = sim.model.theta.copy()
        if key in seen:
            assert np.array_equal(seen[key], now)
        seen[key] = now


H = 1e-6


@pytest.mark.parametrize("dataset", ["sine", "moons"])
def test_gradients_match_central_finite_differences(dataset):
    sim = small(dataset=dataset, centres=3, placement="learned", fit="delta")
    model = sim.model
    rng = np.random.default_rng(0)
    model.params["weights"][:] = rng.normal(0, 1, 3)
    model.params["sigma"][:] = rng.uniform(0.4, 1.2, 3)
    X, T = model.X, model.T
    _, grads = model.gradients(X, T)
    for name, param in model.params.items():
        for index in np.ndindex(param.shape):
            keep = param[index]
            param[index] = keep + H
            up = model.gradients(X, T)[0]
            param[index] = keep - H
            down = model.gradients(X, T)[0]
            param[index] = keep
            assert grads[name][index] == pytest.approx((up - down) / (2 * H), rel=1e-6, abs=1e-9), (name, index)


def test_the_stepped_gradient_is_the_api_gradient():
    """The gradient a full batch accumulates op by op is what gradients() says (the same sums)."""
    sim = small(placement="learned", fit="delta", centres=3, batch=0, optimizer="sgd")
    model = sim.model
    rows = model.batch_rows()
    _, expected = model.gradients(model.X[rows], model.T[rows])
    while sim.step("op").op != "update":
        pass
    for name, g in model.accumulated_gradients().items():
        np.testing.assert_allclose(g, expected[name], rtol=1e-12, atol=1e-15)


def _random_theta(rng, K, D):
    return np.concatenate([rng.normal(0, 1, K), [0.3], rng.normal(0, 1, K * D), rng.uniform(0.5, 1.5, K)])


def test_the_kernels_agree_with_the_numpy_reference():
    rng = np.random.default_rng(1)
    K, D, N = 4, 2, 15
    theta, X, T = _random_theta(rng, K, D), rng.normal(0, 1, (N, D)), rng.normal(0, 1, N)
    outs = []
    for module in (kernels, reference):
        Phi, out = np.zeros((N, K)), np.zeros(N)
        module.forward(theta, K, D, X, Phi, out)
        grad = np.zeros_like(theta)
        loss = module.gradients(theta, grad, K, D, X, T)
        outs.append((Phi, out, grad, loss, module.mean_loss(theta, K, D, X, T)))
    for a, b in zip(*outs):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("stage", [kernels.KMEANS, kernels.SOLVE, kernels.DELTA])
def test_training_epochs_agree_with_the_numpy_reference(stage):
    rng = np.random.default_rng(2)
    K, D, N = 3, 2, 20
    X, T = rng.normal(0, 1, (N, D)), rng.normal(0, 1, N)
    orders = np.stack([rng.permutation(N) for _ in range(3)]).astype(np.int64)
    stages = np.full(3, stage, np.int64)
    results = []
    for module in (kernels, reference):
        theta = _random_theta(np.random.default_rng(3), K, D)
        grad, m, v = np.zeros_like(theta), np.zeros_like(theta), np.zeros_like(theta)
        losses = np.zeros(3)
        module.train_epochs(theta, grad, m, v, 0, K, D, True, stages, 7, 2, 0.05, 0.9, 0.9, 0.999, 1e-8, 1e-8,
                            X, T, orders, np.zeros((K, D)), np.zeros(K), np.zeros((K + 1, K + 1)), np.zeros(K + 1),
                            losses)
        results.append((theta, losses))
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


def test_the_solve_is_least_squares():
    sim = small(placement="grid", centres=4)
    sim.step("epoch")
    model = sim.model
    Phi = np.hstack([model.forward(model.X)[0], np.ones((12, 1))])
    best = np.linalg.lstsq(Phi, model.T, rcond=None)[0]
    np.testing.assert_allclose(model.theta[:5], best, rtol=1e-6, atol=1e-8)


def test_the_default_network_fits_the_sine():
    sim = dlsim.make("rbf")
    summary = sim.train(epochs=100)
    assert summary["converged"] and summary["train_loss"] < 0.02 and summary["test_loss"] < 0.03
    # 9 units too narrow for their spacing leave dips between them: the fit is far worse
    narrow = dlsim.make("rbf", sigma=0.05).train(epochs=100)
    assert narrow["test_loss"] > 5 * summary["test_loss"]


def test_a_2d_set_is_classified_with_a_decision_surface():
    sim = dlsim.make("rbf", dataset="circle", centres=16, placement="grid", sigma=0.4, samples=200)
    summary = sim.train(epochs=10)
    assert summary["train_acc"] > 0.95
    p = sim.model.probabilities(sim.data.X_test)
    assert p.shape == (len(sim.data.X_test), 2) and np.allclose(p.sum(axis=1), 1.0)
    assert sim.model.surface(np.zeros((1, 2)))[0] < 0.5   # the centre of the circle is class 0


@pytest.mark.parametrize("options, words", [
    ({"placement": "learned"}, "use fit=delta"),
    ({"placement": "grid", "dataset": "xor", "centres": 5}, "square number"),
    ({"batch": 500}, "larger than the"),
])
def test_bad_options_say_what_to_do(options, words):
    with pytest.raises(UserError, match=words):
        dlsim.make("rbf", **options)


def test_bad_inputs_give_one_line():
    sim = small()
    with pytest.raises(UserError, match="regression"):
        sim.model.probabilities(np.zeros((2, 1)))
    assert sim.model.predict(np.zeros((2, 1))).tolist() == sim.model.outputs(np.zeros((2, 1))).tolist()
    with pytest.raises(UserError, match="shape"):
        sim.model.forward(np.zeros((2, 3)))
    with pytest.raises(UserError, match="targets"):
        sim.model.gradients(np.zeros((2, 1)), np.zeros(3))


def test_the_bench_prints_its_ratios(capsys):
    from dlsim.bench import benches
    assert "rbf" in benches()
    benches()["rbf"].main(quick=True)
    out = capsys.readouterr().out.splitlines()
    assert out[-1].startswith("solve, K=36, N=1,000") and out[-1].count("×") >= 1
    assert [line.split(",")[0] for line in out[2:]] == ["delta", "solve", "delta", "solve"]


def test_a_headless_run_says_how_it_ended_and_writes_a_trace(tmp_path, capsys):
    import json

    from dlsim.cli import main
    path = tmp_path / "t.jsonl"
    assert main(["run", "rbf", "--headless", "--set", "samples=20", "--set", "centres=4", "--trace", str(path),
                 "--trace-level", "op", "--trace-inspect"]) == 0
    out = capsys.readouterr().out
    assert "rbf on sine: 6 epochs" in out and "converged at epoch 6" in out
    records = [json.loads(line) for line in path.read_text().splitlines()]
    ops = {r["op"] for r in records if r.get("type") == "event"}
    assert {"distance", "assign", "move", "gaussian", "row", "solve", "epoch"} <= ops
    assert all(set(r["inspect"]) <= set(dlsim.make("rbf").model.inspected) for r in records if "inspect" in r)


def test_a_learning_rate_too_large_is_told_as_divergence(capsys):
    from dlsim.cli import main
    assert main(["run", "rbf", "--headless", "--set", "fit=delta", "--set", "lr=100", "--epochs", "50"]) == 0
    assert "diverged: at epoch" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["kmeans-solve", "learned-adam", "grid-delta"])
def test_the_math_panel_writes_every_op_with_its_numbers(name):
    from dlsim.sim.formulas import describe
    sim = small(**CONFIGS[name], centres=2)
    texts = {}
    for _ in range(3):
        event = sim.step("op")
        while event.closes < Level.EPOCH:
            texts.setdefault(event.op, describe(event))
            event = sim.step("op")
        texts.setdefault(event.op, describe(event))
    assert all(text and "None" not in text for text in texts.values()), texts
    if name == "kmeans-solve":
        assert texts["assign"].startswith("nearest centre: c") and texts["move"].startswith("c ← mean of its")
        assert "A = [" in texts["solve"] and texts["epoch"].startswith("epoch ")
    else:
        assert texts["gaussian"].startswith("φ = exp(−d²/2σ²) = exp(−") and texts["output"].startswith("ŷ = b + Σ w·φ")
        assert texts["grad"].startswith("∂L/∂w += δ·φ")
