"""Saved sessions go on bit for bit: for every network, k epochs, save, open, m more epochs gives the
very parameters (and optimizer state, and curves) of an uninterrupted k + m; saved in the middle of a
sample (stepped to some op, with a weight typed in there), it stands at the same op and goes on the same."""
import numpy as np
import pytest

import dlsim
from dlsim.models import MODELS

# small sizes: each network a fraction of a second a run
SMALL = {
    "perceptron": dict(dataset="blobs", samples=12, test=4, init="random", shuffle="yes"),
    "mlp": dict(dataset="moons", samples=24, test=8, hidden=(5, 3), batch=8, optimizer="adam"),
    "som": dict(dataset="colors", samples=20, rows=3, cols=4),
    "cnn": dict(dataset="bars", samples=12, test=4, batch=4, optimizer="momentum"),
    "rnn": dict(dataset="sine", samples=8, test=2, length=5, batch=4, hidden=(4,)),
    "lstm": dict(dataset="first_bit", samples=8, test=2, length=5, batch=4, hidden=(3,)),
    "gan": dict(dataset="moons", samples=32, batch=8, k=2, g_hidden=(4,), d_hidden=(4,)),
    "ae": dict(samples=12, test=4, batch=4, encoder=(3,), tied="yes", denoise=0.25),
    "rbf": dict(samples=12, test=4, centres=3, kmeans=2, fit="delta", batch=4, optimizer="momentum"),
    "vae": dict(samples=12, test=4, batch=4, encoder=(3,), beta=0.5),
    "rbm": dict(samples=12, test=4, hidden=3, k=2, method="pcd", batch=5, optimizer="momentum"),
    "transformer": dict(samples=12, test=4, length=2, d_model=8, mlp=4, batch=4, optimizer="momentum"),
    "diffusion": dict(samples=12, hidden=(3,), T=10, batch=4, generated=8, optimizer="momentum", sampler="ddim"),
    "dqn": dict(hidden=(3,), replay=8, replay_batch=3, learn_start=4, steps_per_epoch=12, target_every=3, optimizer="momentum"),
    "dbn": dict(layers=(4, 3), pretrain=1, samples=12, test=4, k=2, batch=5, optimizer="momentum"),
    "qlearn": dict(dataset="cliff", rule="sarsa", steps_per_epoch=10, step_reward=-0.5),
}


def same_state(a, b) -> None:
    """Every parameter, and every array and number of the models' states, bit for bit."""
    for name, value in a.params.items():
        assert np.array_equal(value, b.params[name]), name
    sa, sb = a.model.state(), b.model.state()
    assert sa.keys() == sb.keys()
    for key in sa:
        if isinstance(sa[key], np.ndarray):
            assert sa[key].tobytes() == sb[key].tobytes(), key
    assert a.history == b.history
    assert a.cursor == b.cursor


@pytest.mark.parametrize("name", list(MODELS))
def test_a_saved_session_goes_on_as_if_never_closed(name, tmp_path):
    assert set(SMALL) == set(MODELS)   # a new network gets its line here
    k, m = 2, 3
    whole = dlsim.make(name, seed=5, **SMALL[name])   # never closed: k epochs, then m more
    whole.train(epochs=k)
    whole.train(epochs=m)
    first = dlsim.make(name, seed=5, **SMALL[name])
    first.train(epochs=k)
    path = first.save(tmp_path / f"{name}.dlsim")
    opened = dlsim.open(path)
    assert opened.cursor == first.cursor and opened.epoch == k
    assert opened.history == first.history
    opened.train(epochs=m)
    same_state(opened, whole)
    assert opened.summary() == whole.summary()


@pytest.mark.parametrize("name", ["mlp", "lstm", "gan"])
def test_saved_mid_sample_it_stands_at_the_same_op_and_goes_on_the_same(name, tmp_path):
    a = dlsim.make(name, seed=2, **SMALL[name])
    a.train(epochs=1)
    a.step("batch")
    for _ in range(5):
        a.step("op")
    weight = next(iter(a.params))
    a.set_param(weight, 0.25, (0,) * a.params[weight].ndim)   # typed in mid-sample: replayed at this op
    a.step("op")
    assert a.cursor.op == 6 and a.cursor.batch == 1
    b = dlsim.open(a.save(tmp_path / "mid.dlsim"))
    assert b.cursor == a.cursor
    assert b.last == a.last
    same_state(a, b)
    for sim in (a, b):
        sim.step("sample")
        sim.train(epochs=2)
    same_state(a, b)
    b.back("op")   # the history of steps goes on from where it was opened
    a.back("op")
    same_state(a, b)


def test_an_opened_session_keeps_its_data_and_live_options(tmp_path):
    a = dlsim.make("mlp", seed=1, **SMALL["mlp"])
    a.set("lr", 0.05)
    a.step("epoch")
    b = dlsim.open(a.save(tmp_path / "s.dlsim"))
    assert b.config == a.config and b.config["lr"] == 0.05
    for field in ("X", "y", "X_test", "y_test"):
        assert np.array_equal(getattr(b.data, field), getattr(a.data, field))
    assert b.data.name == a.data.name and b.data.kind == a.data.kind


def test_a_session_keeps_a_mid_epoch_place_and_curves(tmp_path):
    a = dlsim.make("cnn", seed=0, **SMALL["cnn"])
    a.train(epochs=2)
    a.step("batch")
    b = dlsim.open(a.save(tmp_path / "c.dlsim"))
    assert not b.at_epoch_boundary() and b.cursor == a.cursor
    assert len(b.history) == 2 and b.history == a.history
    a.train(epochs=1)
    b.train(epochs=1)
    same_state(a, b)


@pytest.mark.parametrize("name, option, value", [("mlp", "lr", 0.02), ("mlp", "optimizer", "momentum"),
                                                  ("cnn", "lr", 0.3), ("lstm", "optimizer", "adam")])
def test_saved_right_after_an_option_changed_live_mid_epoch(name, option, value, tmp_path):
    """The learner presses l (or changes the optimizer) inside an epoch and saves at once: the
    opened session trains on with the new value, bit for bit as the one never closed."""
    a = dlsim.make(name, seed=4, **SMALL[name])
    a.train(epochs=1)
    a.step("batch")
    a.set(option, value)
    b = dlsim.open(a.save(tmp_path / "live.dlsim"))
    assert b.config[option] == a.config[option] and b.cursor == a.cursor
    for sim in (a, b):
        sim.train(epochs=2)
    same_state(a, b)
