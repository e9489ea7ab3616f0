"""The rewind history counts the memory it really holds, and keeping it costs the same at every step.

Its budget once counted only the arrays in each snapshot, a half to a third of what the deep-copied
state really took; and every new snapshot re-summed all the kept ones, so stepping slowed down the
longer one stepped (2.9 s per 50k ops at the start, 46 s at 44k snapshots).
"""
import gc
import tracemalloc

import pytest

import dlsim
from dlsim.sim import stepper as stepper_module
from dlsim.protocol.events import Level
from dlsim.sim.stepper import Stepper

CASES = {
    "perceptron": ("perceptron", dict(dataset="blobs", samples=40)),
    "mlp": ("mlp", dict(hidden=(4,), optimizer="adam", samples=32, batch=8)),
}


def walk(sim, samples):
    """Steps of every kind: op by op, compiled batches, an edit, a run, and some back."""
    name = next(iter(sim.model.params))
    sim.set_param(name, 0.25, index=(0,) * sim.model.params[name].ndim)
    for _ in range(3):
        sim.step("op")
    for _ in range(samples):
        sim.step("sample")
    sim.step("batch", detail="batch")
    sim.back("op")
    sim.step("epoch", detail="batch")
    sim.train(epochs=2)
    sim.step("sample")


@pytest.mark.parametrize("case", list(CASES))
def test_the_history_counts_what_it_holds(case):
    model, options = CASES[case]
    sim = dlsim.make(model, **options)
    sim.model.warm_up(Level.BATCH)   # load the compiled kernels before tracing: not history
    gc.collect()
    tracemalloc.start()
    try:
        walk(sim, 120)   # enough history (over 100 kB) that the ratio below means something
        gc.collect()
        held = sim.stepper.held
        before = tracemalloc.get_traced_memory()[0]
        sim.stepper._snapshots.clear()
        sim.stepper._marks.clear()
        sim.stepper._edits.clear()
        gc.collect()
        freed = before - tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert freed > 100_000
    assert freed / 1.5 <= held <= freed * 1.5, (held, freed)


@pytest.mark.parametrize("case", list(CASES))
def test_the_running_total_matches_a_recount_and_stays_in_budget(case):
    model, options = CASES[case]
    sim = dlsim.make(model, **options)
    budget = 200_000
    sim.stepper = stepper = Stepper(sim.model, memory=budget)
    walk(sim, 300)
    recount = (sum(s.nbytes for s in stepper._snapshots) + sum(size for _, _, size in stepper._edits)
               + sum(stepper_module._mark_bytes(m) for m in stepper._marks))
    assert stepper.held == recount
    last_two = sum(s.nbytes for s in list(stepper._snapshots)[-2:])
    assert stepper.held <= budget + last_two
    assert stepper.earliest > 0   # it did have to let old history go


def test_a_new_snapshot_costs_the_same_however_many_are_kept(monkeypatch):
    """Structural, not timed: how often a snapshot's size is read per step must not grow with the
    number of snapshots kept (it used to re-sum them all at every new one)."""
    reads = []

    class Counted(stepper_module.Snapshot):
        @property
        def nbytes(self):
            reads.append(1)
            return self._nbytes

        @nbytes.setter
        def nbytes(self, value):
            self._nbytes = value

    monkeypatch.setattr(stepper_module, "Snapshot", Counted)
    sim = dlsim.make("perceptron", dataset="blobs", samples=40)
    per_step = []
    for _ in range(400):
        before = len(reads)
        sim.step("sample")
        per_step.append(len(reads) - before)
    assert len(sim.stepper._snapshots) > 300
    assert max(per_step) <= 2
