"""The RBM as a learner drives it: CD-k against a plain NumPy implementation to the bit given the same
uniform numbers, the stepped, batched and fused paths to the same bits (CD and persistent CD), exact
rewind at every level and over random step/back sequences, the kernels against their NumPy reference,
the exact log-likelihood against brute force, bars-and-stripes learnt, and a learner's mistakes."""
import itertools
import math

import numpy as np
import pytest

import dlsim
from dlsim.errors import UserError
from dlsim.kernels.activations import exp_neg
from dlsim.kernels import rbm as kernels
from dlsim.kernels import rbm_reference as reference
from dlsim.kernels.rbm import SALT
from dlsim.protocol.events import Level
from tests.rewind_checks import back_then_forward_again
from tests.test_stepper import assert_bit_identical, record

CONFIGS = {
    "cd1": {},
    "cd3-momentum": {"k": 3, "optimizer": "momentum"},
    "pcd-adam": {"method": "pcd", "k": 2, "optimizer": "adam", "lr": 0.01},
    "full-batch": {"batch": 0, "k": 2},
    "digits": {"dataset": "digits", "samples": 9, "test": 3, "hidden": 5, "batch": 4},
}


def small(**extra):
    return dlsim.make("rbm", seed=3, **{"hidden": 4, "samples": 12, "test": 4, "batch": 5, **extra})


def parameters(sim):
    return {key: getattr(sim.model, key).copy() for key in ("theta", "m", "v", "chains")}


@pytest.mark.parametrize("name", list(CONFIGS))
def test_stepped_batched_and_fused_paths_write_the_same_bits(name):
    stepped, batched, fused = small(**CONFIGS[name]), small(**CONFIGS[name]), small(**CONFIGS[name])
    start = stepped.model.theta.copy()
    for _ in range(2):
        stepped.step("epoch")                                  # op by op
    for event in batched.model.events(Level.BATCH):            # one compiled call per batch
        if event.op == "epoch" and event.values["epoch"] == 2:
            break
    fused.model.train_fused(2)
    assert not np.array_equal(stepped.model.theta, start)
    for sim in (batched, fused):
        for key, value in parameters(stepped).items():
            assert np.array_equal(getattr(sim.model, key), value), key
        assert sim.model.steps == stepped.model.steps
        assert [h["sampled_recon"] for h in sim.model.history] == [h["sampled_recon"] for h in stepped.model.history]


def plain_sigmoid(z):
    """σ as the kernels compute it (their own exp, exp_neg, run as Python: NumPy's differs in the last bit)."""
    e = np.array([exp_neg.py_func(-abs(x)) for x in z])
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def plain_cd(W, a, b, X, rows, k, lr, seed, key0):
    """Textbook CD-k with one SGD step, in plain NumPy: each sum over its inputs in order, vectorised
    over the units it feeds; the uniform numbers from NumPy's own generator."""
    V, H = W.shape
    pos_W, neg_W = np.zeros((V, H)), np.zeros((V, H))
    pos_a, neg_a, pos_b, neg_b = np.zeros(V), np.zeros(V), np.zeros(H), np.zeros(H)

    def p_h(v):
        z = b.copy()
        for i in range(V):
            z += v[i] * W[i]
        return plain_sigmoid(z)

    def p_v(h):
        z = a.copy()
        for j in range(H):
            z += W[:, j] * h[j]
        return plain_sigmoid(z)

    chain = []
    for r in rows:
        u = np.random.default_rng([seed, key0 + int(r), SALT]).random(H + k * V + (k - 1) * H)
        v0 = X[r]
        ph0 = p_h(v0)
        h = (u[:H] < ph0).astype(float)
        n = H
        for t in range(k):
            v = (u[n:n + V] < p_v(h)).astype(float)
            n += V
            ph = p_h(v)
            if t < k - 1:
                h = (u[n:n + H] < ph).astype(float)
                n += H
        pos_W += np.outer(v0, ph0)
        neg_W += np.outer(v, ph)
        pos_a, neg_a, pos_b, neg_b = pos_a + v0, neg_a + v, pos_b + ph0, neg_b + ph
        chain.append(v)
    scale = 1.0 / len(rows)
    step = lambda pos, neg: lr * ((neg - pos) * scale)   # noqa: E731  (θ − lr·grad, grad = (neg − pos)/B)
    return W - step(pos_W, neg_W), a - step(pos_a, neg_a), b - step(pos_b, neg_b), np.array(chain)


