"""The autoencoder: gradients against central finite differences (tied weights included), the
stepped, batched and fused paths to the same bits, exact rewind (the corruption's draws too), and the
API a learner calls (encode, decode, reconstruct) with one-line errors."""
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
    return dlsim.make("ae", **{**base, **options})


def numeric(sim, X, name, index, twin=None):
    """Central difference of the loss in one weight (and its tied twin, moved with it)."""
    params = sim.model.params
    p, keep = params[name], params[name][index]
    t = params[twin] if twin else None

    def at(value):
        p[index] = value
        if t is not None:
            t[index[::-1]] = value
        return sim.model.gradients(X)[0]
    up, down = at(keep + H), at(keep - H)
    at(keep)
    return (up - down) / (2 * H)


@pytest.mark.parametrize("backend", ["cpu", "numpy"])
@pytest.mark.parametrize("loss, tied", [("mse", "no"), ("bce", "no"), ("mse", "yes"), ("bce", "yes")])
def test_every_gradient_matches_finite_differences(loss, tied, backend):
    sim = small(loss=loss, tied=tied, backend=backend, activation="tanh")
    rng = np.random.default_rng(1)
    sim.model.theta[:] = rng.normal(0, 0.5, sim.model.theta.shape)
    if tied == "yes":   # both halves from one set of weights
        for name in ("layer[0].W", "layer[1].W"):
            sim.model.set_param(name, sim.model.params[name])
    X = sim.data.X[:6]
    _, grads = sim.model.gradients(X)
    for name, g in grads.items():
        twin = sim.model.twin_of(name) if name.endswith("W") else None
        for index in np.ndindex(g.shape):
            assert np.isclose(g[index], numeric(sim, X, name, index, twin), rtol=1e-5, atol=1e-9), (name, index)


def test_tied_gradients_are_the_sum_of_both_uses():
    untied, tied = small(), small(tied="yes")
    tied.model.theta[:] = untied.model.theta   # the same (untied) numbers in both
    X = untied.data.X
    g_u, g_t = untied.model.gradients(X)[1], tied.model.gradients(X)[1]
    np.testing.assert_array_equal(g_t["layer[0].W"], g_u["layer[0].W"] + g_u["layer[3].W"].T)
    np.testing.assert_array_equal(g_t["layer[3].W"], g_t["layer[0].W"].T)
    np.testing.assert_array_equal(g_t["layer[0].b"], g_u["layer[0].b"])   # biases are not tied


def state(sim):
    return tuple(getattr(sim.model, k).copy() for k in ("theta", "m", "v")) + (sim.model.steps, sim.model.epoch)


def same(a, b):
    return all(np.array_equal(x, y) for x, y in zip(a, b))


@pytest.mark.parametrize("options", [dict(optimizer="adam", tied="yes", denoise=0.3),
                                     dict(optimizer="sgd", loss="bce", batch=0),
                                     dict(optimizer="momentum", dataset="moons", encoder=0, code=1, batch=1)],
                         ids=["tied-denoise-adam", "bce-full", "points-2-1-2"])
def test_stepping_op_by_op_batch_by_batch_and_fused_give_the_same_bits(options):
    ops, batches, fused = small(**options), small(**options), small(**options)
    losses = [ops.step("epoch").values["loss"] for _ in range(2)]
    stepper = Stepper(batches.model, Level.BATCH)
    while batches.model.epoch < 2:
        stepper.step(Level.BATCH)
    assert fused.model.train_fused(2) == 2
    assert same(state(ops), state(batches)) and same(state(ops), state(fused))
    assert [h["loss"] for h in fused.model.history] == losses
    assert ops.history[-1]["test_loss"] == fused.history[-1]["test_loss"]


def test_tied_weights_stay_tied_to_the_bit():
    sim = small(tied="yes", optimizer="adam", denoise=0.2)
    sim.train(epochs=3)
    sim.step("op")
    for _ in range(200):
        sim.step("op")
    W = sim.model.params
    np.testing.assert_array_equal(W["layer[3].W"], W["layer[0].W"].T)
    np.testing.assert_array_equal(W["layer[2].W"], W["layer[1].W"].T)


def test_the_numpy_reference_trains_like_the_kernels():
    cpu, npy = small(tied="yes", denoise=0.25), small(tied="yes", denoise=0.25, backend="numpy")
    cpu.train(epochs=3)
    npy.train(epochs=3)
    np.testing.assert_allclose(npy.model.theta, cpu.model.theta, rtol=1e-10, atol=1e-12)


def test_the_nearest_training_code_is_the_numpy_references(seed=3):
    """What a code kept (test_code_acc, predict): the compiled search picks the row NumPy's
    distances and argmin pick, the lower row among equally near ones."""
    from dlsim.kernels import ae, ae_reference
    rng = np.random.default_rng(seed)
    train = rng.normal(size=(300, 3))
    codes = np.vstack([rng.normal(size=(40, 3)), train[[5, 17]]])   # two exactly on training codes
    train[250] = train[17]                                           # a tie: row 17 must win
    found, expected = np.zeros(len(codes), np.int64), np.zeros(len(codes), np.int64)
    ae.nearest_rows(codes, train, found)
    ae_reference.nearest_rows(codes, train, expected)
    assert np.array_equal(found, expected) and list(found[-2:]) == [5, 17]


