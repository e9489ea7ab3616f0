"""What the RNN's and the LSTM's view computes with each frame: inside a sequence, the steps the
model has reached and no others; in the backward pass, ‖δh_t‖ from the last step back to the
current one; at rest, the sequence run with the current weights; each task's own picture."""
import numpy as np
import pytest

import dlsim
from dlsim.protocol.events import Level
from dlsim.tui.session import Session
from dlsim.tui.views.lstm import LSTMView
from dlsim.tui.views.rnn import RNNView

SMALL = {"hidden": 3, "samples": 8, "test": 4, "batch": 4}


def view_of(net, **options):
    session = Session(dlsim.make(net, **{**SMALL, **options}))
    return session, (LSTMView if net == "lstm" else RNNView)(session)


@pytest.mark.parametrize("net", ["rnn", "lstm"])
def test_inside_a_sequence_only_the_steps_reached_are_shown(net):
    session, view = view_of(net, dataset="sine", steps=6)
    for _ in range(3):
        session.step("layer")
    trace = view.extras(session.model)["trace"]
    assert trace["t"] == 2 and trace["known"] == 3 and trace["phase"] == "forward"
    assert np.array_equal(trace["h"], session.model.seq["h"])   # the model's own numbers
    assert np.all(trace["logits"][3:] == 0)
    for _ in range(3 + 2):   # the rest of the forward pass (3 steps), then two steps back
        session.step("layer")
    trace = view.extras(session.model)["trace"]
    assert trace["phase"] == "backward" and trace["t"] == 4
    assert np.all(trace["dh"][4:] > 0) and np.all(trace["dh"][:4] == 0)
    assert trace["dh"][5] == session.model.seq["dh_norm"][0, 5]


@pytest.mark.parametrize("net", ["rnn", "lstm"])
def test_at_rest_the_sequence_runs_with_the_current_weights(net):
    session, view = view_of(net, dataset="sine", steps=6)
    session.step("sample")
    session.sim.step("batch", detail=Level.BATCH)
    trace = view.extras(session.model)["trace"]
    s = trace["s"]
    assert trace["t"] is None and trace["known"] == 6
    assert np.allclose(trace["logits"], session.model.outputs(session.model.X[s:s + 1])[0], rtol=1e-12)
    if net == "lstm":
        assert trace["gates"].shape == (1, 6, 12) and trace["c"].shape == (1, 7, 3)


def test_each_task_has_its_picture():
    session, view = view_of("rnn", dataset="first_bit", steps=5)
    answers = view.extras(session.model)["answers"]
    assert len(answers) == 4 and {a["truth"] for a in answers} <= {"0", "1"}
    assert sum(a["right"] for a in answers) == sum(a["truth"] == a["answer"] for a in answers)
    session, view = view_of("lstm", dataset="characters", steps=8)
    prompt, text, epoch = view.extras(session.model)["generated"]
    vocab = session.model.task.vocabulary
    assert len(prompt) == 8 or len(prompt) == 12
    assert len(text) == 40 and set(text) <= set(vocab) and epoch == 0
    session.sim.train(epochs=1)
    assert view.extras(session.model)["generated"][2] == 1   # rewritten with the new weights
    session, view = view_of("rnn", dataset="adding", steps=6)
    answers = view.extras(session.model)["answers"]
    assert all(a["inputs"].startswith("marked ") for a in answers)
    session, view = view_of("rnn", dataset="sine", steps=6)
    ex = view.extras(session.model)
    assert "answers" not in ex and "generated" not in ex
    assert [c.title for c in view.task_charts()] == ["loss", "‖∇‖ per epoch"]   # a regression: no accuracy
