"""The Python API a learner or a teacher scripts against: dlsim.make and the Simulator it returns."""
from itertools import islice

import numpy as np
import pytest

import dlsim
from dlsim.errors import UserError
from dlsim.protocol.events import Level


def small(**options):
    config = dict(dataset="xor", hidden=(4,), activation="tanh", loss="bce", optimizer="sgd", lr=0.3, batch=0,
                  samples=12, test=4)
    config.update(options)
    return dlsim.make("mlp", seed=0, **config)


# --- make -------------------------------------------------------------------------------------

def test_make_builds_what_was_asked():
    sim = small(hidden=(4, 3), loss="softmax_ce")
    assert sim.name == "mlp" and sim.model.name == "mlp"
    assert sim.config["hidden"] == (4, 3) and sim.config["momentum"] == 0.9   # defaults filled in
    assert list(sim.model.sizes) == [2, 4, 3, 2]
    assert sim.data.X.shape == (12, 2) and sim.data.X_test.shape == (4, 2)
    assert sim.position == 0 and sim.epoch == 0 and sim.history == []
    # options given as the command line gives them (strings) mean the same
    same = dlsim.make("mlp", seed="0", dataset="xor", hidden="4,3", loss="softmax_ce", lr="0.3", batch="0",
                      samples="12", test="4")
    assert same.config == sim.config
    assert np.array_equal(same.model.theta, sim.model.theta)


def test_make_unknown_model_suggests():
    with pytest.raises(UserError, match=r"unknown model 'mpl' \(did you mean 'mlp'\?\); choose from: perceptron, mlp"):
        dlsim.make("mpl")


# --- parameters by name -----------------------------------------------------------------------

def test_params_by_name_read():
    sim = small(hidden=(4, 3))
    params = sim.params
    assert list(params) == ["layer[0].W", "layer[0].b", "layer[1].W", "layer[1].b", "layer[2].W", "layer[2].b"]
    assert [p.shape for p in params.values()] == [(2, 4), (4,), (4, 3), (3,), (3, 1), (1,)]
    flat = np.concatenate([p.ravel() for p in params.values()])
    assert np.array_equal(flat, sim.model.theta)   # the flat buffer is the params in this order
    assert np.array_equal(sim["layer[1].W"], params["layer[1].W"])
    assert np.all(params["layer[0].b"] == 0.0) and np.any(params["layer[0].W"] != 0.0)


def test_params_read_are_copies():
    sim = small()
    W = sim["layer[0].W"]
    W[:] = 99.0
    sim.params["layer[0].b"][:] = 99.0
    assert not np.any(sim.model.theta == 99.0)


def test_params_by_name_write():
    sim = small()
    before = sim.predict(sim.data.X)
    sim["layer[1].W"] = np.zeros((4, 1))
    sim["layer[1].b"] = [2.0]
    assert np.array_equal(sim["layer[1].W"], np.zeros((4, 1))) and sim["layer[1].b"][0] == 2.0
    assert np.array_equal(sim.model.theta[-5:], [0, 0, 0, 0, 2.0])
    # the network now says class 1 everywhere: sigmoid(2) > 0.5
    assert np.all(sim.predict(sim.data.X) == 1) and not np.all(before == 1)
    sim.set_param("layer[0].W", -1.5, index=(1, 2))
    assert sim["layer[0].W"][1, 2] == -1.5
    sim.set_param("layer[0].b", 0.25)          # a scalar fills the whole parameter
    assert np.all(sim["layer[0].b"] == 0.25)


def test_bad_param_writes_raise_user_errors():
    sim = small()
    with pytest.raises(UserError, match=r"unknown parameter 'layer\[0\].w' \(did you mean 'layer\[0\].W'\?\)"):
        sim["layer[0].w"] = 1.0
    with pytest.raises(UserError, match=r"unknown parameter"):
        sim["layer[7].W"]
    with pytest.raises(UserError, match=r"parameter 'layer\[0\].W' has shape \(2, 4\), got \(3,\)"):
        sim["layer[0].W"] = [1.0, 2.0, 3.0]
    with pytest.raises(UserError, match="finite"):
        sim.set_param("layer[0].b", np.nan, index=(0,))
    theta = sim.model.theta.copy()
    assert np.array_equal(sim.model.theta, theta)


# --- gradients by name ------------------------------------------------------------------------

