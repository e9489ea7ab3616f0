"""A SOM epoch stepped a sample at a time (the app's → at the batch or epoch level) looks each
sample up in its epoch's order, drawn once: drawing the permutation again for every sample took
longer than training the sample (a third of a 40×40 map's epoch key press)."""
import numpy as np

import dlsim
from dlsim.models.som import SOM


def test_an_epoch_stepped_sample_by_sample_draws_its_order_once(monkeypatch):
    sim = dlsim.make("som", seed=2, rows=4, cols=5, samples=40)
    whole = dlsim.make("som", seed=2, rows=4, cols=5, samples=40)
    drawn = []
    order = SOM.order
    monkeypatch.setattr(SOM, "order", lambda self, epoch: drawn.append(epoch) or order(self, epoch))
    sim.step("sample")          # op by op
    sim.step("batch")           # a compiled sample
    sim.step("epoch")           # the rest of the epoch, sample by sample
    sim.step("epoch")
    assert sorted(set(drawn)) == [0, 1] and len(drawn) == 2
    whole.train(epochs=2)       # the same samples in the same order
    assert np.array_equal(sim.params["weights"], whole.params["weights"])
