"""The variational autoencoder: gradients against central finite differences (ε fixed), the stepped,
batched and fused paths to the same bits, exact rewind (ε's draws too), ε drawn as NumPy's
generator draws it, gradients reaching μ and σ but not ε, the KL term's own gradient, the NumPy
reference against the kernels, and the API a learner calls, with one-line errors."""
import math

import numpy as np
import pytest

import dlsim
from dlsim.errors import UserError
from dlsim.protocol.events import Level
from dlsim.sim.stepper import Stepper
from tests.rewind_checks import back_then_forward_again

H = 1e-6


def small(**options):
    base = dict(encoder=(3,), code=2, samples=12, test=6, batch=5, seed=3)
    return dlsim.make("vae", **{**base, **options})


@pytest.mark.parametrize("backend", ["cpu", "numpy"])
@pytest.mark.parametrize("loss, beta", [("bce", 1.0), ("mse", 0.5), ("bce", 0.0)])
def test_every_gradient_matches_finite_differences_with_eps_fixed(loss, beta, backend):
    sim = small(loss=loss, beta=beta, backend=backend)
    model = sim.model
    model.theta[:] = np.random.default_rng(1).normal(0, 0.5, model.theta.shape)
    X = sim.data.X[:4]
    E = np.random.default_rng(2).normal(size=(4, 2))
    _, grads = model.gradients(X, E=E)
    for name, g in grads.items():
        p = model.params[name]
        for index in np.ndindex(g.shape):
            keep = p[index]
            p[index] = keep + H
            up = model.gradients(X, E=E)[0]
            p[index] = keep - H
            down = model.gradients(X, E=E)[0]
            p[index] = keep
            assert np.isclose(g[index], (up - down) / (2 * H), rtol=1e-5, atol=1e-8), (name, index)


def state(sim):
    return tuple(getattr(sim.model, k).copy() for k in ("theta", "m", "v")) + (sim.model.steps, sim.model.epoch)


def same(a, b):
    return all(np.array_equal(x, y) for x, y in zip(a, b))


@pytest.mark.parametrize("options", [dict(optimizer="adam"), dict(optimizer="sgd", loss="mse", batch=0, beta=0.3),
                                     dict(optimizer="momentum", dataset="moons", loss="mse", encoder=0, code=1,
                                          batch=1)],
                         ids=["adam-bce", "sgd-mse-full", "points-2-1-2"])
def test_stepping_op_by_op_batch_by_batch_and_fused_give_the_same_bits(options):
    ops, batches, fused = small(**options), small(**options), small(**options)
    losses = [ops.step("epoch").values["loss"] for _ in range(2)]
    stepper = Stepper(batches.model, Level.BATCH)
    while batches.model.epoch < 2:
        stepper.step(Level.BATCH)
    assert fused.model.train_fused(2) == 2
    assert same(state(ops), state(batches)) and same(state(ops), state(fused))
    assert [h["loss"] for h in fused.model.history] == losses
    assert ops.history[-1]["test_recon"] == fused.history[-1]["test_recon"]


def test_the_numpy_reference_trains_like_the_kernels():
    cpu, npy = small(beta=0.7), small(beta=0.7, backend="numpy")
    cpu.train(epochs=3)
    npy.train(epochs=3)
    np.testing.assert_allclose(npy.model.theta, cpu.model.theta, rtol=1e-9, atol=1e-11)


def test_eps_is_numpys_draw_for_the_epoch_and_row_in_both_backends():
    from dlsim.kernels import vae, vae_reference
    for mod in (vae, vae_reference):
        out = np.empty(5)
        mod.epsilons(7, 12345, out)
        assert np.array_equal(out, np.random.default_rng([7, 12345, vae.SALT]).standard_normal(5))


def ops_of_one_sample(sim):
    events = []
    while True:
        events.append(sim.step("op"))
        if events[-1].closes >= Level.SAMPLE:
            return events


def test_eps_is_a_recorded_op_and_z_is_mu_plus_sigma_eps():
    sim = small()
    events = ops_of_one_sample(sim)
    draws = [e for e in events if e.op == "draw"]
    s = draws[0].values["sample"]
    want = np.random.default_rng([3, s, 29]).standard_normal(2)   # epoch 0: key = row
    assert [e.values["eps"] for e in draws] == list(want)
    for z in (e for e in events if e.op == "reparameterise"):
        v = z.values
        assert v["z"] == v["mu"] + math.exp(0.5 * v["logvar"]) * v["eps"]