@pytest.mark.parametrize("k", [1, 3])
def test_cd_k_is_the_textbook_rule_to_the_bit_given_the_same_uniform_numbers(k):
    sim = small(k=k, optimizer="sgd", lr=0.5, batch=6)
    model = sim.model
    model.params["W"][:] = np.random.default_rng(1).normal(0, 1, (model.V, model.H))   # a chain worth drawing
    model.params["b"][:] = 0.3
    W, a, b = (p.copy() for p in model.params.values())
    rows = model.batch_rows()
    expected = plain_cd(W, a, b, model.X, rows, k, 0.5, 3, 0)
    samples_v = []
    while (event := sim.step("op")).op != "batch":
        if event.op == "sample_v" and event.path.startswith(f"rbm.step[{k}]"):
            samples_v.append(event.values["state"])
    for got, want in zip(model.params.values(), expected[:3]):
        assert np.array_equal(got, want)
    assert np.array_equal(np.array(samples_v).reshape(len(rows), model.V), expected[3])


def test_a_sample_is_the_positive_phase_the_reconstruction_then_the_negative_phase():
    sim = small(k=2, method="pcd", hidden=2, dataset="bars2", samples=6, test=0, batch=3)
    events = []
    while not events or events[-1].closes < Level.SAMPLE:
        events.append(sim.step("op"))
    V, H = 4, 2
    assert [e.phase for e in events[:2 * H + V * H + V + H]] == ["positive"] * (2 * H + V * H + V + H)
    ops = [e.op for e in events]
    chain = ["p_h"] * H + ["sample_h"] * H + (["p_v"] * V + ["sample_v"] * V + ["p_h"] * H + ["sample_h"] * H) * 2
    assert ops == (["p_h"] * H + ["sample_h"] * H + ["positive"] * (V * H + V + H) + ["reconstruct"]
                   + chain[:-H] + ["negative"] * (V * H + V + H))
    drawn = [e.values for e in events if e.op.startswith("sample_")]
    assert all(d["state"] == (1.0 if d["u"] < d["p"] else 0.0) for d in drawn)
    assert {e.path for e in events if e.op == "p_h"} >= {"rbm.step[0].h[1]", "rbm.fantasy.h[0]", "rbm.step[2].h[1]"}
    update = []
    while not update or update[-1].op != "batch":
        update.append(sim.step("op"))
    ups = [e for e in update if e.op == "update"]
    assert len(ups) == V * H + V + H and all(e.phase == "update" for e in ups)
    first = ups[0].values
    assert first["new"] == first["old"] + -(first["lr"] * ((first["negative"] - first["positive"]) * (1.0 / 3)))


PLAN = {"op": (40, 57), "layer": (6, 9), "sample": (5, 9), "batch": (2, 3), "epoch": (1, 2)}


@pytest.mark.parametrize("level", list(PLAN))
@pytest.mark.parametrize("name", ["cd3-momentum", "pcd-adam"])
def test_back_returns_to_the_same_bits_and_draws_the_same_chain_again(level, name):
    sim = small(**CONFIGS[name])
    back_then_forward_again(sim, level, *PLAN[level], record, lambda _, here: assert_bit_identical(sim, here) is None)


@pytest.mark.parametrize("name", ["cd1", "pcd-adam"])
def test_random_steps_and_backs_replay_exactly(name):
    rng = np.random.default_rng(5)
    sim = small(**CONFIGS[name])
    seen = {}
    levels = ["op", "layer", "sample", "batch", "epoch"]
    for _ in range(80):
        level = levels[rng.integers(len(levels))]
        if rng.random() < 0.4 and sim.stepper.position > 0:
            sim.back(level)
        else:
            sim.step(level)
        key = sim.stepper.position
        now = np.concatenate([sim.model.theta, sim.model.chains.ravel(), sim.model.pos])
        if key in seen:
            assert np.array_equal(seen[key], now)
        seen[key] = now


def _random_theta(rng, V, H):
    return rng.normal(0, 1, V * H + V + H)


