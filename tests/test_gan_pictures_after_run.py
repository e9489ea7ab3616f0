"""After a run, the GAN's pictures (the fakes, D's mean verdicts) are those its evaluation computed
for the same weights, taken from it rather than computed again for the frame: the same numbers as
computing them afresh, and not stale once the weights move on."""
import numpy as np

import dlsim


def _fresh(model) -> dict:
    for slot in ("_pictures_kept", "_evaluated_kept"):
        model.__dict__.pop(slot, None)
    return model.inspect()


def test_a_runs_pictures_are_computed_afresh_bit_for_bit():
    sim = dlsim.make("gan", seed=0)
    sim.train(epochs=30)
    model = sim.model
    assert "_evaluated_kept" in model.__dict__      # the evaluation left them for the pictures
    shown = model.inspect()
    fresh = _fresh(model)
    for key in ("fakes", "push", "g_map"):
        assert np.array_equal(shown[key], fresh[key])
    assert (shown["d_real"], shown["d_fake"]) == (fresh["d_real"], fresh["d_fake"])


def test_pictures_follow_the_weights_after_a_step():
    sim = dlsim.make("gan", seed=0)
    sim.train(epochs=5)
    before = sim.model.inspect()
    sim.step("batch")                                # D changes; no evaluation ran since
    after = sim.model.inspect()
    fresh = _fresh(sim.model)
    assert after["d_real"] == fresh["d_real"] and after["d_real"] != before["d_real"]
    assert np.array_equal(after["fakes"], fresh["fakes"])
