"""The diffusion model: gradients against central finite differences, the stepped, batched and fused
paths to the same bits, exact rewind (the draws of t and ε too), every kernel against its NumPy
reference, the schedule and the sampler's arithmetic, that it learns the ring, and the API a learner
calls with one-line errors."""
import numpy as np
import pytest

import dlsim
from dlsim.errors import UserError
from dlsim.kernels import diffusion as kernels
from dlsim.kernels import diffusion_reference as reference
from dlsim.models import diffusion_schedule as schedule
from dlsim.protocol.events import Level
from dlsim.sim.stepper import Stepper
from tests.rewind_checks import back_then_forward_again

H = 1e-6


def small(**options):
    base = dict(hidden=(4, 3), embed=2, samples=12, batch=5, T=10, generated=16, seed=3)
    return dlsim.make("diffusion", **{**base, **options})


def state(sim):
    return tuple(getattr(sim.model, k).copy() for k in ("theta", "m", "v")) + (sim.model.steps, sim.model.epoch)


def same(a, b):
    return all(np.array_equal(x, y) for x, y in zip(a, b))


@pytest.mark.parametrize("backend", ["cpu", "numpy"])
@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_every_gradient_matches_finite_differences(backend, activation):
    sim = small(backend=backend, activation=activation)
    rng = np.random.default_rng(1)
    sim.model.theta[:] = rng.normal(0, 0.5, sim.model.theta.shape)
    X, t, eps = sim.data.X[:6], rng.integers(1, 11, 6), rng.normal(0, 1, (6, 2))
    _, grads = sim.model.gradients(X, t=t, eps=eps)
    params = sim.model.params
    for name, g in grads.items():
        for index in np.ndindex(g.shape):
            keep = params[name][index]
            params[name][index] = keep + H
            up = sim.model.gradients(X, t=t, eps=eps)[0]
            params[name][index] = keep - H
            down = sim.model.gradients(X, t=t, eps=eps)[0]
            params[name][index] = keep
            assert np.isclose(g[index], (up - down) / (2 * H), rtol=1e-5, atol=1e-9), (name, index)


def test_the_loss_is_the_mse_between_the_noise_and_its_estimate():
    sim = small()
    X, t, eps = sim.data.X[:4], np.array([1, 3, 7, 10]), np.random.default_rng(2).normal(0, 1, (4, 2))
    x_t = np.stack([sim.model.noised(X[k:k + 1], int(t[k]), eps[k:k + 1])[0] for k in range(4)])
    eps_hat = np.stack([sim.model.noise_estimate(x_t[k:k + 1], int(t[k]))[0] for k in range(4)])
    assert sim.model.gradients(X, t=t, eps=eps)[0] == pytest.approx(np.mean((eps_hat - eps) ** 2), rel=1e-12)


@pytest.mark.parametrize("options", [dict(optimizer="adam"), dict(optimizer="sgd", batch=0, schedule="cosine"),
                                     dict(optimizer="momentum", batch=1, activation="tanh", embed=1)],
                         ids=["adam", "sgd-full-cosine", "momentum-online"])
def test_stepping_op_by_op_batch_by_batch_and_fused_give_the_same_bits(options):
    ops, batches, fused = small(**options), small(**options), small(**options)
    losses = [ops.step("epoch").values["loss"] for _ in range(2)]
    stepper = Stepper(batches.model, Level.BATCH)
    while batches.model.epoch < 2:
        stepper.step(Level.BATCH)
    assert fused.model.train_fused(2) == 2
    assert same(state(ops), state(batches)) and same(state(ops), state(fused))
    assert [h["loss"] for h in fused.model.history] == losses
    assert ops.history[-1]["distance"] == fused.history[-1]["distance"]
    assert ops.history[-1]["train_loss"] == fused.history[-1]["train_loss"]