def test_the_corruption_is_drawn_as_recorded_ops():
    sim = small(denoise=0.5)
    events = [sim.step("op") for _ in range(64)]
    assert [e.op for e in events] == ["corrupt"] * 64
    dropped = [e for e in events if not e.values["kept"]]
    assert 10 < len(dropped) < 54 and all(e.values["input"] == 0.0 and e.values["u"] < 0.5 for e in dropped)
    x = sim.data.X[events[0].values["sample"]]
    kept = [e for e in events if e.values["kept"]]
    assert all(e.values["input"] == x[int(e.path.split("[")[1][:-1])] for e in kept)
    assert np.array_equal(sim.inspect()["corrupted"], [e.values["input"] for e in events])


def test_a_samples_corruption_is_the_numpy_generators_draws():
    from dlsim.kernels import ae, ae_reference
    x = np.linspace(0.1, 1.0, 40)
    for mod in (ae, ae_reference):
        u, out = np.empty(40), np.empty(40)
        mod.corrupt_row(7, 12345, 0.4, x, u, out)
        want = np.random.default_rng([7, 12345, ae.SALT]).random(40)
        assert np.array_equal(u, want)
        assert np.array_equal(out, np.where(want >= 0.4, x, 0.0))


@pytest.mark.parametrize("level, first, further", [("op", 150, 400), ("layer", 9, 14), ("sample", 3, 9),
                                                   ("batch", 2, 4), ("epoch", 1, 2)])
def test_back_returns_to_the_same_bits_and_replays_the_same_draws(level, first, further):
    back_then_forward_again(small(tied="yes", denoise=0.4, optimizer="adam"), level, first, further, state, same, unchecked=("params", "grads"))


def test_random_steps_and_backs_land_where_a_straight_run_does():
    rng = np.random.default_rng(5)
    sim, levels = small(tied="yes", denoise=0.3), ["op", "layer", "sample", "batch"]
    for _ in range(40):
        level = levels[rng.integers(4)]
        if rng.random() < 0.7 or sim.stepper.position < 400:
            sim.step(level)
        else:
            sim.back(level)
    sim.step("batch")   # to a boundary a straight run also passes
    straight = small(tied="yes", denoise=0.3)
    while straight.model.place() != sim.model.place():
        straight.step("batch")
    assert same(state(sim), state(straight))


def test_it_learns_to_rebuild_the_digits():
    sim = dlsim.make("ae", samples=300, test=100, seed=0)
    before = sim.evaluate()["test_loss"]
    sim.train(epochs=15)
    after = sim.history[-1]["test_loss"]
    assert after < 0.6 * before
    assert sim.history[-1]["test_code_acc"] > 0.3   # ten classes: chance is 0.1
    assert np.mean(sim.predict(sim.data.X_test) == sim.data.y_test) == sim.history[-1]["test_code_acc"]
    assert sim.model.encode(sim.data.X_test).shape == (100, 2)
    assert sim.model.reconstruct(sim.data.X_test[:3]).shape == (3, 64)
    assert sim.model.decode(np.zeros((5, 2))).shape == (5, 64)


def test_a_learners_mistakes_get_one_line():
    sim = small()
    with pytest.raises(UserError, match="rows of 64 numbers"):
        sim.model.reconstruct(np.zeros((2, 3)))
    with pytest.raises(UserError, match=r"codes must be finite rows of 2 numbers"):
        sim.model.decode(np.zeros((2, 3)))
    with pytest.raises(UserError, match="bce rebuilds values in \\[0, 1\\]"):
        dlsim.make("ae", dataset="xor", loss="bce")
    with pytest.raises(UserError, match="targets must be finite rows of 64"):
        sim.loss_and_gradients(sim.data.X[:2], np.zeros((2, 5)))


def test_the_api_gradients_default_to_rebuilding_the_training_set():
    sim = small()
    loss, grads = sim.loss_and_gradients()
    assert loss == pytest.approx(sim.evaluate()["train_loss"], rel=1e-12)
    assert set(grads) == set(sim.params)


def test_a_two_one_two_bottleneck_on_a_point_set():
    sim = dlsim.make("ae", dataset="moons", encoder=0, code=1, batch=0, samples=64, test=16)
    assert list(sim.model.sizes) == [2, 1, 2]
    sim.train(epochs=50)
    codes = sim.model.encode(sim.data.X_test)
    assert codes.shape == (16, 1) and np.isfinite(codes).all()


def test_the_bench_prints_each_contenders_time_and_the_ratios(capsys):
    from dlsim.bench import ae as bench
    bench.main("ae", quick=True)
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("64-")]
    assert [r.split()[0] for r in rows] == ["64-16-2-16-64", "64-64-2-64-64"]
    assert all(r.count("×") >= 1 for r in rows)
