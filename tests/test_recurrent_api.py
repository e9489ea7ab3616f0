"""The RNN's and the LSTM's public API: the options' names (length, hidden as the MLP has it, the old
spellings still working), per-step targets in loss_and_gradients and a refusal where X and the
targets do not pair, class probabilities, the last clipped gradient, and one line for every
sequence of the wrong shape."""
import numpy as np
import pytest

import dlsim
from dlsim.cli import main
from dlsim.errors import UserError
from dlsim.kernels import lstm_reference, rnn_reference
from dlsim.models import options
from dlsim.protocol.events import Level

NETS = ["rnn", "lstm"]
REFERENCES = {"rnn": rnn_reference, "lstm": lstm_reference}
SMALL = {"hidden": 3, "samples": 8, "test": 4, "batch": 4, "length": 6}


def make(net, **extra):
    return dlsim.make(net, seed=1, **{**SMALL, "dataset": "sine", **extra})


def refused(call, message):
    with pytest.raises(UserError, match=message) as error:
        call()
    assert "\n" not in str(error.value)


# --- names with one meaning -------------------------------------------------------------------------

@pytest.mark.parametrize("net", NETS)
def test_length_is_the_sequence_length_and_steps_still_says_it_once(net, capsys, monkeypatch):
    monkeypatch.setattr(options, "_told", set())
    sim = dlsim.make(net, dataset="sine", steps=7, samples=4, batch=2)
    assert sim.config["length"] == 7 and sim.model.X.shape[1] == 7 and "steps" not in sim.config
    dlsim.make(net, dataset="sine", steps=7, samples=4, batch=2)
    assert capsys.readouterr().err.count(f"{net}'s option 'steps' is now called 'length'") == 1
    assert sim.model.steps == 0   # updates made: the other meaning, untouched
    refused(lambda: dlsim.make(net, steps=5, length=6), "options 'steps' .* and 'length' disagree")


def test_the_old_option_name_works_from_the_command_line(capsys):
    assert main(["run", "rnn", "--headless", "--epochs", "1", "--set", "steps=4", "--set", "samples=4",
                 "--set", "batch=2", "--set", "test=2"]) == 0
    assert "rnn on sine: 1 epoch" in capsys.readouterr().out


@pytest.mark.parametrize("net", NETS)
def test_hidden_is_a_list_of_layer_sizes_and_one_number_still_works(net):
    one = [make(net, hidden=h).model for h in (3, "3", (3,), [3])]
    assert all(np.array_equal(m.theta, one[0].theta) for m in one) and one[0].config["hidden"] == (3,)
    two = make(net, hidden="3,3").model
    assert two.dh_norms.shape[0] == 2 and "layer[1].Wh" in two.params
    assert np.array_equal(make(net, hidden=3, layers=2).model.theta, two.theta)   # the former spelling
    refused(lambda: make(net, hidden="3,4"), "option 'hidden': .* the same for both")
    refused(lambda: make(net, hidden="3,3,3"), "option 'hidden'")


# --- targets -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("net", NETS)
def test_per_step_targets_give_the_gradient_of_those_sequences(net):
    sim = make(net)
    m = sim.model
    X, Y = m.X[:3] + 0.1, m.Y[:3] - 0.2   # other sequences than the training ones, with their own targets
    loss, grads = sim.loss_and_gradients(X, Y)
    r_loss, r_grad, _ = REFERENCES[net].gradients(m.theta, m.cfg, X, Y)
    assert np.isclose(loss, r_loss, rtol=1e-12)
    assert np.allclose(np.concatenate([g.ravel() for g in grads.values()]),
                       np.concatenate([v.ravel() for v in m._named(r_grad).values()]), rtol=1e-10, atol=1e-14)
    assert sim.loss_and_gradients()[0] == m.gradients(m.X, m.Y)[0]   # the training set, paired with its own


@pytest.mark.parametrize("net", NETS)
def test_targets_that_do_not_pair_with_the_sequences_are_refused(net):
    sim = make(net)
    m = sim.model
    theta = m.theta.copy()
    refused(lambda: sim.loss_and_gradients(m.X + 0.5, sim.data.y),
            r"the labels stand for the training sequences' targets, and these are other sequences: give their "
            r"targets, shape \(N, 6, 1\) \(a target at every step\)")
    refused(lambda: sim.loss_and_gradients(m.X[:3], np.zeros((3, 7, 1))), r"have shape \(N, 6, 1\).*got shape \(3, 7, 1\)")
    refused(lambda: sim.loss_and_gradients(m.X[:3], np.zeros((2, 6, 1))), "3 inputs but 2 labels")
    refused(lambda: sim.loss_and_gradients(m.X[:3], np.full((3, 6, 1), np.nan)), "targets must be finite")
    refused(lambda: sim.loss_and_gradients(m.X[:3], [0, 0, 0]), r"targets of shape \(N, 6, 1\).*not class labels")
    assert np.array_equal(m.theta, theta)


