"""After a step of a layer or more, the math panel sums up the unit just completed (issue 7 item 13)."""
import re

import numpy as np
import pytest

import dlsim
from dlsim.protocol.events import Level
from dlsim.protocol.numbers import num
from dlsim.tui.session import Session
from dlsim.tui.summary import summarize
from dlsim.tui.widgets.math_panel import MathPanel

from .conftest import make_app, settle, sim_view, text_of


def test_a_layer_step_shows_the_layers_z_and_a_vectors():
    session = Session(dlsim.make("mlp", seed=0, hidden=[3]))
    session.step(Level.LAYER)
    zs = [session.trace.get("weighted_sum", f"mlp.layer[0].neuron[{j}]").values["z"] for j in range(3)]
    acts = [session.trace.get("activation", f"mlp.layer[0].neuron[{j}]").values["a"] for j in range(3)]
    lines = session.frame().summary
    assert f"layer[0].neuron: z = ({', '.join(map(num, zs))})" in lines
    assert f"layer[0].neuron: a = ({', '.join(map(num, acts))})" in lines


def test_a_batch_step_shows_the_update_per_parameter():
    session = Session(dlsim.make("mlp", seed=0, hidden=[3]))
    before = {k: v.copy() for k, v in session.model.params.items()}
    session.step(Level.BATCH)
    lines = session.frame().summary
    assert any(line.startswith("step 1 done: batch loss") for line in lines)
    norms = next(line for line in lines if line.startswith("‖Δ‖"))
    for name, value in session.model.params.items():
        assert f"{name} {num(np.linalg.norm(value - before[name]))}" in norms
    assert any(line.startswith("largest change") for line in lines)


def test_a_sample_step_shows_the_output_and_loss_and_an_op_step_none():
    session = Session(dlsim.make("mlp", seed=0, hidden=[3], batch=8))
    session.step(Level.SAMPLE)
    lines = session.frame().summary
    loss = session.trace.get("loss", "mlp.loss").values["loss"]
    assert any(line.startswith("bce(") and f"= {num(loss)}" in line for line in lines)
    session.step(Level.OP)
    assert session.frame().summary == ()


def test_an_epoch_step_shows_the_epochs_metrics():
    session = Session(dlsim.make("perceptron", dataset="and"))
    session.step(Level.EPOCH)
    metrics = session.sim.history[-1]
    assert any(line.startswith("epoch 1 done") and f"train acc after it: {num(metrics['train_acc'])}" in line
               for line in session.frame().summary)


async def test_the_math_panel_shows_the_summary_after_a_layer_step_at_80x24():
    app = make_app("mlp", dataset="xor")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "right")
        await settle(pilot)
        shown = text_of(app.screen.query_one(MathPanel))
        assert "layer[0].neuron: z = (" in shown and "layer[0].neuron: a = (" in shown
        assert "layer step done" in shown


async def test_the_divergence_advice_is_whole_at_80x24():
    app = make_app("mlp", dataset="spiral")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("5", "right", "l", "ctrl+u", "ctrl+k", "5", "0", "enter", "right", "right", "right")
        await settle(pilot)
        assert sim_view(app).session.diverged
        shown = " ".join(text_of(app.screen.query_one(MathPanel)).split())
        assert "then lower the learning rate (l)." in shown


async def test_the_compact_status_bar_keeps_the_sample_counter():
    from dlsim.tui.widgets.status_bar import StatusBar
    app = make_app("mlp", dataset="xor")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3", "right", "right")
        await settle(pilot)
        line = text_of(app.screen.query_one(StatusBar))
        assert "sample 2/256" in line and "paused" in line and "ops/s" not in line


# a layer's z or a line: 'layer[0].neuron[3…15]: z = (−0.206, 0.220, …, 0.176) [13: −0.4 … 0.5]' (the
# neurons' range only where the line lists part of the layer; the values' range where some are elided)
VECTOR_LINE = re.compile(r"^(?P<layer>\S*layer\[\d+\])\.neuron(?:\[(?P<lo>\d+)…(?P<hi>\d+)\])?: "
                         r"(?P<name>[za]) = \((?P<body>.*)\)(?: \[(?P<n>\d+)(?:: \S+ … \S+)?\])?$")
MID_LAYER = {"mlp": ({"dataset": "spiral"}, "mlp.layer[0]", 3),   # the issue's →, →, →, 2, →
             "gan": ({"train": "G"}, "gan.G.layer[0]", 3)}


def layer_step_begun_mid_layer(net):
    """A Session after a few op steps into the first layer, then one layer step; with the events
    that step pulled."""
    options, _, ops = MID_LAYER[net]
    session = Session(dlsim.make(net, seed=0, **options))
    for _ in range(ops):
        session.step(Level.OP)
    pulled = []
    session.sim.on_pull.append(lambda event, position: pulled.append(event))
    last = session.step(Level.LAYER)
    return session, pulled, last


def listed_neurons(line, size):
    """(name, the neurons a summary line says it lists, the values it shows in order; '…' for the
    elided ones)."""
    found = VECTOR_LINE.match(line)
    assert found, line
    lo, hi = found["lo"], found["hi"]
    neurons = list(range(int(lo), int(hi) + 1)) if lo else list(range(size))
    if found["n"]:
        assert int(found["n"]) == len(neurons), line
    return found["name"], neurons, found["body"].split(", ")


