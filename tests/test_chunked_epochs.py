"""A fused epoch too long for one compiled call runs as its compiled batches (dlsim.models.chunked),
so that Ctrl+C or the app's pause is heard between two of them: the numbers are those of the unsplit
run, and a stop inside an epoch leaves the simulation whole, at that epoch's start."""
import time
from types import SimpleNamespace

import numpy as np
import pytest

import dlsim
from dlsim.models import chunked

# small networks: what is compared is the path, not the size
NETWORKS = {
    "mlp": dict(hidden=[4], batch=8, samples=40, optimizer="adam"),
    "cnn": dict(batch=8, samples=24, test=4),
    "rnn": dict(batch=8, samples=24, test=4, length=6),
    "lstm": dict(batch=8, samples=24, test=4, length=6),
    "som": dict(rows=3, cols=4, samples=30),
    "gan": dict(batch=16, samples=64, k=2),
    "dqn": dict(steps_per_epoch=60, learn_start=40, replay=100, hidden=[8], target_every=25),   # by slices of steps
}


@pytest.fixture
def chunk_everything(monkeypatch):
    """Every epoch counts as too long for one call: the whole run goes by batches."""
    monkeypatch.setattr(chunked, "CHUNK_S", -1.0)


def trained(name: str, epochs: int):
    sim = dlsim.make(name, seed=3, **NETWORKS[name])
    sim.train(epochs=epochs)
    return sim


def same_numbers(a, b) -> None:
    assert a.epoch == b.epoch and a.model.steps == b.model.steps
    for key, value in a.params.items():
        assert np.array_equal(value, b.params[key]), key      # bit for bit
    last_a, last_b = a.history[-1], b.history[-1]
    for key in last_a.keys() & last_b.keys():
        assert last_a[key] == last_b[key] or last_a[key] != last_a[key] and last_b[key] != last_b[key], key


@pytest.mark.parametrize("name", NETWORKS)
def test_a_run_split_into_batches_gives_the_unsplit_runs_numbers(name, monkeypatch):
    whole = trained(name, 3)
    monkeypatch.setattr(chunked, "CHUNK_S", -1.0)
    assert chunked.too_long(whole.model)
    split = trained(name, 3)
    same_numbers(split, whole)
    # everything a snapshot holds is the same too, but the RNN's `clipped`: the last update's norms,
    # which compiled batches set and the fused epoch leaves as they were (a picture's, not training's)
    a, b = whole.model.state(), split.model.state()
    for key in a.keys() - {"clipped"}:
        assert np.array_equal(np.asarray(a[key], dtype=object), np.asarray(b[key], dtype=object)), key


@pytest.mark.parametrize("name", ["mlp", "som", "gan"])
def test_a_stop_inside_an_epoch_keeps_the_epochs_done_and_undoes_the_one_in_hand(name, chunk_everything):
    sim = dlsim.make(name, seed=3, **NETWORKS[name])
    units = {"n": 0}
    unit = sim.model.unit

    def counting(detail):   # the stop arrives in the middle of the second epoch
        units["n"] += 1
        if units["n"] == per_epoch + 2:
            chunked.requested.set()
        return unit(detail)
    per_epoch = sim.model.epoch_progress()[1]
    sim.model.unit = counting
    with pytest.raises(KeyboardInterrupt):
        sim.train(epochs=5)
    del sim.model.unit
    assert not chunked.requested.is_set()        # spent by the interrupt it became
    assert sim.epoch == 1 and sim.at_epoch_boundary()
    same_numbers(sim, trained(name, 1))
    sim.train(epochs=2)                            # and it goes on as if nothing had happened
    same_numbers(sim, trained(name, 3))
    sim.back("epoch")                              # its history is whole: back lands on epoch 2's bits
    same_numbers(sim, trained(name, 2))


def test_a_short_epoch_runs_fused(monkeypatch):
    sim = dlsim.make("mlp", seed=3, **NETWORKS["mlp"])
    assert not chunked.too_long(sim.model)
    called = []
    monkeypatch.setattr(chunked, "train", lambda model, epochs: called.append(epochs))
    sim.train(epochs=2)
    assert not called and sim.epoch == 2


