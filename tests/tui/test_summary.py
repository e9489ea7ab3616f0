"""After a step of a layer or more, the math panel sums up the unit just completed (issue 7 item 13)."""
import numpy as np

import dlsim
from dlsim.protocol.events import Level
from dlsim.protocol.numbers import num
from dlsim.tui.session import Session
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
    assert any(line.startswith("epoch 1 done") and f"train acc {num(metrics['train_acc'])}" in line
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
