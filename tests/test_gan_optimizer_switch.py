"""A GAN optimizer changed mid-run starts from zero state (m, v and Adam's t), for its own network
only, on every path, and exactly under rewind."""
import numpy as np
import pytest

from tests.test_gan import small
from tests.test_stepper import assert_bit_identical, record, same_event


def d_part(sim, buf):
    return getattr(sim.model, buf)[:sim.model.count["D"]].copy()


def g_part(sim, buf):
    return getattr(sim.model, buf)[sim.model.count["D"]:].copy()


@pytest.mark.parametrize("detail", ["op", "batch"])
def test_switching_d_to_adam_takes_a_first_adam_step_from_zero_state(detail):
    sim = small(d_optimizer="momentum", train="D")
    sim.train(epochs=20)
    sim.set("d_optimizer", "adam")
    theta, g_state = d_part(sim, "theta"), (g_part(sim, "m"), g_part(sim, "v"))
    events = []
    while not events or events[-1].op != "d_step":
        events.append(sim.step("op" if detail == "op" else "batch"))
    grad = d_part(sim, "grad")
    eps = sim.model.hyper("D")[5]
    # Adam's first step: m = (1 − β1)g, v = (1 − β2)g², t = 1, so each weight moves lr·g/(|g| + ε)
    expected = theta - 0.005 * grad / (np.abs(grad) + eps)
    assert np.allclose(d_part(sim, "theta"), expected, rtol=0, atol=1e-12)
    assert np.abs(d_part(sim, "theta") - theta).max() <= 0.005 + 1e-12
    assert np.allclose(d_part(sim, "m"), (1 - sim.config["beta1"]) * grad, rtol=1e-12, atol=0)
    assert sim.model.t_d == 1
    assert all(e.values["t"] == 1 for e in events if e.op == "update")
    assert events[-1].values["step"] == 21   # the step's number still counts D's earlier steps
    assert all(np.array_equal(a, b) for a, b in zip(g_state, (g_part(sim, "m"), g_part(sim, "v"))))


def test_switching_g_to_momentum_starts_its_velocity_at_the_gradient_and_leaves_d_alone():
    sim = small(train="G")
    sim.train(epochs=5)
    d_state = (d_part(sim, "m"), d_part(sim, "v"), sim.model.t_d)
    sim.set("g_optimizer", "momentum")
    theta = g_part(sim, "theta")
    sim.step("batch")
    grad = g_part(sim, "grad")
    assert np.array_equal(g_part(sim, "m"), grad)   # μ·0 + g: no Adam moment carried over
    assert np.allclose(g_part(sim, "theta"), theta - 0.002 * grad, rtol=0, atol=1e-15)
    assert all(np.array_equal(a, b) for a, b in zip(d_state[:2], (d_part(sim, "m"), d_part(sim, "v"))))
    assert sim.model.t_d == d_state[2]


def test_the_fused_path_after_a_switch_writes_the_stepped_paths_bits():
    runs = {}
    for detail in ("op", "batch", "fused"):
        sim = small(d_optimizer="momentum")
        sim.train(epochs=3)
        sim.set("d_optimizer", "adam")
        if detail == "fused":
            sim.train(epochs=2)
        else:
            while sim.model.epoch < 5:
                sim.step(detail)
        runs[detail] = sim.model
    for model in (runs["batch"], runs["fused"]):
        for key in ("theta", "m", "v"):
            assert np.array_equal(getattr(model, key), getattr(runs["op"], key)), key
        assert (model.t_d, model.t_g) == (runs["op"].t_d, runs["op"].t_g) == (2, 5)


@pytest.mark.parametrize("level", ["op", "batch"])
def test_back_across_a_switch_restores_the_bits_and_forward_repeats_them(level):
    sim = small(d_optimizer="momentum", g_optimizer="sgd")
    sim.train(epochs=4)
    sim.step("batch")
    here = record(sim)
    sim.set("d_optimizer", "adam")
    sim.set("g_optimizer", "momentum")
    forward = []
    while sim.model.epoch < 6:   # past an update of each network
        forward.append(sim.step(level))
    steps = len(forward)
    after = record(sim)
    assert sim.model.optimizer_of == {"D": "adam", "G": "momentum"}
    for _ in range(steps):
        sim.back(level)
    state = sim.model.state()
    for key in ("theta", "grad", "m", "v"):
        assert np.array_equal(state[key], here[2][key]), key
    assert (sim.position, state["t_d"], state["t_g"]) == (here[0], here[2]["t_d"], here[2]["t_g"])
    assert sim.model.optimizer_of == {"D": "momentum", "G": "sgd"}   # the state held: the old ones'
    assert (sim.config["d_optimizer"], sim.config["g_optimizer"]) == ("adam", "momentum")   # the choice stays
    again = [sim.step(level) for _ in range(steps)]   # the chosen optimizers stay, fresh again
    assert all(same_event(a, b) for a, b in zip(forward, again))
    assert_bit_identical(sim, after)