def test_gradients_by_name():
    sim = small(hidden=(4, 3), loss="softmax_ce")
    grads = sim.gradients()
    assert list(grads) == list(sim.params)
    assert all(grads[k].shape == v.shape for k, v in sim.params.items())
    # default is the whole training set; labels may be class indices or one-hot rows
    full = sim.gradients(sim.data.X, sim.data.y)
    onehot = sim.gradients(sim.data.X, np.eye(2)[sim.data.y])
    for name in grads:
        assert np.array_equal(grads[name], full[name]) and np.array_equal(grads[name], onehot[name])
    # one step of plain SGD moves each parameter by −lr·gradient
    sim.set("optimizer", "sgd")
    theta = sim.model.theta.copy()
    grads = sim.gradients()
    sim.step("batch")
    expected = theta - 0.3 * np.concatenate([g.ravel() for g in grads.values()])
    np.testing.assert_allclose(sim.model.theta, expected, rtol=1e-12, atol=1e-15)


def test_loss_and_gradients_on_a_subset():
    sim = small()
    loss, grads = sim.loss_and_gradients(sim.data.X[:3], sim.data.y[:3])
    loss_all, _ = sim.loss_and_gradients()
    assert loss > 0 and loss != loss_all
    assert list(grads) == list(sim.params)


# --- train ------------------------------------------------------------------------------------

def test_train_reduces_the_loss_and_reports():
    sim = small(hidden=(8,), optimizer="adam", lr=0.05, samples=64, test=16)
    first = sim.evaluate()
    result = sim.train(epochs=150)
    assert result["epochs"] == 150 and result["steps"] == 150 and len(sim.history) == 150
    assert result["model"] == "mlp" and result["dataset"] == "xor" and result["diverged"] is False
    assert result["train_loss"] < first["train_loss"] / 2
    assert result["train_acc"] >= 0.9
    assert sim.history[-1]["loss"] < sim.history[0]["loss"]


def test_train_by_steps_and_stopping_rule():
    sim = small(batch=4)
    sim.train(steps=5)
    assert sim.model.steps == 5 and sim.epoch == 1   # 3 batches per epoch
    sim.train(epochs=1, until=lambda e: e.op == "batch")
    assert sim.model.steps == 6
    with pytest.raises(UserError, match=">= 0"):
        sim.train(epochs=-1)


@pytest.mark.parametrize("stream", [False, True], ids=["fused", "stream"])
def test_train_stops_once_the_weights_are_not_numbers(stream):
    sim = small(batch=4)
    sim.model.theta[0] = np.nan   # what a diverged run leaves behind (set_param refuses it)
    if stream:
        sim.on_event.append(lambda event: None)
    result = sim.train(epochs=50)
    assert result["diverged"] is True
    assert result["epochs"] <= 1 and sim.model.steps <= 3


# --- events -----------------------------------------------------------------------------------

def test_events_iterate_one_unit_at_a_time():
    sim = small(batch=4)
    samples = list(islice(sim.events("sample"), 5))
    assert all(e.closes >= Level.SAMPLE for e in samples)
    assert samples[3].op == "grad"     # the 4th sample ends with its last gradient...
    assert samples[4].op == "batch"    # ...then the update closes the first batch
    epochs = list(islice(sim.events("epoch"), 2))
    assert [e.op for e in epochs] == ["epoch", "epoch"]
    assert [e.values["epoch"] for e in epochs] == [1, 2]
    assert sim.position == sim.stepper.position > 0


def test_op_events_name_what_they_touched():
    sim = small(hidden=(2,))
    ops = list(islice(sim.events("op"), 6))
    assert [(e.op, e.phase, e.path) for e in ops[:2]] == [
        ("weighted_sum", "forward", "mlp.layer[0].neuron[0]"),
        ("weighted_sum", "forward", "mlp.layer[0].neuron[1]")]
    ws = ops[0].values
    # the numbers shown are the ones the kernel used: z = b + Σ x·w
    assert ws["z"] == pytest.approx(ws["bias"] + sum(x * w for x, w in zip(ws["inputs"], ws["weights"])),
                                    rel=1e-15)
    assert ops[2].op == "activation" and ops[2].values["a"] == pytest.approx(np.tanh(ws["z"]), rel=1e-12)


def test_unknown_level_suggests():
    with pytest.raises(UserError, match=r"unknown level 'epochs' \(did you mean 'epoch'\?\)"):
        small().step("epochs")


# --- options: live set vs rebuild, and bad values ---------------------------------------------

