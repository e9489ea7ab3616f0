"""Before the first epoch ends, the curves' legend says where each curve starts: the loss and
accuracy of the weights before any update, as the lessons quote them ("Before any training the loss
is 0.947"). It said "–" until the first epoch ended, so that number was on no panel."""
import dlsim
from dlsim.kernels import readiness
from dlsim.protocol.events import Level
from dlsim.protocol.numbers import num
from dlsim.tui.widgets.curves import Curves

from .conftest import make_app, settle, sim_view, text_of


def test_the_start_is_measured_before_the_first_update_and_kept_until_the_first_epoch_ends():
    sim = dlsim.make("mlp", seed=0, batch=32)
    start = sim.model.evaluate()
    assert sim.model.before_training() == {key: start[key] for key in ("train_loss", "train_acc", "test_loss", "test_acc")}
    sim.step(Level.BATCH)                       # one update: the start is still where it was
    assert sim.model.steps == 1
    assert sim.model.before_training()["train_loss"] == start["train_loss"] != sim.model.evaluate()["train_loss"]
    sim.step(Level.EPOCH)                       # an epoch ended: its curve has a first point
    assert sim.model.before_training() == {}


def test_an_edit_before_training_moves_the_start():
    sim = dlsim.make("mlp", seed=0)
    before = sim.model.before_training()["train_loss"]
    sim.model.set_param("layer[1].W", 5.0, (0, 0))
    assert sim.model.before_training()["train_loss"] == sim.model.evaluate()["train_loss"] != before


def test_nothing_is_measured_while_the_kernels_are_got_ready():
    """evaluate() would compile them on the thread drawing the frame."""
    model = dlsim.make("mlp", seed=0).model
    readiness.getting_ready("mlp")
    try:
        assert model.before_training() == {}
    finally:
        readiness.mark_ready("mlp")


async def test_the_legend_shows_the_start_then_the_first_epoch():
    app = make_app("mlp")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        start = sim_view(app).session.sim.model.evaluate()
        text = text_of(app.screen.query_one(Curves))
        assert f"train {num(start['train_loss'])}" in text and f"test {num(start['test_loss'])}" in text
        assert "–" not in text and "before training" in text and "epoch 0" not in text
        await pilot.press("5", "right")
        await settle(pilot)
        first = sim_view(app).session.sim.history[0]
        text = text_of(app.screen.query_one(Curves))
        assert f"train {num(first['train_loss'])}" in text and num(start["train_loss"]) not in text
        assert "epoch 1" in text and "before training" not in text


def test_a_live_option_changed_before_training_moves_the_start():
    """The diffusion model's distance is measured on samples drawn by its sampler: switched to DDIM
    before any update, the legend kept DDPM's distance."""
    sim = dlsim.make("diffusion", seed=0)
    before = sim.model.before_training()["distance"]
    sim.set("sampler", "ddim")
    assert sim.model.before_training()["distance"] == sim.model.evaluate()["distance"] != before
