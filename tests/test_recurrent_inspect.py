"""What the RNN's and the LSTM's pictures show (Model.inspect) is the model's own arithmetic: inside a
sequence its record, to the bit; at rest one forward pass through the backend's kernels, the same
bits a stepped pass writes and close to the NumPy reference; the answers and the written text; and
the same values in the app's frame, in a lesson and in a headless trace."""

import numpy as np
import pytest

import dlsim
from dlsim.cli import main
from dlsim.console.trace_file import read_trace
from dlsim.kernels import lstm_reference, readiness, rnn_reference
from dlsim.protocol.events import Level
from dlsim.tui.session import Session
from dlsim.tui.views.lstm import LSTMView

NETS = ["rnn", "lstm"]
SMALL = {"hidden": 3, "samples": 8, "test": 4, "batch": 4, "length": 6}


def make(net, **options):
    return dlsim.make(net, seed=2, **{**SMALL, "dataset": "sine", **options})


def gates(a, H):
    """{gate_f: (T, H), …} from gate values a (T, 4H), rows f, i, g, o."""
    return {f"gate_{name}": a[:, q * H:(q + 1) * H] for q, name in enumerate("figo")}


@pytest.mark.parametrize("net", NETS)
def test_inside_a_sequence_the_pictures_are_the_models_record(net):
    sim = make(net)
    for _ in range(3):
        sim.step("layer")
    seen, seq = sim.inspect(), sim.model.seq
    assert (seen["phase"], seen["t"], seen["known"], seen["sequence"]) == ("forward", 2, 3, seq["s"])
    assert np.array_equal(seen["h"], seq["h"][-1]) and np.array_equal(seen["outputs"], seq["logits"])
    assert np.all(seen["outputs"][3:] == 0) and np.array_equal(seen["x"], sim.model.X[seq["s"]])
    if net == "lstm":
        assert np.array_equal(seen["c"], seq["c"][-1])
        for name, value in gates(seq["a"][-1], 3).items():
            assert np.array_equal(seen[name], value), name
    for _ in range(3 + 2):   # the rest of the forward pass, then two steps back through time
        sim.step("layer")
    seen = sim.inspect()
    assert seen["phase"] == "backward" and seen["t"] == 4 and seen["known"] == 6
    assert np.array_equal(seen["dh"], sim.model.seq["dh_norm"][0])
    assert np.all(seen["dh"][4:] > 0) and np.all(seen["dh"][:4] == 0)


@pytest.mark.parametrize("net", NETS)
def test_at_rest_one_forward_pass_gives_the_bits_stepping_gives_and_the_references_numbers(net):
    sim = make(net, hidden="3,3")
    sim.step("batch", detail=Level.BATCH)
    sim.step("layer")
    s = sim.model.seq["s"]
    while sim.model.seq["phase"] == "forward":   # step sequence s through its forward pass
        sim.step("layer")
    stepped = {k: np.copy(v) for k, v in sim.model.seq.items() if isinstance(v, np.ndarray)}
    seen = sim.model.inspect()                   # with no event in hand: the sequence run whole
    assert seen["phase"] == "ready" and "t" not in seen and seen["sequence"] == s and seen["known"] == 6
    assert np.array_equal(seen["h"], stepped["h"][-1]) and np.array_equal(seen["outputs"], stepped["logits"])
    assert np.array_equal(seen["dh"], sim.model.dh_norms[0])
    x = sim.model.X[s:s + 1]
    if net == "rnn":
        _, hs, logits = rnn_reference.forward(sim.model.theta, sim.model.cfg, x)
    else:
        a, cs, hs, logits = lstm_reference.forward(sim.model.theta, sim.model.cfg, x)
        assert np.array_equal(seen["c"], stepped["c"][-1]) and np.allclose(seen["c"], cs[-1][0], rtol=1e-12)
        for name, value in gates(a[-1][0], 3).items():
            assert np.array_equal(seen[name], gates(stepped["a"][-1], 3)[name])
            assert np.allclose(seen[name], value, rtol=1e-12), name
    assert np.allclose(seen["h"], hs[-1][0], rtol=1e-12) and np.allclose(seen["outputs"], logits[0], rtol=1e-12)


