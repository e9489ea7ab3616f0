"""What the RNN's and the LSTM's view hands its panels with each frame: the model's own pictures
(Simulator.inspect) and nothing computed beside them; each task's picture; the words around the bars."""
import numpy as np
import pytest

import dlsim
from dlsim.protocol.events import Level
from dlsim.tui.session import Session
from dlsim.tui.views.lstm import LSTMView
from dlsim.tui.views.rnn import RNNView
from dlsim.tui.widgets.timeline.task import answer_rows

SMALL = {"hidden": 3, "samples": 8, "test": 4, "batch": 4}


def view_of(net, **options):
    session = Session(dlsim.make(net, **{**SMALL, **options}))
    return session, (LSTMView if net == "lstm" else RNNView)(session)


def same(drawn: dict, inspected: dict):
    assert drawn.keys() >= inspected.keys()
    for name, value in inspected.items():
        assert np.array_equal(np.asarray(drawn[name]), np.asarray(value)), name


@pytest.mark.parametrize("net", ["rnn", "lstm"])
def test_the_view_draws_the_models_pictures_inside_a_sequence_and_at_rest(net):
    session, view = view_of(net, dataset="sine", length=6)
    for _ in range(6 + 2):   # the six steps forward, then two steps back
        session.step("layer")
    drawn = view.extras(session.model)["trace"]
    same(drawn, session.sim.inspect())
    assert drawn["phase"] == "backward" and drawn["dh_words"] == f"sequence #{drawn['sequence']}, back to t=4"
    session.sim.step("batch", detail=Level.BATCH)
    drawn = view.extras(session.model)["trace"]
    same(drawn, session.sim.inspect())
    assert drawn["phase"] == "ready" and drawn["dh_words"] == "of the last batch"
    assert ("gate_f" in drawn) == (net == "lstm")


def test_each_task_has_its_picture():
    session, view = view_of("rnn", dataset="first_bit", length=5)
    ex = view.extras(session.model)
    rows = answer_rows(ex["trace"]["answers"], ex["answer_inputs"], ex["trace"]["classes"])
    assert len(rows) == 4 and {a["truth"] for a in rows} <= {"0", "1"}
    assert [a["right"] for a in rows] == [a["truth"] == a["answer"] for a in rows]
    session, view = view_of("lstm", dataset="characters", length=8)
    prompt, text, epoch = view.extras(session.model)["trace"]["generated"]
    assert len(prompt) == 8 and len(text) == 40 and epoch == 0
    session, view = view_of("rnn", dataset="adding", length=6)
    ex = view.extras(session.model)
    rows = answer_rows(ex["trace"]["answers"], ex["answer_inputs"], ex["trace"]["classes"])
    assert all(a["inputs"].startswith("marked ") for a in rows)
    session, view = view_of("rnn", dataset="sine", length=6)
    trace = view.extras(session.model)["trace"]
    assert "answers" not in trace and "generated" not in trace
    assert [c.title for c in view.shown_charts()] == ["loss", "‖∇‖ per epoch"]   # a regression: no accuracy


def test_two_layers_say_which_layer_the_bars_are():
    session, view = view_of("rnn", dataset="sine", length=4, hidden="3,3")
    assert view.extras(session.model)["trace"]["dh_words"] == "of the last batch (first layer)"


@pytest.mark.parametrize("net", ["rnn", "lstm"])
def test_every_weight_is_one_heatmap_cell_that_names_it(net):
    # the heatmap's cells are the model's parameters, each exactly once: W_x, W_h, b per gate, W_y, b_y
    session, view = view_of(net, dataset="first_bit", length=5, hidden="3,3")
    frame = session.frame(view.extras)
    seen = {}
    for m in view.matrices(frame, None):
        for r in range(m.rows):
            for c in range(m.cols):
                name, index = m.element(r, c)
                assert m.value(r, c) == frame.params[name][index]
                seen[(name, index)] = seen.get((name, index), 0) + 1
    every = {(name, index) for name, p in session.model.params.items() if not name.endswith(("h0", "c0"))
             for index in np.ndindex(p.shape)}
    assert set(seen) == every and set(seen.values()) == {1}
    assert len(view.matrices(frame, None)) == 2 * (4 if net == "lstm" else 1) + 1


def test_a_time_steps_summary_says_what_the_step_did():
    # one layer step of the LSTM is one time step: its summary is the step's h_t, c_t and ŷ_t (the
    # logits, said so), the model's numbers; the RNN's lists its units' z and a, one each, in order
    session, _ = view_of("lstm", dataset="first_bit", length=5)
    session.step("layer")
    seq = session.model.seq
    line = " ".join(session.summary)
    assert line.startswith("t = 0: h_0 = (") and ", c_0 = (" in line and "(logits, before the softmax)" in line
    from dlsim.models.recurrent_formulas import vector
    assert vector(seq["h"][-1, 1], 4) in line and vector(seq["c"][-1, 1], 4) in line
    assert vector(seq["logits"][0]) in line
    session, _ = view_of("rnn", dataset="sine", length=5)
    session.step("op")
    session.step("layer")   # begun after unit 0's z: the lines still list every unit from 0
    z, a = session.summary[:2]
    assert z.startswith("layer[0].t[0].neuron: z = (") and a.startswith("layer[0].t[0].neuron: a = (")
    assert "[" not in z.split("=", 1)[1] and z.count(",") == a.count(",") == 2


def test_a_heatmaps_glyphs_at_once_are_the_glyphs_one_at_a_time():
    from dlsim.tui.widgets.timeline.heat import glyph, glyphs
    rng = np.random.default_rng(0)
    for scale in (1.0, 0.3, 0.0):
        v = rng.normal(size=(6, 25)) * rng.choice([0.01, 1.0, 3.0], size=(6, 25))
        v[0, 0], v[1, 1], v[2, 2], v[3, 3] = np.nan, 0.0, -0.0625 * scale, np.inf
        assert glyphs(v, scale) == [[glyph(x, scale) for x in row] for row in v]


def test_the_cell_diagram_leaves_blank_what_the_step_in_hand_has_not_computed():
    # one op in: unit 0's forget gate at t = 0 and nothing else of that step (the record holds zeros)
    from dlsim.tui.widgets.timeline.cell import values
    session, view = view_of("lstm", dataset="first_bit", length=5)
    session.step("op")
    tr = view.extras(session.model)["trace"]
    assert tr["partial"] == (0, 0, "f", "gate")
    first = values(tr, 0, 0)
    assert first["f"] == session.model.seq["a"][0, 0, 0] and first["f"] > 0
    assert [first[k] for k in ("i", "g", "o", "c", "tanh_c", "h")] == [None] * 6 and first["c_prev"] == 0
    assert values(tr, 1, 0) is None
    for _ in range(4):   # i, g, o, then the cell: unit 0 whole
        session.step("op")
    tr = view.extras(session.model)["trace"]
    assert None not in values(tr, 0, 0).values() and values(tr, 1, 0) is None
