"""A simulation nobody holds is freed at once, not at the cycle collector's leisure.

The Simulator once hooked its stepper with closures over itself, so every discarded simulation (30
large MLPs made in a loop, a lesson check rebuilding the network at each @set line) stayed in memory
until a full garbage collection: 1 GB held, 2 GB for a lesson with 40 large @set lines.
"""
import gc
import weakref
from contextlib import contextmanager

import pytest

import dlsim
from dlsim.lesson.library import check
from dlsim.models.base import Model


@contextmanager
def no_cycle_collector():
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def models_alive() -> int:
    # type(o), not isinstance(o, …), which asks a weak proxy its referent's class: Numba leaves
    # proxies to compiled code that is gone, and asking one raises ReferenceError
    return sum(issubclass(type(o), Model) for o in gc.get_objects())


@pytest.mark.parametrize("model", ["perceptron", "mlp"])
def test_a_discarded_simulator_frees_its_model_at_once(model):
    with no_cycle_collector():
        sim = dlsim.make(model)
        sim.on_event.append(lambda event: None)    # every hook and every kind of step and edit in use
        sim.on_pull.append(lambda event, position: None)
        sim.on_restart.append(lambda: None)
        sim.step("op")
        sim.step("sample")
        name = next(iter(sim.model.params))
        sim.set_param(name, 0.5, index=(0,) * sim.model.params[name].ndim)
        sim.set("lr", 0.25)
        sim.step("batch", detail="batch")
        sim.back("op")
        sim.on_event.clear()
        sim.train(epochs=2)
        sim.back("epoch")
        rebuilt = weakref.ref(sim.model)
        sim.set("seed", 5)                    # a rebuild drops the old model at once
        assert rebuilt() is None
        model_ref, sim_ref = weakref.ref(sim.model), weakref.ref(sim)
        del sim
        assert sim_ref() is None and model_ref() is None


def test_lesson_check_does_not_pile_up_simulations(tmp_path):
    sets = "\n\n".join(f"@set hidden={4 + n % 3} seed={n}" for n in range(12))
    lesson = tmp_path / "many-sets.md"
    lesson.write_text(f"---\ntitle: Many sets\nnetwork: mlp\ndataset: xor\n---\n\nSome text.\n\n{sets}\n")
    with no_cycle_collector():
        before = models_alive()
        _, problems = check(lesson)
        assert problems == []
        assert models_alive() - before <= 2
