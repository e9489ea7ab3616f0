"""Every mistake a script can make with the API is one UserError line, and nothing it passes reaches
a compiled kernel unchecked (a kernel indexes its arrays without bounds checks: a target row too
short for the output layer used to be read past its end)."""
import numpy as np
import pytest

import dlsim
from dlsim.errors import UserError
from dlsim.models.base import NO_CLASS


def small(**options):
    config = dict(dataset="xor", hidden=(3,), samples=8, test=4, seed=0)
    config.update(options)
    return dlsim.make("mlp", **config)


def refused(sim, call, message):
    """call(sim) raises a one-line UserError matching message and changes nothing."""
    theta, position, epoch = sim.model.theta.copy(), sim.position, sim.epoch
    with pytest.raises(UserError, match=message) as error:
        call(sim)
    assert "\n" not in str(error.value)
    assert np.array_equal(sim.model.theta, theta) and (sim.position, sim.epoch) == (position, epoch)


# --- training targets and labels -----------------------------------------------------------------

X8 = np.zeros((8, 2))


@pytest.mark.parametrize("loss,Y,message", [
    ("softmax_ce", np.ones((8, 1)), r"targets for loss=softmax_ce must be rows of 2 numbers \(shape \(N, 2\)\), got shape \(8, 1\)"),
    ("softmax_ce", np.ones((8, 3)) / 3, r"rows of 2 numbers"),
    ("bce", np.ones((8, 2)), r"targets for loss=bce must be rows of 1 number \(shape \(N, 1\)\)"),
    ("mse", np.ones((8, 2)), r"targets for loss=mse must be rows of 1 number"),
    ("bce", np.full((8, 1), 2.0), r"targets for loss=bce are probabilities: each from 0 to 1"),
    ("bce", np.full((8, 1), -0.5), r"from 0 to 1"),
    ("softmax_ce", np.full((8, 2), 2.0), r"from 0 to 1"),
    ("softmax_ce", np.full((8, 2), 0.25), r"targets for loss=softmax_ce are one distribution per row: each row sums to 1"),
    ("mse", np.full((8, 1), np.inf), r"targets must be finite numbers"),
    ("bce", np.full((8, 1), np.nan), r"targets must be finite numbers"),
], ids=lambda v: v if isinstance(v, str) and len(v) < 12 else "")
def test_targets_outside_what_the_loss_takes_are_refused(loss, Y, message):
    refused(small(loss=loss), lambda s: s.loss_and_gradients(X8, Y), message)


def test_targets_the_loss_takes_are_accepted():
    assert np.isfinite(small(loss="mse").loss_and_gradients(X8, np.full((8, 1), 3.5))[0])   # MSE: any finite target
    assert np.isfinite(small(loss="bce").loss_and_gradients(X8, np.full((8, 1), 0.3))[0])   # soft labels
    soft = np.tile([0.7, 0.3], (8, 1))
    assert np.isfinite(small(loss="softmax_ce").loss_and_gradients(X8, soft)[0])


@pytest.mark.parametrize("X,y,message", [
    ([[0, 0]], "ab", r"labels: 'ab' is not a number or an array of numbers"),
    ([[0, 0]], 1, r"labels must be class numbers \(shape \(N,\)\) or rows of targets"),
    (X8, np.zeros((8, 1, 1)), r"got shape \(8, 1, 1\)"),
    (X8, [0, 1] * 3, r"8 inputs but 6 labels"),
    (X8, [0, 1, 2, 0, 1, 0, 1, 0], r"labels must be class numbers 0\.\.1, got 2$"),
    (X8, [0.5] * 8, r"class numbers 0\.\.1, got 0\.5"),
    (X8, [np.nan] * 8, r"class numbers 0\.\.1, got nan$"),
    (X8, [None] * 8, r"labels: .* is not a number"),
    (np.zeros((0, 2)), np.zeros(0), r"a loss needs at least one sample"),
    (X8, None, r"give both the inputs X and their labels y, or neither"),
    (None, [0] * 8, r"give both"),
], ids=lambda v: "")
def test_bad_labels_are_refused(X, y, message):
    refused(small(), lambda s: s.loss_and_gradients(X, y), message)


