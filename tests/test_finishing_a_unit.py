"""From any point inside a batch or an epoch, every way of finishing it lands on the same bits.

A learner steps a few ops into a batch (into its weight updates, say) and then presses → at batch
level, or space, or a script calls train(steps=1): the batch must end exactly as if they had kept
pressing → at op level. (It once recomputed the gradient from the partly updated weights and applied
the whole update again: step counter 2, Adam's bias correction skewed.) Checked at every position of
a whole epoch, for the perceptron and for the MLP with each optimizer.
"""
import numpy as np
import pytest

import dlsim
from dlsim.protocol.events import Level
from dlsim.tui.session import Session

CONFIGS = {
    "perceptron": ("perceptron", dict(dataset="xor", init="random", shuffle="yes", seed=3)),
    **{f"mlp-{o}": ("mlp", dict(dataset="xor", hidden=(2,), optimizer=o, batch=2, samples=4, test=2,
                                lr=0.2, seed=1)) for o in ("sgd", "momentum", "adam")},
}


def ops_to(level):
    def finish(sim):
        while sim.step("op").closes < level:
            pass
    return finish


def ops_to_an_update(sim):
    """train(steps=1) makes one update: right after a batch, the epoch's end does not count."""
    while (event := sim.step("op")).closes < Level.BATCH or event.op == "epoch":
        pass


BATCH_PATHS = {
    "op by op": ops_to(Level.BATCH),
    "op by op to an update": ops_to_an_update,
    "step('batch')": lambda sim: sim.step("batch"),
    "step('batch') compiled": lambda sim: sim.step("batch", detail="batch"),
    "app → at batch level": lambda sim: Session(sim).step("batch"),
    "train(steps=1)": lambda sim: sim.train(steps=1),
}
EPOCH_PATHS = {
    "op by op": ops_to(Level.EPOCH),
    "step('epoch') compiled": lambda sim: sim.step("epoch", detail="batch"),
    "app → at epoch level": lambda sim: Session(sim).step("epoch"),
    "app space (run)": lambda sim: Session(sim).run_chunk(),
    "train(epochs=1)": lambda sim: sim.train(epochs=1),
}


def at(config, ops):
    """A simulation one epoch in (so momentum, Adam's moments and the shuffle are all under way),
    then `ops` op steps into the next epoch."""
    model, options = CONFIGS[config]
    sim = dlsim.make(model, **options)
    sim.train(epochs=1)
    for _ in range(ops):
        sim.step("op")
    return sim


def epoch_length(config):
    sim = at(config, 0)
    n = 0
    while sim.step("op").closes < Level.EPOCH:
        n += 1
    return n + 1


def assert_same(sim, reference, what):
    state, expected = sim.model.state(), reference.model.state()
    assert state.keys() == expected.keys(), what
    for key, value in expected.items():
        if isinstance(value, np.ndarray):
            assert np.array_equal(state[key], value), f"{what}: {key}"
        else:
            assert state[key] == value, f"{what}: {key}"
    assert sim.history == reference.history, what


@pytest.mark.parametrize("config", list(CONFIGS))
def test_every_way_of_finishing_a_unit_gives_the_same_bits_from_every_position(config):
    length = epoch_length(config)
    phases = set()
    for ops in range(length):
        for unit, paths in (("batch", BATCH_PATHS), ("epoch", EPOCH_PATHS)):
            results = {}
            for name, finish in paths.items():
                sim = at(config, ops)
                if name == "op by op" and sim.last is not None:
                    phases.add(sim.last.phase)
                finish(sim)
                results[name] = sim
            reference, update = results.pop("op by op"), results.pop("op by op to an update", None)
            assert reference.model.steps > 0
            for name, sim in results.items():
                expected = update if name == "train(steps=1)" else reference
                assert_same(sim, expected, f"{name} from op {ops} of the epoch, to the {unit}'s end")
    assert {"forward", "loss", "update"} <= phases   # the positions covered every phase