def test_gradients_reach_mu_and_sigma_but_not_eps_and_the_kl_gradient_is_shown_on_its_own():
    sim = small(beta=2.0)
    events = ops_of_one_sample(sim)
    backward = [e for e in events if e.phase == "backward"]
    no_grad = [e for e in backward if e.op == "no_grad"]
    assert [e.path for e in no_grad] == ["vae.eps[0]", "vae.eps[1]"]
    assert not any(e.op in ("delta", "grad", "z_delta", "head_delta") and "eps" in e.path for e in backward)
    kl = {e.path: e.values for e in backward if e.op == "kl_grad"}
    heads = [e.values for e in backward if e.op == "head_delta"]
    assert len(heads) == 4 and all(h["delta"] != 0.0 for h in heads)
    mu0, lv0 = kl["vae.mu[0]"], kl["vae.logvar[0]"]
    assert mu0["grad"] == 2.0 * (1 / 5) * mu0["mu"]              # β·μ/B, on its own
    assert lv0["grad"] == pytest.approx(2.0 / 5 * 0.5 * (lv0["sigma2"] - 1.0))
    assert heads[0]["delta"] == heads[0]["dz"] + heads[0]["kl_grad"]
    assert heads[2]["delta"] == heads[2]["through_z"] + heads[2]["kl_grad"]


def test_beta_zero_removes_the_kl_gradient_and_beta_is_live():
    sim = small(beta=0.0)
    grads = [e.values["grad"] for e in ops_of_one_sample(sim) if e.op == "kl_grad"]
    assert grads == [0.0] * 4
    sim.set("beta", 1.5)
    assert sim.model.config["beta"] == 1.5


@pytest.mark.parametrize("level, first, further", [("op", 150, 400), ("layer", 9, 14), ("sample", 3, 9),
                                                   ("batch", 2, 4), ("epoch", 1, 2)])
def test_back_returns_to_the_same_bits_and_replays_the_same_draws(level, first, further):
    back_then_forward_again(small(optimizer="adam"), level, first, further, state, same, unchecked=("params", "grads"))


def test_random_steps_and_backs_land_where_a_straight_run_does():
    rng = np.random.default_rng(5)
    sim, levels = small(), ["op", "layer", "sample", "batch"]
    for _ in range(40):
        level = levels[rng.integers(4)]
        if rng.random() < 0.7 or sim.stepper.position < 400:
            sim.step(level)
        else:
            sim.back(level)
    sim.step("batch")
    straight = small()
    while straight.model.place() != sim.model.place():
        straight.step("batch")
    assert same(state(sim), state(straight))


def test_the_inspected_sample_is_what_its_events_computed():
    sim = small()
    events = ops_of_one_sample(sim)[:-1]
    sim.back("op")
    sim.step("op")
    shown = sim.inspect()
    z = [e.values["z"] for e in events if e.op == "reparameterise"]
    assert np.array_equal(shown["sample_code"], z)
    assert np.array_equal(shown["sample_eps"], [e.values["eps"] for e in events if e.op == "draw"])
    assert np.array_equal(shown["sample_mu"], [e.values["mu"] for e in events if e.op == "reparameterise"])
    out = [e.values["a"] for e in events if e.op == "activation" and e.path.startswith("vae.layer[3].")]
    assert np.array_equal(shown["reconstruction"], out)


def test_the_decoded_grid_is_the_decoders_output_at_each_point():
    for net in ("vae", "ae"):
        sim = dlsim.make(net, encoder=(3,), samples=12, test=6, batch=5)
        points, decoded = sim.model.decoded_grid(4, 3)
        assert points.shape == (3, 4, 2) and decoded.shape == (3, 4, 64)
        np.testing.assert_array_equal(decoded[1, 2], sim.model.decode(points[1, 2][None])[0])
        codes = sim.model.test_codes()
        assert points[0, 0, 0] > codes[:, 0].min() and points[0, -1, 0] < codes[:, 0].max()
        assert points[0, 0, 1] > points[-1, 0, 1]   # code unit 2 grows upwards


def test_it_learns_and_beta_pulls_the_codes_together():
    runs = {}
    for beta in (0.0, 1.0):
        sim = dlsim.make("vae", samples=300, test=100, seed=0, beta=beta)
        before = sim.evaluate()["test_recon"]
        sim.train(epochs=15)
        runs[beta] = sim
        assert sim.history[-1]["test_recon"] < 0.9 * before
    spread = {b: float(np.abs(s.model.test_codes()).max()) for b, s in runs.items()}
    assert spread[1.0] < spread[0.0]                       # the KL keeps the codes near N(0, 1)
    assert runs[1.0].history[-1]["test_kl"] < runs[0.0].history[-1]["test_kl"]
    assert runs[1.0].history[-1]["test_code_acc"] > 0.3   # ten classes: chance is 0.1