@pytest.mark.parametrize("net", NETS)
def test_while_the_app_compiles_the_pictures_come_from_the_numpy_references(net):
    sim = make(net)
    compiled = sim.inspect()
    readiness.getting_ready(net)
    try:
        fallback = sim.inspect()
    finally:
        readiness.mark_ready(net)
    for name in ("h", "outputs") + (("c", "gate_f") if net == "lstm" else ()):
        assert np.allclose(fallback[name], compiled[name], rtol=1e-12, atol=1e-15), name


def test_answers_are_the_networks_own_and_text_is_written_once_an_epoch():
    sim = make("lstm", dataset="first_bit", length=5)
    answers = sim.inspect()["answers"]
    test = sim.model.task.X_test
    assert [a[2] for a in answers] == list(sim.predict(test))
    assert [a[1] for a in answers] == list(sim.model.task.Y_test[:, -1].argmax(axis=1))
    assert [a[3] for a in answers] == [a[1] == a[2] for a in answers]
    sim = make("rnn", dataset="characters", length=8)
    prompt, text, epoch = first = sim.inspect()["generated"]
    assert len(prompt) == 8 and len(text) == 40 and set(text) <= set(sim.model.task.vocabulary) and epoch == 0
    sim.step("batch")
    assert sim.inspect()["generated"] is first   # kept until an epoch ends
    sim.train(epochs=1)
    assert sim.inspect()["generated"][2] == 1
    assert "answers" not in make("rnn").inspect()   # sine draws its curve instead


@pytest.mark.parametrize("net", NETS)
def test_every_name_shown_is_listed_with_a_line_and_every_listed_name_shows_somewhere(net):
    cls = type(make(net).model)
    assert all(isinstance(line, str) and line and "\n" not in line for line in cls.inspected.values())
    assert not set(cls.inspected) & {o.name for o in cls.options}   # a lesson's {name} means one thing
    shown = set()
    for dataset in ("sine", "first_bit", "characters"):
        sim = make(net, dataset=dataset, length=5)
        shown |= set(sim.inspect())
        sim.step("op")
        shown |= set(sim.inspect())
    assert shown == set(cls.inspected)


@pytest.mark.parametrize("net", NETS)
def test_exercise_runs_the_pictures_through_the_models_own_kernels(net, monkeypatch):
    sim = make(net, dataset="first_bit", length=5)
    calls = []
    real = sim.model._unrolled
    monkeypatch.setattr(sim.model, "_unrolled", lambda kernels, x: calls.append(kernels.name) or real(kernels, x))
    readiness.getting_ready(net)
    try:
        sim.model.exercise()
    finally:
        readiness.mark_ready(net)
    assert calls == ["cpu"]


def test_the_same_gates_in_the_app_and_in_a_headless_trace(tmp_path):
    options = {"length": "5", "hidden": "3", "samples": "8", "batch": "4", "test": "4"}
    path = tmp_path / "t.jsonl"
    args = ["run", "lstm", "--headless", "--epochs", "1", "--trace", str(path), "--trace-inspect"]
    for key, value in options.items():
        args += ["--set", f"{key}={value}"]
    assert main(args) == 0
    records = read_trace(path)   # each event's inspected values made whole
    last = [r for r in records if r.get("type") == "event"][-1]
    sim = dlsim.make("lstm", **options)
    sim.train(epochs=1, detail=Level.BATCH)
    drawn = LSTMView(Session(sim)).extras(sim.model)["trace"]
    for name in ("gate_f", "c", "h", "dh", "outputs"):
        assert np.array_equal(np.array(last["inspect"][name]), drawn[name]), name
    assert [tuple(a) for a in last["inspect"]["answers"]] == [tuple(a) for a in drawn["answers"]]


def test_the_lstm_cell_diagram_reads_tanh_c_as_the_kernels_computed_it():
    # inside a sequence: the record's tanh(c_t) to the bit; at rest: the kernels' tanh of each c_t;
    # both times h_t = o_t·tanh(c_t), which the diagram shows as one product
    sim = make("lstm")
    for _ in range(4):
        sim.step("layer")
    seen, seq = sim.inspect(), sim.model.seq
    assert np.array_equal(seen["tanh_c"], seq["tc"][-1]) and seen["tanh_c"][:4].any()
    sim.step("batch", detail=Level.BATCH)
    seen = sim.inspect()
    assert seen["tanh_c"].shape == seen["gate_o"].shape
    assert np.allclose(seen["tanh_c"], np.tanh(seen["c"][1:]), atol=1e-14, rtol=0)
    assert np.array_equal(seen["h"][1:], seen["gate_o"] * seen["tanh_c"])