# --- writing parameters ----------------------------------------------------------------------------

@pytest.mark.parametrize("index,message", [
    ((9, 9), r"index \(9, 9\) is outside parameter 'layer\[0\]\.W', which has shape \(2, 3\): use 2 whole numbers, 0\.\.1 and 0\.\.2"),
    ((0, -4), r"is outside"),
    ("a", r"index 'a' for parameter 'layer\[0\]\.W', which has shape \(2, 3\)"),
    ((1.5, 0), r"index \(1\.5, 0\) for"),
    ((0,), r"index \(0,\) for"),
    ((0, 1, 2), r"for parameter"),
    ((True, 0), r"for parameter"),
    ((slice(None), 0), r"for parameter"),
])
def test_bad_parameter_indices_are_refused(index, message):
    refused(small(), lambda s: s.set_param("layer[0].W", 1.0, index=index), message)


@pytest.mark.parametrize("value,message", [
    ("1.5", r"parameter 'layer\[0\]\.b': '1\.5' is not a number or an array of numbers"),
    (None, r"None is not a number"),
    (1j, r"1j is not a number"),
    ([[1.0], [2.0, 3.0]], r"not a number or a rectangular array of numbers"),
    (10 ** 400, r"is too large for a 64-bit float"),
    (1e400, r"values must be finite numbers"),
    ([np.nan, 0, 0], r"finite"),
    ([1.0, 2.0], r"parameter 'layer\[0\]\.b' has shape \(3,\), got \(2,\)"),
])
def test_bad_parameter_values_are_refused(value, message):
    refused(small(), lambda s: s.set_param("layer[0].b", value), message)


def test_a_huge_value_is_not_echoed_whole():
    with pytest.raises(UserError) as error:
        small().set_param("layer[0].b", 10 ** 4000)
    assert len(str(error.value)) < 200


def test_parameter_names_that_are_not_strings_are_unknown():
    sim = small()
    refused(sim, lambda s: s.set_param(5, 1.0), r"unknown parameter '5'; choose from: layer\[0\]\.W")
    refused(sim, lambda s: s[["layer[0].W"]], r"unknown parameter")
    refused(sim, lambda s: s.__setitem__(None, 1.0), r"unknown parameter 'None'")


def test_an_element_index_may_count_from_the_end_and_is_replayed_exactly():
    sim = small()
    sim.set_param("layer[0].W", 2.5, index=(-1, np.int64(-1)))
    assert sim["layer[0].W"][1, 2] == 2.5
    sim.step("sample")
    sim.back("sample")
    assert sim["layer[0].W"][1, 2] == 2.5


# --- training, stepping, predicting ------------------------------------------------------------------

@pytest.mark.parametrize("kwargs,message", [
    (dict(epochs=1.5), r"epochs must be a whole number >= 0, got 1\.5"),
    (dict(epochs="3"), r"epochs must be a whole number >= 0, got '3'"),
    (dict(epochs=True), r"got True"),
    (dict(epochs=float("nan")), r"got nan"),
    (dict(epochs=-1), r"got -1"),
    (dict(steps="x"), r"steps must be a whole number >= 0, got 'x'"),
    (dict(steps=2.0), r"steps must be a whole number"),
    (dict(epochs=1, steps=1), r"give epochs or steps, not both"),
    (dict(epochs=1, until=3), r"until must be a function of an event"),
    (dict(epochs=1, detail="x"), r"unknown level 'x'; choose from: op, layer, sample, batch, epoch"),
    (dict(epochs=1, detail=7), r"unknown level '7'"),
], ids=lambda v: "")
def test_bad_train_arguments_are_refused(kwargs, message):
    refused(small(), lambda s: s.train(**kwargs), message)


def test_whole_numbers_of_any_integer_type_train():
    sim = small()
    sim.train(epochs=np.int64(2))
    sim.train(steps=np.int32(1))
    assert sim.model.steps == 3


@pytest.mark.parametrize("call", [lambda s: s.step("x"), lambda s: s.step(5), lambda s: s.step(None),
                                  lambda s: s.back(level=5), lambda s: s.back([]), lambda s: next(s.events("x"))])