def test_an_epoch_measured_long_once_runs_fused_again_once_its_batches_are_quick(monkeypatch):
    """A first fused call that loaded its kernels (0.36 s for the SOM's) measured the epoch as long:
    every later epoch then ran sample by sample in Python, the SOM's about 20 times slower. The
    next epoch by batches, if short, says the fused call is short too."""
    trained("som", 1)                                       # the kernels loaded in this process
    sim = dlsim.make("som", seed=3, **NETWORKS["som"])
    chunked._measured[sim.model] = 2 * chunked.CHUNK_S       # as a first call that loaded the kernels
    assert chunked.too_long(sim.model)
    sim.train(epochs=1)                                     # by batches, quick
    assert not chunked.too_long(sim.model)
    called = []
    monkeypatch.setattr(chunked, "train", lambda model, epochs: called.append(epochs))
    sim.train(epochs=2)
    assert not called and sim.epoch == 3                    # fused again


def test_waits_for_a_busy_machine_do_not_keep_a_short_epoch_in_batches(monkeypatch):
    """In the app, on a busy machine, one fused 40×40 SOM epoch of 8 ms took 58 ms by the clock,
    and every later epoch went by batches, each batch waiting for the GIL the UI thread held
    (60–220 ms an epoch for 12–26 ms of work): it never ran fused again, 8 epochs a second for 42.
    An epoch is timed by the work it took, not by the waits around it."""
    trained("som", 1)                                       # the kernels loaded in this process
    sim = dlsim.make("som", seed=3, **NETWORKS["som"])
    clock = iter(range(0, 10**9, 10))                       # every look at the clock: 10 s later
    monkeypatch.setattr(chunked, "time", SimpleNamespace(perf_counter=lambda: float(next(clock)),
                                                         thread_time=time.thread_time))
    chunked._measured[sim.model] = 2 * chunked.CHUNK_S       # a fused epoch slowed by a busy moment
    sim.train(epochs=1)                                     # by batches: long by the clock, short in work
    assert not chunked.too_long(sim.model)
    called = []
    monkeypatch.setattr(chunked, "train", lambda model, epochs: called.append(epochs))
    sim.train(epochs=2)
    assert not called and sim.epoch == 3                    # fused again
    assert not chunked.too_long(sim.model)                  # and its fused epochs, timed by their work, stay so


def test_a_measured_epoch_outweighs_the_estimate(monkeypatch):
    """The transformer's estimate (made for slower kernels) said 72 ms an epoch where its fused
    epochs took 25: the app's run mode split every epoch into batches for good. Once an epoch has
    been measured, the measure decides."""
    sim = dlsim.make("mlp", seed=3, **NETWORKS["mlp"])
    long = type("Long", (), {"compiled": lambda self, epochs: 10 * chunked.CHUNK_S})()
    monkeypatch.setattr(type(sim.model), "estimate", classmethod(lambda cls, config, data, history: long))
    assert chunked.too_long(sim.model)                      # nothing measured: the estimate decides
    chunked.measured(sim.model, chunked.CHUNK_S / 10, 1)
    assert not chunked.too_long(sim.model)


def test_ctrl_c_in_the_api_stops_a_long_epoch_between_batches_and_leaves_it_whole(chunk_everything, monkeypatch):
    """`sim.train` from Python: SIGINT during an epoch going by batches becomes a KeyboardInterrupt
    once the epoch in hand is undone; the epochs finished before it stay, and training goes on from there."""
    import os
    import signal
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        pytest.skip("needs Python's own Ctrl+C handler in place, as in a user's session")
    sim = dlsim.make("mlp", seed=3, **NETWORKS["mlp"])
    per_epoch = sim.model.epoch_progress()[1]
    batches = {"n": 0}

    def between():
        batches["n"] += 1
        if batches["n"] == per_epoch + 2:   # after the second batch of the second epoch
            os.kill(os.getpid(), signal.SIGINT)
    monkeypatch.setattr(chunked, "between", [between])
    with pytest.raises(KeyboardInterrupt):
        sim.train(epochs=4)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler   # as it was
    assert sim.epoch == 1 and sim.at_epoch_boundary()
    same_numbers(sim, trained("mlp", 1))
    sim.train(epochs=1)
    same_numbers(sim, trained("mlp", 2))
