"""Changing which network a GAN trains (`train`, and `k`) in the middle of a step takes effect at
the next iteration, never inside a step: the iteration in progress ends as it began, and the
fused, compiled-step and op-by-op paths stay bit-identical."""
import numpy as np
import pytest

import dlsim

FAST = {"samples": 16, "batch": 4, "g_hidden": [3], "d_hidden": [3]}


def _switched_mid_g_step(change):
    sim = dlsim.make("gan", **FAST)
    sim.step("batch")        # the D step
    sim.step("sample")       # one point into the G step
    sim.set(*change)
    return sim


@pytest.mark.parametrize("change", [("train", "D"), ("train", "G"), ("k", 3)])
def test_a_switch_inside_a_step_waits_for_the_next_iteration(change):
    fused = _switched_mid_g_step(change)
    fused.train(epochs=4)                           # the case: an AssertionError
    op = _switched_mid_g_step(change)
    batch = _switched_mid_g_step(change)
    while op.epoch < 4:
        op.step("op")
    while batch.epoch < 4:
        batch.step("batch")
    for other in (op, batch):
        assert other.epoch == fused.epoch and other.model.steps == fused.model.steps
        assert np.array_equal(other.model.theta, fused.model.theta)   # bit for bit
        assert other.history[-1]["d_loss"] == fused.history[-1]["d_loss"]


def test_the_iteration_in_progress_keeps_its_g_step():
    sim = _switched_mid_g_step(("train", "D"))
    assert sim.model.plan() == "DG"                 # the G step under way is finished …
    sim.step("epoch")
    assert sim.epoch == 1 and sim.model.steps == 2
    assert sim.model.plan() == "D"                  # … and the next iteration trains D only
    sim.step("epoch")
    assert sim.model.steps == 3 and sim.history[-1]["g_loss"] is None


def test_stepping_back_into_the_iteration_restores_its_plan():
    sim = _switched_mid_g_step(("train", "D"))
    sim.step("epoch")
    sim.back("batch")                               # into the switched iteration, at its G step
    assert sim.model.plan() == "DG"
