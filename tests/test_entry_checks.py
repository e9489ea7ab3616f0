"""What a user hands an entry point is checked where it enters, and every refusal is one line: class
labels that are not classes never become recurrent targets, a network without a score per input
says so, and a message that echoes an array (or anything with line breaks) stays on one line."""
import pickle

import numpy as np
import pytest

import dlsim
from dlsim.errors import UserError, shown

BLOCK = np.arange(12.0).reshape(3, 4)   # a 2-D array: its repr spans three lines


def refusal(call) -> str:
    """The one-line message `call` is refused with."""
    with pytest.raises(UserError) as refused:
        call()
    message = str(refused.value)
    assert "\n" not in message and "\r" not in message, message
    return message


# --- one line, whatever the message echoes ------------------------------------------------------
def test_a_user_error_joins_its_lines_and_survives_pickling():
    error = UserError("first line\n    second line\r\n")
    assert str(error) == "first line second line"
    assert str(pickle.loads(pickle.dumps(error))) == "first line second line"


def test_an_array_is_shown_by_its_shape_and_first_numbers():
    assert shown(BLOCK) == "an array of shape (3, 4): 0, 1, 2, 3, …"
    assert shown(np.zeros((0, 2))) == "an array of shape (0, 2)"
    assert shown("x" * 500).endswith("…") and len(shown("x" * 500)) == 60


@pytest.fixture(scope="module")
def mlp():
    return dlsim.make("mlp", dataset="xor", hidden=[2])


@pytest.mark.parametrize("call", [
    lambda s: s.train(epochs=BLOCK), lambda s: s.train(steps=BLOCK), lambda s: s.seek(BLOCK),
    lambda s: s.set("lr", BLOCK), lambda s: s.set(BLOCK, 1), lambda s: s.step(BLOCK), lambda s: s[BLOCK],
    lambda s: s.__setitem__("layer[0].W", np.array([["a", "b"], ["c", "d"]])),
    lambda s: s.predict(np.array([["a", "b"], ["c", "d"]])), lambda s: s.order(BLOCK),
], ids=["epochs", "steps", "seek", "set value", "set name", "step level", "parameter name", "parameter value",
        "predict", "order"])
def test_a_bad_array_to_a_documented_entry_point_is_refused_in_one_line(mlp, call):
    refusal(lambda: call(mlp))


def test_the_gans_step_numbers_show_an_array_by_its_shape():
    gan = dlsim.make("gan", seed=1)
    assert "an array of shape (3, 4)" in refusal(lambda: gan.model.latent(BLOCK))
    assert "an array of shape (3, 4)" in refusal(lambda: gan.model.real_rows(0, BLOCK))


# --- the GAN's generate and every documented scores(X) ----------------------------------------------
@pytest.mark.parametrize("Z", [np.zeros(2), np.zeros((3, 5)), np.zeros((3, 3)), [[0.0, np.nan]]],
                         ids=["one-dimensional", "five columns", "one column too many", "nan"])
def test_generate_refuses_latent_points_it_cannot_take(Z):
    gan = dlsim.make("gan", seed=1, z_dim=2)
    assert "latent points Z must be" in refusal(lambda: gan.model.generate(Z))


@pytest.mark.parametrize("net", ["mlp", "perceptron", "gan"])
@pytest.mark.parametrize("columns", [1, 3])
def test_scores_refuse_the_wrong_number_of_columns(net, columns):
    model = dlsim.make(net).model
    assert "rows of 2 numbers" in refusal(lambda: model.scores(np.zeros((4, columns))))


@pytest.mark.parametrize("net,X", [("rnn", np.zeros((2, 20, 1))), ("som", np.zeros((2, 3)))])
def test_a_network_without_a_score_per_input_says_so(net, X):
    assert "gives no score per input" in refusal(lambda: dlsim.make(net).model.scores(X))


# --- recurrent class targets ----------------------------------------------------------------------
@pytest.fixture(scope="module", params=["rnn", "lstm"])
def counting(request):
    """A task with one class (of six) after its last step: labels stand for its targets."""
    return dlsim.make(request.param, dataset="counting", length=5, samples=8, test=2, batch=4)


@pytest.mark.parametrize("label", [np.nan, -5, 6, -1, 0.5])
def test_recurrent_labels_outside_the_classes_never_become_targets(counting, label):
    model = counting.model
    y = np.array([label, 0, 1])
    assert "class numbers 0..5" in refusal(lambda: model.targets(y))
    assert "class numbers 0..5" in refusal(lambda: counting.loss_and_gradients(model.X[:3], y))


def test_recurrent_labels_that_are_classes_are_one_hot_after_the_last_step(counting):
    model = counting.model
    Y = model.targets(np.array([5, 0, 2]))
    assert Y.shape == (3, 1, 6) and np.array_equal(Y[:, 0].argmax(axis=1), [5, 0, 2])
    loss, _ = model.gradients(model.X[:3], Y)
    assert np.isfinite(loss) and loss > 0.0