def test_set_live_option_keeps_the_run():
    sim = small()
    sim.step("epoch")
    sim.step("sample")
    theta, position = sim.model.theta.copy(), sim.position
    assert sim.set("lr", 0.01) is False
    assert np.array_equal(sim.model.theta, theta) and sim.position == position and sim.epoch == 1
    assert sim.config["lr"] == sim.model.config["lr"] == 0.01
    assert sim.set("momentum", "0.5") is False and sim.model.config["momentum"] == 0.5


def test_set_structural_option_rebuilds():
    sim = small()
    sim.step("epoch")
    assert sim.set("hidden", (5, 2)) is True
    assert sim.position == 0 and sim.epoch == 0 and sim.history == []
    assert sim["layer[0].W"].shape == (2, 5) and "layer[2].W" in sim.params
    assert sim.set("hidden", "3") is True and list(sim.model.sizes) == [2, 3, 1]


def test_set_refused_leaves_everything_as_it_was():
    sim = small()
    sim.step("epoch")
    sim.step("sample")
    theta, position, config = sim.model.theta.copy(), sim.position, dict(sim.config)
    for name, value in (("batch", 13), ("lr", -1), ("hidden", -1), ("activation", "swish"), ("lrr", 0.1)):
        with pytest.raises(UserError):
            sim.set(name, value)
        assert sim.config == config, name
        assert sim.position == position and sim.epoch == 1, name
        assert np.array_equal(sim.model.theta, theta), name
    sim.step("sample")   # still steps on from where it was
    assert sim.position > position


@pytest.mark.parametrize("options,message", [
    ({"lr": -0.1}, r"option 'lr': -0\.1 is not allowed; a number > 0\.0"),
    ({"lr": 0}, r"option 'lr': 0 is not allowed; a number > 0\.0"),
    ({"hidden": -1}, r"option 'hidden': -1 is not allowed; comma-separated layer sizes, each from 1 to 1024"),
    ({"hidden": "4,0"}, r"option 'hidden': '4,0' is not allowed; comma-separated layer sizes"),
    ({"hidden": ""}, r"option 'hidden': '' is not allowed; comma-separated layer sizes, each from 1 to 1024 \(e\.g\. 16,16; 0 for none\)$"),
    ({"batch": 13}, r"option 'batch': 13 is larger than the 12 training samples; use 1\.\.12, or 0 for the full set"),
    ({"batch": -1}, r"option 'batch': -1 is not allowed; a whole number from 0"),
    ({"batch": 2.5}, r"option 'batch': 2\.5 is not allowed; a whole number"),
    ({"activation": "swish"}, r"option 'activation': 'swish' is not allowed; one of: tanh, sigmoid, relu, linear, step"),
    ({"optimizer": "adamw"}, r"option 'optimizer': 'adamw' is not allowed \(did you mean 'adam'\?\); one of: sgd, momentum, adam"),
    ({"lr": True}, r"option 'lr': True is not allowed"),
    ({"lerning_rate": 0.1}, r"unknown option for mlp 'lerning_rate'.*; choose from: dataset, seed, hidden"),
    ({"lrr": 0.1}, r"unknown option for mlp 'lrr' \(did you mean 'lr'\?\)"),
    ({"optimiser": "adam"}, r"unknown option for mlp 'optimiser' \(did you mean 'optimizer'\?\)"),
    ({"dataset": "spirals"}, r"option 'dataset': 'spirals' is not allowed \(did you mean 'spiral'\?\); one of: xor, circle"),
], ids=lambda x: str(x) if isinstance(x, dict) else "")
def test_bad_options_raise_user_errors_that_say_what_is_allowed(options, message):
    with pytest.raises(UserError, match=message):
        small(**options)


def test_perceptron_options_are_checked_too():
    with pytest.raises(UserError, match=r"unknown option for perceptron 'hidden'"):
        dlsim.make("perceptron", hidden=(3,))
    with pytest.raises(UserError, match=r"option 'dataset': 'circle' is not allowed; one of: and, or, xor, blobs"):
        dlsim.make("perceptron", dataset="circle")


# --- determinism ------------------------------------------------------------------------------

def same_value(a, b):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(a, b)
    if hasattr(a, "keys"):
        return hasattr(b, "keys") and a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, tuple):
        return isinstance(b, tuple) and len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    return a == b


def same_event(a, b):
    return (a.op, a.phase, a.path, a.level, a.closes) == (b.op, b.phase, b.path, b.level, b.closes) \
        and same_value(a.values, b.values)