def test_a_task_scored_after_its_last_step_takes_labels_rows_or_distributions():
    sim = make("lstm", dataset="first_bit", length=5)
    X, y = sim.data.X[:4], np.array([0, 1, 1, 0])
    by_labels = sim.loss_and_gradients(X, y)[0]
    assert sim.loss_and_gradients(X, np.eye(2)[y])[0] == by_labels                  # (N, outputs)
    assert sim.loss_and_gradients(X, np.eye(2)[y][:, None])[0] == by_labels        # (N, 1, outputs)
    refused(lambda: sim.loss_and_gradients(X, np.ones((4, 6, 2)) / 2), r"have shape \(N, 2\) \(after the last step\)")
    refused(lambda: sim.loss_and_gradients(X, np.full((4, 2), 0.7)), "one distribution per step")


# --- what the screen shows, through the API --------------------------------------------------------

@pytest.mark.parametrize("net", NETS)
def test_probabilities_for_the_classification_tasks(net):
    sim = make(net, dataset="first_bit", length=5)
    X = sim.data.X_test
    p = sim.probabilities(X)
    assert p.shape == (len(X), 2) and np.allclose(p.sum(axis=1), 1.0) and np.all(p > 0)
    assert np.array_equal(p.argmax(axis=1), sim.predict(X))
    refused(lambda: make(net).probabilities(make(net).data.X), "gives numbers, not class probabilities")


@pytest.mark.parametrize("net", NETS)
def test_the_last_clipped_gradient_is_the_one_applied_on_every_path(net):
    stepped, compiled, fused = (make(net, clip=0.01) for _ in range(3))
    assert stepped.model.last_clipped_gradient is None
    stepped.step("batch")                                     # op by op
    compiled.step("batch", detail=Level.BATCH)
    fused.train(epochs=1)                                     # 2 batches
    before, after = compiled.model.clipped
    assert before > 0.01 and np.isclose(after, 0.01, rtol=1e-12)
    got = stepped.model.last_clipped_gradient
    for name, value in compiled.model.last_clipped_gradient.items():
        assert np.array_equal(got[name], value), name
    flat = np.concatenate([v.ravel() for v in got.values()])
    assert np.isclose(np.sqrt((flat ** 2).sum()), after, rtol=1e-12)   # (initial states learn nothing here)
    compiled.step("batch", detail=Level.BATCH)
    for name, value in fused.model.last_clipped_gradient.items():
        assert np.array_equal(compiled.model.last_clipped_gradient[name], value), name
    compiled.back("batch")
    for name, value in got.items():
        assert np.array_equal(compiled.model.last_clipped_gradient[name], value), name


@pytest.mark.parametrize("net", NETS)
@pytest.mark.parametrize("shape", [(2, 5, 1), (2, 6, 2), (6, 1), (2, 6, 1, 1)], ids=str)
def test_sequences_of_the_wrong_shape_are_one_line(net, shape):
    sim = make(net, dataset="first_bit", length=5)   # sequences of 6 steps of 1 feature
    X = np.zeros(shape)
    message = r"inputs must be sequences of shape \(6, 1\) each \(shape \(N, 6, 1\)\), got shape"
    for call in (lambda: sim.predict(X), lambda: sim.probabilities(X), lambda: sim.loss_and_gradients(X, [0, 1]),
                 lambda: sim.model.outputs(X), lambda: sim.model.predict(X), lambda: sim.model.probabilities(X),
                 lambda: sim.model.gradients(X, np.zeros((2, 2)))):
        refused(call, message)
    refused(lambda: sim.model.outputs(np.full((1, 6, 1), np.inf)), "finite")


def test_a_former_option_name_sets_the_option_on_a_built_simulation():
    sim = dlsim.make("rnn", dataset="sine", samples=4, batch=2)
    assert sim.set("steps", 7) is True and sim.config["length"] == 7 and sim.data.X.shape[1] == 7
