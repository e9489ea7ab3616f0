"""The RBM's (and so the DBN's) fused path measures every `every` epochs, as the MLP's: the app's run
chunks ask for one measurement a chunk (evaluating after every tiny epoch held the interpreter against
the screen). The parameters and each epoch's sampled error are the same bits either way, and the
measured epochs carry the same measures."""
import numpy as np
import pytest

from dlsim.sim.simulator import Simulator


@pytest.mark.parametrize("options", [{}, {"method": "pcd", "k": 2, "optimizer": "adam"}])
def test_measuring_every_four_epochs_trains_the_same_bits(options):
    each, fours = (Simulator("rbm", seed=1, **options) for _ in range(2))
    assert each.model.train_fused(12, every=1) == fours.model.train_fused(12, every=4) == 12
    assert np.array_equal(each.model.theta, fours.model.theta)
    a, b = each.model.history, fours.model.history
    assert [e["sampled_recon"] for e in a] == [e["sampled_recon"] for e in b]
    measured = [i for i, entry in enumerate(b) if "loss" in entry]
    assert measured == [3, 7, 11]            # the last epoch of each call
    for i in measured:
        assert b[i] == a[i]                  # the same measures at the epochs measured


def test_a_dbn_pre_training_with_every_keeps_each_layers_curve():
    sim = Simulator("dbn", seed=0, pretrain=6)
    sim.model.train_fused(6, every=3)
    history = sim.model.history
    assert len(history) == 6 and [e["epoch"] for e in history] == list(range(1, 7))
    assert [i for i, e in enumerate(history) if "layer1_loss" in e] == [2, 5]
    assert all(e["layer1_loss"] == e["loss"] for e in history if "layer1_loss" in e)