def test_the_numpy_reference_trains_like_the_kernels():
    cpu, npy = small(), small(backend="numpy")
    cpu.train(epochs=3)
    npy.train(epochs=3)
    np.testing.assert_allclose(npy.model.theta, cpu.model.theta, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(npy.model.chain(npy.model.kernels), cpu.model.chain(cpu.model.kernels),
                               rtol=1e-9, atol=1e-12)


def test_an_epochs_draws_are_the_numpy_generators_whatever_draws_them():
    sim = small(T=37, samples=50)
    t, eps = sim.model.epoch_draws(4, 3)   # compiled (dlsim.kernels.seeded)
    for e in range(3):
        rng = np.random.default_rng([3, 4 + e, kernels.SALT])
        assert np.array_equal(t[e], 1 + rng.integers(0, 37, 50))
        assert np.array_equal(eps[e], rng.normal(0.0, 1.0, (50, 2)))
        assert np.array_equal(sim.model.draws(4 + e)[0], t[e]) and np.array_equal(sim.model.draws(4 + e)[1], eps[e])
    assert t.min() >= 1 and t.max() <= 37


def test_t_and_eps_are_drawn_as_recorded_ops_and_noise_the_point_in_closed_form():
    sim = small()
    draw, n0, n1 = (sim.step("op") for _ in range(3))
    assert draw.op == "draw" and n0.op == n1.op == "noise"
    s, t = draw.values["sample"], draw.values["t"]
    ts, eps = sim.model.draws()
    assert t == ts[s] and draw.values["eps"] == tuple(eps[s])
    ab = sim.model.alpha_bar[t]
    for k, event in enumerate((n0, n1)):
        assert event.values["x_t"] == pytest.approx(np.sqrt(ab) * sim.data.X[s, k] + np.sqrt(1 - ab) * eps[s, k],
                                                    rel=1e-14)
    features = [sim.step("op") for _ in range(4)]
    assert [e.op for e in features] == ["embed"] * 4
    assert [e.values["value"] for e in features] == pytest.approx(
        [np.sin(np.pi * t / 10), np.cos(np.pi * t / 10), np.sin(2 * np.pi * t / 10), np.cos(2 * np.pi * t / 10)])
    shown = sim.inspect()
    assert shown["sample"] == s and shown["t"] == t and np.array_equal(shown["x_t"], [n0.values["x_t"], n1.values["x_t"]])
    assert np.isnan(shown["eps_hat"]).all()   # not computed yet
    while sim.step("op").op != "loss":
        pass
    assert np.array_equal(sim.inspect()["eps_hat"], sim.model.noise_estimate(shown["x_t"][None], t)[0])


@pytest.mark.parametrize("level, first, further", [("op", 40, 150), ("layer", 9, 14), ("sample", 3, 9),
                                                   ("batch", 2, 4), ("epoch", 1, 2)])
def test_back_returns_to_the_same_bits_and_replays_the_same_draws(level, first, further):
    back_then_forward_again(small(), level, first, further, state, same, unchecked=("params", "grads"))


def test_every_kernel_agrees_with_its_numpy_reference():
    sim = small()
    m = sim.model
    rng = np.random.default_rng(7)
    X, idx = rng.normal(0, 1, (9, 2)), np.array([4, 0, 8, 2], np.int64)
    ts, eps = rng.integers(1, 11, 9), rng.normal(0, 1, (9, 2))
    got = [(np.empty((4, int(m.sizes[0]))), np.empty((4, 2))) for _ in range(2)]
    for mod, (inputs, targets) in zip((kernels, reference), got):
        mod.network_inputs(X, idx, ts, eps, m.sqrt_ab, m.sqrt_1mab, 10, inputs, targets)
    np.testing.assert_allclose(got[0][0], got[1][0], rtol=1e-13, atol=1e-15)
    assert np.array_equal(got[0][1], got[1][1])
    outs = [np.empty((9, 2)) for _ in range(2)]
    for mod, out in zip((kernels, reference), outs):
        mod.denoise(m.theta, m.sizes, m.acts, X, 6, 10, out)
    np.testing.assert_allclose(outs[0], outs[1], rtol=1e-12, atol=1e-14)
    for sampler in (kernels.DDPM, kernels.DDIM):
        steps = schedule.sampling_steps(10, 4)
        paths = [np.zeros((len(steps), 9, 2)) for _ in range(2)]
        noise = rng.normal(0, 1, (len(steps) - 1, 9, 2))
        for mod, path in zip((kernels, reference), paths):
            path[0] = X
            mod.sample(m.theta, m.sizes, m.acts, m.alpha_bar, steps, noise, sampler, 10, path)
        np.testing.assert_allclose(paths[0], paths[1], rtol=1e-11, atol=1e-12)
    emb = [np.empty(6) for _ in range(2)]
    for mod, out in zip((kernels, reference), emb):
        mod.embedding(7, 10, out)
    np.testing.assert_allclose(emb[0], emb[1], rtol=1e-14)


def test_a_reverse_step_is_the_posterior_of_the_textbook():
    sim = small()
    m, ab = sim.model, sim.model.alpha_bar
    x, eps_hat, z = np.array([[0.3, -1.2]]), np.array([[0.5, 0.1]]), np.array([[-0.7, 0.4]])
    t = 6
    got = m.reverse_step(x, t, t - 1, eps_hat, z)
    beta, alpha = m.beta[t], 1 - m.beta[t]
    x0 = (x - np.sqrt(1 - ab[t]) * eps_hat) / np.sqrt(ab[t])
    mean = np.sqrt(ab[t - 1]) * beta / (1 - ab[t]) * x0 + np.sqrt(alpha) * (1 - ab[t - 1]) / (1 - ab[t]) * x
    sigma = np.sqrt((1 - ab[t - 1]) / (1 - ab[t]) * beta)
    np.testing.assert_allclose(got["x0_hat"], x0, rtol=1e-13)
    np.testing.assert_allclose(got["mean"], mean, rtol=1e-12)
    np.testing.assert_allclose(got["x"], mean + sigma * z, rtol=1e-12)
    # DDPM's mean, written the ε way: (x − β/√(1−ᾱ_t)·ε̂)/√α_t
    np.testing.assert_allclose(mean, (x - beta / np.sqrt(1 - ab[t]) * eps_hat) / np.sqrt(alpha), rtol=1e-12)
    m.set_option("sampler", "ddim")
    ddim = m.reverse_step(x, t, 2, eps_hat, z)
    np.testing.assert_allclose(ddim["x"], np.sqrt(ab[2]) * x0 + np.sqrt(1 - ab[2]) * eps_hat, rtol=1e-12)
    assert np.array_equal(ddim["added"], np.zeros_like(x))


def test_the_chain_ends_at_the_generated_points_and_ddim_needs_no_noise():
    sim = small(sampler="ddim", sample_steps=4)
    path = sim.model.generate()
    assert path.shape == (5, 16, 2) and list(sim.model.sampler_steps()) == [10, 8, 5, 2, 0]
    other = sim.model.generate(noise=np.random.default_rng(9).normal(0, 1, (4, 16, 2)))
    assert np.array_equal(path, other)   # deterministic: the noise is never used
    sim.model.set_option("sampler", "ddpm")
    assert not np.array_equal(sim.model.generate(noise=np.random.default_rng(9).normal(0, 1, (4, 16, 2))), path)
    assert np.array_equal(sim.model.generated_at(0), sim.model.chain()[-1])
    assert np.array_equal(sim.model.generated_at(10), sim.model.x_T)
    assert np.array_equal(sim.model.generated_at(6), sim.model.chain()[1])   # the chain stands at 8 until it jumps to 5


@pytest.mark.parametrize("kind", schedule.SCHEDULES)
@pytest.mark.parametrize("T", [10, 50, 200])
def test_every_schedule_ends_in_noise_without_a_step_that_blows_up(kind, T):
    beta = schedule.betas(kind, T)
    ab = schedule.alpha_bars(beta)
    assert beta[0] == 0 and ab[0] == 1 and len(ab) == T + 1
    assert np.all(np.diff(ab) < 0) and ab[-1] < 0.03
    assert beta.max() <= schedule.MAX_BETA


def test_the_data_noised_forward_becomes_a_standard_normal_cloud():
    sim = dlsim.make("diffusion", samples=2000, generated=8)
    start, end = sim.model.cloud_at(0), sim.model.cloud_at(50)
    assert np.array_equal(start, sim.data.X)
    assert abs(end.mean()) < 0.1 and abs(end.std() - 1) < 0.1
    assert np.mean(np.hypot(*start.T)) == pytest.approx(1.0, abs=0.05)   # the ring


def test_it_learns_the_ring_in_seconds():
    sim = dlsim.make("diffusion", seed=0)
    before = sim.evaluate()
    sim.model.train_fused(300, every=100)
    after = sim.history[-1]
    assert before["distance"] > 0.9 and after["distance"] < 0.45
    assert after["train_loss"] < 0.5 * before["train_loss"]
    shown = sim.inspect()
    assert shown["loss_per_t"].shape == (50,) and shown["generated"].shape == (256, 2)
    radius = np.hypot(*shown["generated"].T)
    assert abs(np.median(radius) - 1.0) < 0.1   # on the ring, not in its middle


def test_a_learners_mistakes_get_one_line():
    sim = small()
    with pytest.raises(UserError, match="rows of 2 numbers"):
        sim.model.noise_estimate(np.zeros((2, 3)), 3)
    with pytest.raises(UserError, match="t must be a whole number from 1 to T = 10"):
        sim.model.noise_estimate(np.zeros((2, 2)), 11)
    with pytest.raises(UserError, match="noise must be finite numbers of shape \\(10, 16, 2\\)"):
        sim.model.generate(noise=np.zeros((3, 16, 2)))
    with pytest.raises(UserError, match="s = 4 must be below t = 3"):
        sim.model.reverse_step(np.zeros((1, 2)), 3, 4, np.zeros((1, 2)))
    with pytest.raises(UserError, match="sample_steps"):
        dlsim.make("diffusion", T=10, sample_steps=20)
    with pytest.raises(UserError, match="target is the noise"):
        sim.loss_and_gradients(sim.data.X[:2], np.zeros((2, 2)))
    with pytest.raises(UserError, match="t must be 2 whole numbers"):
        sim.model.gradients(sim.data.X[:2], t=[0, 3], eps=np.zeros((2, 2)))


def test_predict_names_the_part_of_the_data_a_point_landed_on():
    sim = dlsim.make("diffusion", dataset="moons", samples=64, generated=8)
    X, y = sim.data.X, sim.data.y
    assert np.array_equal(sim.predict(X), y)
    assert np.array_equal(sim.predict(X + 1e-3), y)


def test_the_forward_process_kernel_and_the_fields_agree_with_their_references():
    sim = small()
    m = sim.model
    clouds = [np.empty((11, 12, 2)) for _ in range(2)]
    eps = np.random.default_rng(4).normal(0, 1, (12, 2))
    for mod, out in zip((kernels, reference), clouds):
        mod.forward_process(m.X, eps, m.sqrt_ab, m.sqrt_1mab, out)
    np.testing.assert_allclose(clouds[0], clouds[1], rtol=1e-14, atol=1e-15)
    assert np.array_equal(clouds[0][0], m.X)
    points = np.random.default_rng(5).normal(0, 1, (7, 2))
    fields = m.fields(points, m.kernels)
    assert fields.shape == (10, 7, 2)
    assert all(np.array_equal(fields[t - 1], m.noise_estimate(points, t)) for t in (1, 4, 10))


def test_the_api_gradients_default_to_this_epochs_draws():
    sim = small()
    loss, grads = sim.loss_and_gradients()
    assert set(grads) == set(sim.params) and np.isfinite(loss)
    ts, eps = sim.model.draws()
    assert loss == sim.model.gradients(sim.data.X, t=ts, eps=eps)[0]


def test_the_bench_prints_each_contenders_time_and_the_ratios(capsys):
    from dlsim.bench import diffusion as bench
    bench.main("diffusion", quick=True)
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith(("train ", "sample "))]
    assert [r.split()[:2] for r in rows] == [["train", "8-32-32-2"], ["sample", "8-32-32-2"],
                                             ["train", "8-64-64-2"], ["sample", "8-64-64-2"]]
    assert all(r.count("×") >= 1 for r in rows)


@pytest.mark.parametrize("sampler, steps", [("ddpm", 0), ("ddim", 4)])
def test_one_points_reverse_steps_are_the_chains_numbers_to_the_bit(sampler, steps):
    sim = small(sampler=sampler, sample_steps=steps)
    sim.train(epochs=2)
    path, jumps = sim.model.chain(sim.model.kernels), sim.model.reverse_steps(3)
    assert [j["t"] for j in jumps] == list(sim.model.sampler_steps()[:-1])
    for i, jump in enumerate(jumps):
        assert np.array_equal(jump["x"], path[i, 3]) and np.array_equal(jump["x_next"], path[i + 1, 3])
        assert np.array_equal(jump["x_next"], jump["mean"] + jump["added"])
    assert np.array_equal(jumps[-1]["added"], [0.0, 0.0])   # no noise on the way to t = 0
    with pytest.raises(UserError, match="point must be a whole number from 0 to 15"):
        sim.model.reverse_steps(16)


def test_a_blown_up_run_is_told():
    sim = small(lr=1000.0, samples=64, batch=16)
    sim.train(epochs=5)
    assert sim.divergence() is not None and "exploded" in sim.divergence()