def test_a_learners_mistakes_get_one_line():
    sim = small()
    with pytest.raises(UserError, match="rows of 64 numbers"):
        sim.model.reconstruct(np.zeros((2, 3)))
    with pytest.raises(UserError, match="codes must be finite rows of 2 numbers"):
        sim.model.decode(np.zeros((2, 3)))
    with pytest.raises(UserError, match="bce rebuilds values in \\[0, 1\\]"):
        dlsim.make("vae", dataset="xor")
    with pytest.raises(UserError, match="ε must be finite numbers of shape"):
        sim.model.gradients(sim.data.X[:2], E=np.zeros((3, 2)))
    with pytest.raises(UserError, match="rebuilds its own input"):
        sim.loss_and_gradients(sim.data.X[:2], np.zeros((2, 64)))


def test_the_api_gives_the_heads_the_codes_and_their_decodings():
    sim = small()
    X = sim.data.X_test[:4]
    mu, logvar = sim.model.heads(X)
    assert mu.shape == logvar.shape == (4, 2)
    assert np.array_equal(sim.model.encode(X), mu)
    E = np.random.default_rng(0).normal(size=(4, 2))
    z = sim.model.sample_codes(X, E)
    np.testing.assert_allclose(z, mu + np.exp(0.5 * logvar) * E, rtol=1e-15)
    assert np.array_equal(sim.model.reconstruct(X), sim.model.decode(mu))
    assert sim.predict(X).shape == (4,)
    with pytest.raises(UserError, match="ε must be finite numbers of shape"):
        sim.model.sample_codes(X, E[:2])


def test_the_api_gradients_default_to_the_training_set_at_the_mean_code():
    sim = small()
    loss, grads = sim.loss_and_gradients()
    kl = np.empty(12)
    sim.model.kernels.vae.kl_rows(np.hstack(sim.model.heads(sim.data.X)), kl)
    assert loss == pytest.approx(sim.evaluate()["train_recon"] + kl.mean(), rel=1e-12)
    assert set(grads) == set(sim.params)


def test_the_bench_prints_each_contenders_time_and_the_ratios(capsys):
    from dlsim.bench import vae as bench
    bench.main("vae", quick=True)
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("64-")]
    assert [r.split()[0] for r in rows] == ["64-16-4|2-16-64", "64-64-4|2-64-64"]
    assert all(r.count("×") >= 1 for r in rows)


def test_a_headless_run_traces_every_draw_with_what_the_pictures_show(tmp_path, capsys):
    import json

    from dlsim.cli import main
    trace = tmp_path / "t.jsonl"
    given = ["--set", "samples=6", "--set", "test=3", "--set", "batch=3", "--set", "encoder=2"]
    assert main(["run", "vae", *given, "--headless", "--epochs", "1", "--trace", str(trace), "--trace-level", "op",
                 "--trace-inspect"]) == 0
    events = [json.loads(line) for line in trace.read_text().splitlines()]
    draws = [e for e in events if e.get("op") == "draw"]
    assert len(draws) == 6 * 2
    first = draws[0]
    want = np.random.default_rng([0, first["values"]["sample"], 29]).standard_normal(2)[0]
    assert first["values"]["eps"] == want and first["inspect"]["sample_eps"][0] == want
    assert sum(e.get("op") == "no_grad" for e in events) == 6 * 2
    assert "test reconstruction" in capsys.readouterr().out


def test_a_huge_learning_rate_is_told_and_no_class_is_claimed_for_nan_codes():
    sim = dlsim.make("vae", lr=1e6, optimizer="sgd", samples=100, test=30)
    summary = sim.train(epochs=3)
    assert summary["diverged"] is True and "NaN" in summary["divergence"]
    assert sim.history[-1]["test_code_acc"] is None


@pytest.mark.parametrize("net, options", [("vae", {}), ("vae", dict(encoder=0, dataset="moons", loss="mse", code=1)),
                                          ("ae", {}), ("ae", dict(tied="yes", denoise=0.3))])
def test_the_estimate_counts_the_events_an_epoch_steps(net, options):
    sim = dlsim.make(net, **{**dict(encoder=(3,), samples=12, test=6, batch=5), **options})
    counted = {level: 0 for level in Level}
    events = sim.model.events(Level.OP)
    while True:
        event = next(events)
        for level in Level:
            counted[level] += level == Level.OP or event.closes >= level
        if event.closes >= Level.EPOCH:
            break
    assert counted == dict(sim.estimate.per_epoch)