def test_the_kernels_agree_with_the_numpy_reference():
    rng = np.random.default_rng(1)
    V, H, N = 6, 4, 9
    theta, X = _random_theta(rng, V, H), (rng.random((N, V)) < 0.5).astype(float)
    outs = []
    for module in (kernels, reference):
        ph, pv, F = np.zeros((N, H)), np.zeros((N, V)), np.zeros(N)
        module.hidden_probs(theta, V, H, X, ph)
        module.visible_probs(theta, V, H, ph, pv)
        module.free_energy(theta, V, H, X, F)
        v, dream = X.copy(), np.zeros((N, V))
        module.gibbs(theta, V, H, v, np.array([1.0, 0, 0, 0, 0, 1.0]), 5, 7, dream)
        outs.append((ph, pv, F, module.log_partition(theta, V, H), module.log_partition(theta[:V * 2 + V + 2], V, 2),
                     v, dream))
    for a, b in zip(*outs):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    assert np.array_equal(outs[0][5][:, [0, 5]], X[:, [0, 5]])   # clamped pixels held


@pytest.mark.parametrize("persistent", [False, True])
def test_training_epochs_agree_with_the_numpy_reference(persistent):
    rng = np.random.default_rng(2)
    V, H, N, B = 5, 3, 11, 4
    X = (rng.random((N, V)) < 0.5).astype(float)
    orders = np.stack([rng.permutation(N) for _ in range(3)]).astype(np.int64)
    results = []
    for module in (kernels, reference):
        theta = _random_theta(np.random.default_rng(3), V, H) * 0.1
        buffers = [np.zeros_like(theta) for _ in range(5)]
        chains, ends, losses = X[:B].copy(), X[:B].copy(), np.zeros(3)
        ran, steps = module.train_epochs(theta, *buffers, 0, V, H, 2, persistent, 1, 0.1, 0.9, 0.9, 0.999, 1e-8, X,
                                         orders, B, chains, ends, 4, 0, losses)
        results.append((theta, chains, losses, ran, steps))
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


def brute_log_likelihood(theta, V, H, X):
    """log p(v) by summing e^(−E(v, h)) over every (v, h): E = −a·v − b·h − vᵀWh."""
    W, a, b = theta[:V * H].reshape(V, H), theta[V * H:V * H + V], theta[V * H + V:]
    def weight(v, h):
        return math.exp(a @ v + b @ h + v @ W @ h)
    states = lambda n: [np.array(s, float) for s in itertools.product((0, 1), repeat=n)]   # noqa: E731
    Z = sum(weight(v, h) for v in states(V) for h in states(H))
    return np.array([math.log(sum(weight(x, h) for h in states(H)) / Z) for x in X])


@pytest.mark.parametrize("H", [2, 6])   # 4 visible units: the hidden side enumerated, then the visible
def test_the_exact_log_likelihood_is_the_brute_force_sum(H):
    model = dlsim.make("rbm", dataset="bars2", hidden=H, samples=6, test=0, batch=3).model
    rng = np.random.default_rng(4)
    model.theta[:] = rng.normal(0, 1, model.theta.shape)
    X = np.array(list(itertools.product((0.0, 1.0), repeat=model.V)))
    got = model.log_likelihood(X)
    np.testing.assert_allclose(got, brute_log_likelihood(model.theta, model.V, model.H, X), rtol=1e-10)
    assert math.isclose(np.exp(got).sum(), 1.0, rel_tol=1e-10)   # a distribution over the 2^V images


def test_bars_and_stripes_are_learnt_and_the_samples_are_bars_or_stripes():
    from dlsim.models.rbm_data import patterns
    sim = dlsim.make("rbm")
    summary = sim.train(epochs=2000)
    assert not summary["diverged"]
    model = sim.model
    ll = model.log_likelihood(model.X).mean()
    assert ll > -6.0 > dlsim.make("rbm").model.log_likelihood(model.X).mean()   # uniform: −16 log 2 = −11.1
    shown = model.inspect()
    P = patterns()[0]
    dreams = (shown["samples"].reshape(8, 16) > 0.5)
    assert all(any((d == p).all() for p in P) for d in dreams)
    assert shown["completion_error"] < 0.2
    assert shown["fields"].shape == (16, 4, 4) and shown["delta_w"].shape == (16, 16)


