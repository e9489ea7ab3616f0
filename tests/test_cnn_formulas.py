"""The CNN's math panel text as a learner reads it: the layer-level ∂K step lists every kernel's
gradient with the model's numbers, a pool pass says the map's range and its winners, and an update is
written out as w − lr·∂w = new (momentum's velocity, Adam's moments) with the numbers the kernel used."""
import math

import pytest

import dlsim
from dlsim.models.cnn_formulas import grid
from dlsim.protocol.numbers import fac, num
from dlsim.sim.formulas import describe


def _until(sim, wanted):
    for event in sim.events("op"):
        if wanted(event):
            return event
    raise AssertionError("no such event")


def small(**extra):
    return dlsim.make("cnn", seed=3, samples=5, test=3, batch=2, backend="numpy", **extra)


def test_the_layer_gradient_step_shows_every_kernels_dK():
    sim = small()
    event = _until(sim, lambda e: e.op == "db" and "kernel_grads" in e.values)
    text = describe(event)
    dK = sim.model.params["layer[0].K"]
    grads = sim.model.accumulated_gradients()
    for f in range(dK.shape[0]):
        assert f"∂K{f} = {grid(grads['layer[0].K'][f, 0].ravel().tolist(), 3)}" in text
        assert f"∂b{f} = {num(grads['layer[0].b'][f])}" in text


def test_a_pool_pass_says_the_maps_range_and_its_winners():
    sim = small()
    event = _until(sim, lambda e: e.op == "pool" and "pooled" in e.values)
    _, _, a, p = sim.model.conv_maps(0)
    win = sim.model.conv_maps(0, sim.model.win)[3]
    text = describe(event)
    assert f"feature map {num(a[0].min())} … {num(a[0].max())}" in text
    r, c = divmod(int(win[0].argmax()), win.shape[2])   # one pooled cell: its winner in the map
    w = int(win[0, r, c])
    assert f"({2 * r + w // 2},{2 * c + w % 2})" in text.split("winners at")[1]
    assert text.split("winners at")[1].count("(") == p[0].size


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_an_update_is_written_out_with_its_numbers(optimizer):
    sim = small(optimizer=optimizer, lr=0.05)
    before = None
    for event in sim.events("op"):
        if event.op == "update":
            break
        before = sim.model.theta[0]
    text = describe(event)
    v = event.values
    old, new, g = v["old"][0], v["new"][0], v["grad"][0]
    assert old == before and new == sim.model.theta[0] and "…" not in text
    if optimizer == "sgd":
        assert f"= {num(old)} − {num(0.05)}·{fac(g)} = {num(new)}" in text
        assert new == old - 0.05 * g
    elif optimizer == "momentum":
        assert f"v ← μ·v + ∂L/∂K[0,0,0] = {num(sim.model.m[0])}" in text
        assert f"= {num(old)} − {num(0.05)}·{fac(sim.model.m[0])} = {num(new)}" in text
    else:
        m_hat = sim.model.m[0] / (1 - 0.9)
        v_hat = sim.model.v[0] / (1 - 0.999)
        assert f"m̂ = {num(m_hat)}" in text and f"= {num(old)} − {num(0.05)}·{fac(m_hat)}/{num(math.sqrt(v_hat))}" in text
        assert new == pytest.approx(old - 0.05 * m_hat / (math.sqrt(v_hat) + 1e-8))


def test_a_large_maps_pool_pass_lists_its_first_winners_and_how_many_in_all():
    sim = dlsim.make("cnn", seed=3, image=28, samples=2, test=1, batch=1)
    event = _until(sim, lambda e: e.op == "pool" and "pooled" in e.values)
    win = sim.model.conv_maps(0, sim.model.win)[3]
    listed = describe(event).split("winners at")[1]
    first, second = int(win[0, 0, 0]), int(win[0, 0, 1])   # pooled cells (0,0) and (0,1): their map cells
    assert listed.startswith(f" ({first // 2},{first % 2}) ({second // 2},{2 + second % 2}) ")
    assert listed.count("(") == 9 and listed.endswith("… 169 in all, marked on the stage")
    assert len(describe(event)) < 400   # a few lines of the math panel, not ten