@pytest.mark.parametrize("model,options", [
    ("mlp", dict(dataset="moons", hidden=(3,), batch=5, optimizer="adam", samples=12, test=4)),
    ("perceptron", dict(dataset="blobs", init="random", shuffle="yes", samples=10, test=4)),
], ids=["mlp", "perceptron"])
def test_same_seed_same_event_stream_different_seed_differs(model, options):
    a, b, c = (dlsim.make(model, seed=s, **options) for s in (11, 11, 12))
    stream_a = list(islice(a.events("op"), 700))
    stream_b = list(islice(b.events("op"), 700))
    stream_c = list(islice(c.events("op"), 700))
    assert any(e.op == "epoch" for e in stream_a)
    assert all(same_event(x, y) for x, y in zip(stream_a, stream_b))
    assert np.array_equal(a.model.theta, b.model.theta) and a.history == b.history
    assert not all(same_event(x, y) for x, y in zip(stream_a, stream_c))
    assert not np.array_equal(a.model.theta, c.model.theta)


def test_same_seed_same_fused_run():
    a, b = small(batch=3, optimizer="momentum"), small(batch=3, optimizer="momentum")
    a.train(epochs=20)
    b.train(epochs=20)
    assert np.array_equal(a.model.theta, b.model.theta) and a.history == b.history


def test_settings_survive_stepping_back_while_the_history_rewinds():
    sim = dlsim.make("mlp", seed=3, samples=8, test=0, hidden=(3,), lr=0.3)
    sim.step("batch")                       # the first update, at lr 0.3
    after_first = sim.model.theta.copy()
    sim.set("lr", 0.05)
    sim.step("batch")
    sim.back("batch")
    assert np.array_equal(sim.model.theta, after_first)   # the history rewound exactly…
    assert sim.model.config["lr"] == sim.config["lr"] == 0.05   # …the learner's new rate stayed
    event = sim.step("op")
    while event.op != "update":
        event = sim.step("op")
    assert event.values["lr"] == 0.05


def test_inputs_of_the_wrong_shape_are_refused_with_a_message():
    sim = dlsim.make("mlp", seed=0, samples=8, test=0, hidden=(3,))
    with pytest.raises(UserError, match=r"rows of 2 numbers"):
        sim.predict([[1.0, 2.0, 3.0]])
    with pytest.raises(UserError, match=r"rows of 2 numbers"):
        sim.gradients([1.0, 2.0], [0])
    with pytest.raises(UserError, match="2 inputs but 1 labels"):
        sim.gradients([[0.0, 1.0], [1.0, 0.0]], [1])
    assert sim.predict([[0.0, 0.0]]).shape == (1,)


def test_hidden_is_layer_sizes_for_every_network_and_one_number_is_one_layer():
    assert dlsim.make("mlp", hidden=16).config["hidden"] == (16,)
    assert dlsim.make("mlp", hidden="0").config["hidden"] == ()          # no hidden layer: a logistic regression
    assert list(dlsim.make("mlp", hidden=0).model.sizes) == [2, 1]
    assert dlsim.make("cnn", hidden="8,4").config["hidden"] == (8, 4)
    assert dlsim.make("rnn", hidden=8).config["hidden"] == (8,)
    assert dlsim.make("gan", d_hidden=5).config["d_hidden"] == (5,)


@pytest.mark.parametrize("network,option", [("mlp", "hidden"), ("cnn", "hidden"), ("cnn", "kernels"),
                                            ("gan", "g_hidden"), ("gan", "d_hidden"), ("rnn", "hidden"),
                                            ("lstm", "hidden")])
@pytest.mark.parametrize("empty", ["", " ", ","])
def test_an_empty_sizes_value_is_refused_naming_what_is_allowed(network, option, empty):
    """`--set hidden=` is a slip more often than a choice: a lone 0 is how to say "no layer"."""
    with pytest.raises(UserError, match=rf"^option '{option}': {empty!r} is not allowed; [^\n]*\d") as refused:
        dlsim.make(network, **{option: empty})
    assert "\n" not in str(refused.value)


def test_no_hidden_layer_is_said_with_0_and_the_value_it_gives_reads_back():
    sim = dlsim.make("mlp", hidden="0")
    assert sim.config["hidden"] == () and sim.set("lr", 0.2) is False      # the config re-reads ()
    assert dlsim.make("mlp", hidden=()).config["hidden"] == ()              # the API's value for none
    assert dlsim.make("cnn").config["hidden"] == ()