def test_the_free_energy_gap_shows_over_fitting_on_held_out_patterns():
    summary = dlsim.make("rbm", samples=20, test=10, hidden=16).train(epochs=1500)
    assert summary["test_free_energy"] > summary["train_free_energy"] + 1.0
    assert summary["test_free_energy_gap"] == summary["test_free_energy"] - summary["train_free_energy"]


@pytest.mark.parametrize("options, words", [
    ({"batch": 500}, "larger than the"),
    ({"noise": 0.7}, "noise"),
])
def test_bad_options_say_what_to_do(options, words):
    with pytest.raises(UserError, match=words):
        dlsim.make("rbm", **options)


def test_bad_inputs_give_one_line():
    model = small().model
    with pytest.raises(UserError, match="binary"):
        model.free_energy(np.full((2, 16), 0.5))
    with pytest.raises(UserError, match="shape"):
        model.hidden_probabilities(np.zeros((2, 3)))
    with pytest.raises(UserError, match="enumerates"):
        dlsim.make("rbm", dataset="digits", hidden=30, samples=20, test=0).model.log_partition()
    with pytest.raises(UserError, match="class probabilities"):
        model.probabilities(np.zeros((1, 16)))


def test_the_math_panel_writes_every_op_with_its_numbers():
    from dlsim.sim.formulas import describe
    sim = small(k=2, method="pcd", optimizer="sgd")
    texts = {}
    event = sim.step("op")
    while event.closes < Level.EPOCH:
        texts.setdefault((event.op, event.phase), describe(event))
        event = sim.step("op")
    texts[("epoch", "evaluate")] = describe(event)
    assert all(text and "None" not in text for text in texts.values()), texts
    assert texts[("p_h", "positive")].startswith("p(h=1|v) = σ(b + Σ v·W) = σ(")
    assert texts[("sample_v", "negative")].startswith("u = ")
    assert texts[("update", "update")].startswith("θ ← θ + lr·(positive − negative)/batch = ")
    assert texts[("epoch", "evaluate")].startswith("epoch 1 done, sampled recon ")


def test_inspect_names_only_what_it_declares_and_follows_the_sample_in_hand():
    sim = small()
    while sim.step("op").op != "reconstruct":
        pass
    shown = sim.inspect()
    assert set(shown) <= set(sim.model.inspected)
    s = shown["sample"]
    assert np.array_equal(shown["v0"], sim.model.X[s]) and not np.isnan(shown["h0"]).any()
    assert np.isnan(shown["vk"]).all()   # the negative phase has not drawn yet
    while sim.step("op").closes < Level.SAMPLE:
        pass
    assert set(np.unique(sim.inspect()["vk"])) <= {0.0, 1.0}


def test_a_headless_run_writes_a_trace(tmp_path, capsys):
    import json

    from dlsim.cli import main
    path = tmp_path / "t.jsonl"
    assert main(["run", "rbm", "--headless", "--epochs", "2", "--set", "hidden=3", "--set", "samples=6",
                 "--set", "batch=3", "--trace", str(path), "--trace-level", "op", "--trace-inspect"]) == 0
    out = capsys.readouterr().out
    assert "rbm on bars: 2 epochs" in out
    records = [json.loads(line) for line in path.read_text().splitlines()]
    ops = {r["op"] for r in records if r.get("type") == "event"}
    assert {"p_h", "sample_h", "positive", "reconstruct", "p_v", "sample_v", "negative", "update", "epoch"} <= ops
    assert all(set(r["inspect"]) <= set(dlsim.make("rbm").model.inspected) for r in records if "inspect" in r)


def test_the_bench_prints_each_contenders_time_and_the_ratios(capsys):
    from dlsim.bench import benches
    assert "rbm" in benches()
    benches()["rbm"].main("rbm", quick=True)
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith(("bars", "digits"))]
    assert [r.split()[0] for r in rows] == ["bars", "digits"]
    assert all(r.count("×") >= 1 for r in rows)


def test_no_rows_is_an_answer_of_no_rows():
    """An empty batch (0, V) is answered with empty arrays, as by every network, not a traceback."""
    sim = dlsim.make("rbm")
    empty = np.zeros((0, 16))
    assert sim.predict(empty).shape == (0,)
    assert sim.model.free_energy(empty).shape == (0,)
    assert sim.model.hidden_probabilities(empty).shape == (0, sim.model.H)
