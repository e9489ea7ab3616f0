"""Back at a finer level than the step that got here walks back through that step, exactly.

A learner presses → at batch level, then switches to op level and presses ←: they must land on the
batch's last weight update (not on the batch's start), and keep walking back through the update, the
backward pass and on, with the very numbers op-by-op stepping would have shown. The same after an
epoch step, a train() call or a run in the app, at op and at layer level.
"""
import numpy as np
import pytest

import dlsim
from dlsim.protocol.events import Level
from dlsim.tui.session import Session
from tests.test_stepper import same_event

MODELS = {
    "perceptron": ("perceptron", dict(dataset="xor", init="random", shuffle="yes", seed=3)),
    "mlp": ("mlp", dict(dataset="xor", hidden=(2,), optimizer="adam", batch=2, samples=4, test=2,
                        lr=0.2, seed=1)),
}


def until_closes(level, count=1):
    """The reference's way there: op steps until `count` events closing `level` (not an epoch's
    end when counting updates)."""
    def done(events):
        closing = [e for e in events if e.closes >= level and (level == Level.EPOCH or e.op != "epoch")]
        return len(closing) >= count
    return done


ARRIVALS = {   # how the learner got here, and when op-by-op stepping has got as far
    "→ at batch level": (lambda sim: Session(sim).step("batch"), until_closes(Level.BATCH)),
    "→ at epoch level": (lambda sim: Session(sim).step("epoch"), until_closes(Level.EPOCH)),
    "space (a run chunk)": (lambda sim: Session(sim).run_chunk(), until_closes(Level.EPOCH)),
    "train(steps=2)": (lambda sim: sim.train(steps=2), until_closes(Level.BATCH, 2)),
    "train(epochs=3)": (lambda sim: sim.train(epochs=3), until_closes(Level.EPOCH, 3)),
}


def start(model):
    """Five ops into the second epoch: the first arrival step also finishes a sample op by op."""
    name, options = MODELS[model]
    sim = dlsim.make(name, **options)
    sim.train(epochs=1)
    for _ in range(5):
        sim.step("op")
    return sim


def assert_same_state(sim, expected, what):
    state = sim.model.state()
    assert state.keys() == expected.keys(), what
    for key, value in expected.items():
        same = np.array_equal(state[key], value) if isinstance(value, np.ndarray) else state[key] == value
        assert same, f"{what}: {key}"


@pytest.mark.parametrize("level", ["op", "layer"])
@pytest.mark.parametrize("arrival", list(ARRIVALS))
@pytest.mark.parametrize("model", list(MODELS))
def test_back_at_a_finer_level_walks_back_through_a_coarse_step(model, arrival, level):
    go, arrived = ARRIVALS[arrival]
    sim, reference = start(model), start(model)
    timeline, events = [(reference.model.state(), reference.last)], []
    while not arrived(events):
        events.append(reference.step("op"))
        timeline.append((reference.model.state(), reference.last))
    go(sim)
    assert_same_state(sim, timeline[-1][0], f"after {arrival}")
    finer = Level.parse(level)
    here, seen = len(timeline) - 1, set()
    for walked in range(60 if finer == Level.OP else 12):
        earlier = [i for i in range(here) if timeline[i][1].closes >= finer]
        if not earlier:
            break   # the previous boundary lies before where the reference started
        here = earlier[-1]
        event = sim.back(finer)
        what = f"{model}: back {walked + 1} at {level} level after {arrival}"
        assert_same_state(sim, timeline[here][0], what)
        if event.op == "run":   # the end of a fused run: it has no epoch event of its own
            assert timeline[here][1].op == "epoch", what
        else:
            assert same_event(event, timeline[here][1]), what
        seen.add(event.op)
    assert "update" in seen   # it walked back into the weight updates the coarse step had made


@pytest.mark.parametrize("model", list(MODELS))
def test_back_by_batches_and_epochs_after_compiled_steps_is_exact(model):
    """Compiled batches keep a snapshot every few of them: going back replays the ones between."""
    sim = start(model)
    states = []
    for _ in range(20):
        sim.step("batch", detail="batch")
        states.append(sim.model.state())
    for expected in reversed(states[:-1]):
        sim.back("batch")
        assert_same_state(sim, expected, f"{model}: back a batch")
    sim.step("epoch", detail="batch")
    end = sim.model.state()
    sim.step("epoch", detail="batch")
    sim.step("epoch", detail="batch")
    sim.back("epoch")
    sim.back("epoch")
    assert_same_state(sim, end, f"{model}: back two epochs")