def test_bad_levels_are_refused(call):
    refused(small(), call, r"unknown level")


def test_a_huge_level_name_is_not_echoed_whole():
    with pytest.raises(UserError) as error:
        small().step("x" * 100_000)
    assert len(str(error.value)) < 200


@pytest.mark.parametrize("model", ["mlp", "perceptron"])
@pytest.mark.parametrize("X,message", [
    ("abc", r"inputs: 'abc' is not a number or an array of numbers"),
    ([["1", "2"]], r"is not a number"),
    (None, r"None is not a number"),
    ([[10 ** 400, 0]], r"too large for a 64-bit float"),
    (np.zeros((2, 2, 2)), r"inputs must be rows of 2 numbers \(shape \(N, 2\)\), got shape \(2, 2, 2\)"),
    ([], r"got shape \(0,\)"),
    ([0.5, 0.5], r"got shape \(2,\)"),
    ([[np.nan, 0]], r"inputs must be finite numbers"),
    ([[np.inf, 0]], r"finite"),
], ids=lambda v: "")
def test_bad_inputs_to_predict_are_refused(model, X, message):
    sim = dlsim.make(model, seed=0)
    refused(sim, lambda s: s.predict(X), message)
    refused(sim, lambda s: s.ties(X), message)


def test_predict_takes_no_rows_and_booleans():
    sim = small()
    assert sim.predict(np.zeros((0, 2))).shape == (0,)
    assert sim.predict(np.ones((2, 2), bool)).shape == (2,)


def test_options_and_models_named_by_something_else_than_a_string():
    sim = small()
    refused(sim, lambda s: s.set(5, 1), r"unknown option for mlp '5'; choose from: dataset, seed")
    refused(sim, lambda s: s.set([1], 1), r"unknown option for mlp '\[1\]'")
    refused(sim, lambda s: s.set("lr", 10 ** 400), r"option 'lr': .* is not allowed; a number > 0\.0")
    for name in (5, [1], None):
        with pytest.raises(UserError, match=r"unknown model .*; choose from: perceptron, mlp"):
            dlsim.make(name)


# --- ties ----------------------------------------------------------------------------------------------

def zero_output(sim):
    """Output weights and bias 0: every logit is 0, every output ties (ŷ = 0.5, or an even softmax)."""
    out = [name for name in sim.params if name.endswith(".W")][-1]
    sim[out] = 0.0
    sim[out.replace(".W", ".b")] = 0.0
    return sim


@pytest.mark.parametrize("loss", ["bce", "mse", "softmax_ce"])
def test_a_tie_is_no_class_and_never_counts_as_right(loss):
    sim = zero_output(dlsim.make("mlp", seed=0, dataset="and", hidden=(3,), loss=loss))
    X = sim.data.X
    assert np.all(sim.ties(X)) and np.all(sim.predict(X) == NO_CLASS)
    # AND has one positive corner: calling every tie "class 1" used to report accuracy 0.25
    metrics = sim.evaluate()
    assert metrics["train_acc"] == 0.0
    assert metrics["train_loss"] > 0


def test_outputs_that_do_not_tie_give_their_class():
    sim = small(hidden=(4,))
    sim.train(epochs=30)
    X = sim.data.X
    scores = sim.model.scores(X)
    assert not np.any(sim.ties(X))
    assert np.array_equal(sim.predict(X), (scores > 0.5).astype(int))
    ce = small(loss="softmax_ce")
    out = ce.model.outputs(X)
    assert not np.any(ce.ties(X)) and np.array_equal(ce.predict(X), out.argmax(axis=1))


def test_a_softmax_tie_between_two_of_three_classes():
    from dlsim.models.mlp import MLP
    out = np.array([[0.4, 0.4, 0.2], [0.2, 0.5, 0.3], [np.nan, 0.5, 0.5]])
    assert list(MLP._classes(out)) == [NO_CLASS, 1, NO_CLASS]


def test_the_perceptron_never_ties():
    sim = dlsim.make("perceptron", seed=0)
    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    assert not np.any(sim.ties(X))   # its rule fires at z = 0 exactly: step(0) = 1
    assert list(sim.predict(X)) == [1, 1]