def assert_the_lines_list_what_they_say(lines, session, layer, size):
    """Each z and a line of `layer` shows, in order, the values of the neurons it claims (the first
    ones and the last), as the kernels computed them; and the layer's a line is complete."""
    op = {"z": "weighted_sum", "a": "activation"}
    seen = {}
    for line in lines:
        if not line.startswith(layer.split(".", 1)[1] + ".neuron"):
            continue
        name, neurons, shown = listed_neurons(line, size)
        values = [num(session.trace.get(op[name], f"{layer}.neuron[{j}]").values[name]) for j in neurons]
        cut = shown.index("…") if "…" in shown else len(shown)
        assert shown[:cut] == values[:cut], line
        assert shown[-1] == values[-1], line
        seen[name] = neurons
    assert set(seen) == {"z", "a"}
    assert seen["a"] == list(range(size))
    return seen


@pytest.mark.parametrize("net", list(MID_LAYER))
def test_a_layer_step_begun_mid_layer_says_which_neurons_each_line_lists(net):
    session, _, _ = layer_step_begun_mid_layer(net)
    layer = MID_LAYER[net][1]
    size = session.model.sizes[layer.split(".")[1]][1] if net == "gan" else 16
    assert_the_lines_list_what_they_say(session.frame().summary, session, layer, size)


@pytest.mark.parametrize("net", list(MID_LAYER))
def test_with_the_samples_trace_a_layer_step_begun_mid_layer_lists_the_whole_layer_twice(net):
    session, pulled, last = layer_step_begun_mid_layer(net)
    layer = MID_LAYER[net][1]
    size = session.model.sizes[layer.split(".")[1]][1] if net == "gan" else 16
    flat = session.flat()
    lines = summarize(Level.LAYER, pulled, last, session.layout, flat, flat, session.sim.history,
                      trace=session.trace.events)
    seen = assert_the_lines_list_what_they_say(lines, session, layer, size)
    assert seen["z"] == seen["a"] == list(range(size))   # the same neurons, in order, all of them


def test_a_shortened_list_says_how_many_and_the_whole_range():
    from dlsim.tui.summary import vector
    values = [0.5, -2.25, 0.125, 7.5, 0.0, -0.75]
    line = vector(values, 30)
    assert "…" in line and line.endswith("[6: −2.250 … 7.500]"), line
    assert vector(values[:2], 80) == "(0.500, −2.250)"        # nothing left out: no range


def test_a_feature_maps_676_values_write_only_the_numbers_the_line_can_show(monkeypatch):
    """A layer step of a 28×28 image's map: the line is written from the few values it can hold
    (the first, the last, the range), not from all 676: the math panel costs the same at any size."""
    from dlsim.tui import summary
    written = []
    monkeypatch.setattr(summary, "num", lambda v, *a: written.append(v) or num(v, *a))
    values = list(np.linspace(-1.0, 2.0, 676))
    line = summary.vector(values, 70)
    assert line.startswith("(−1.000, −0.996, ") and line.endswith(", 2.000) [676: −1.000 … 2.000]"), line
    assert len(written) <= 70 // 3 + 4


def test_a_time_step_says_its_vectors_its_output_and_the_loss_it_reached():
    """The RNN's third step on sine (scored at every step): z and a, then h_t and ŷ_t, then the loss."""
    session = Session(dlsim.make("rnn", seed=0))
    for _ in range(3):
        session.step(Level.LAYER)
    lines = session.summary
    assert [line.split(":")[1].split("=")[0].strip() for line in lines[:2]] == ["z", "a"]
    assert lines[2].startswith("t = 2: h_2 = ") and "ŷ_2 = " in lines[2]
    loss = session.sim.last
    assert loss.phase == "loss" and lines[3].endswith(
        num(loss.values["loss"]) + f"   its share = {num(loss.values['share'])}; batch loss so far Σ shares = "
        + num(loss.values["batch_loss"]))


@pytest.mark.parametrize("name", ["mlp", "cnn", "gan", "ae", "vae", "rbm", "transformer", "diffusion"])
def test_no_step_summary_says_a_line_twice(name):
    """A layer step that ends on the loss (the MLP's fourth) says the loss once: it is both what the
    step ended on and the loss it reached. The same for every coarse step of every network."""
    session = Session(dlsim.make(name, seed=0))
    for level in (Level.LAYER, Level.SAMPLE, Level.BATCH):
        for _ in range(12):
            session.step(level)
            lines = list(session.frame().summary)
            assert len(lines) == len(set(lines)), (level.name, session.sim.last.op, lines)


async def test_the_math_panel_says_the_loss_once_after_the_layer_step_that_reaches_it():
    app = make_app("mlp")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "right", "right", "right", "right")
        await settle(pilot)
        assert sim_view(app).session.sim.last.op == "loss"
        shown = text_of(app.screen.query_one(MathPanel))
        assert shown.count("bce(") == 1, shown


def test_a_run_tells_a_count_without_decimals():
    """The perceptron's errors read 'errors 2' while stepping and 'errors 0.000' after a run: a
    count is written whole wherever the run's summary line gives it."""
    from dlsim.tui.summary import epochs
    line = epochs([{"epoch": 7, "errors": 0, "train_acc": 1.0}], (("errors", "errors", True), ("train_acc", "train acc", False)))
    assert line == "epoch 7, errors 0, train acc 1.000"
