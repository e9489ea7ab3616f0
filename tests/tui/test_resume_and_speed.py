"""Leaving a network with Esc keeps it; space plays at a speed a learner can watch, f at full speed."""
from dlsim.tui.playing import FULL, SPEEDS
from dlsim.tui.screens.home import HomeScreen
from dlsim.tui.screens.simulation import SimulationScreen

from .conftest import make_app, settle, sim_view, until


async def test_escape_then_reopening_resumes_the_network_as_it_was():
    app = make_app(None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("down", "enter")                         # mlp
        sim = sim_view(app)
        await pilot.press("5", "right", "right")
        assert sim.set_option("lr", "0.3") is None
        sim.set_weight("layer[0].W", (0, 1), "0.25")
        session = sim.session
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("enter")                                 # mlp again
        await settle(pilot)
        assert isinstance(app.screen, SimulationScreen)
        again = sim_view(app).session
        assert again is session and again.model.epoch == 2
        assert again.sim.config["lr"] == 0.3 and again.model.params["layer[0].W"][0, 1] == 0.25


async def test_escape_while_running_stops_the_run_and_keeps_its_epochs():
    app = make_app(None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("down", "enter", "f")
        sim = sim_view(app)
        assert await until(pilot, lambda: sim.session.model.epoch > 5)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        sim = sim_view(app)
        assert sim.runner is None and sim.session.model.epoch > 5


async def test_escape_from_a_network_opened_from_the_command_line_offers_it_again():
    """`dlsim run rbf`, then Esc: the home screen's list sat on the perceptron, so Enter opened the
    perceptron, not the network just left."""
    app = make_app("rbf")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        session = sim_view(app).session
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SimulationScreen) and sim_view(app).session is session


async def test_space_at_op_level_plays_ops_a_learner_can_watch():
    app = make_app("perceptron", dataset="and")
    async with app.run_test(size=(120, 40)) as pilot:
        sim = sim_view(app)
        await pilot.press("space")
        assert sim.runner is None and sim._timer is not None       # stepping, not the fused run
        assert SPEEDS[sim.speed][1].name == "OP" and "ops/s" in sim.ui.speed
        await pilot.pause(0.3)
        await pilot.press("space")
        assert not sim.session.model.converged() and sim.session.model.epoch == 0
        await pilot.press("5")                                     # the speed follows the level
        assert "epochs/s" in sim.ui.speed
        await pilot.press("f")                                     # full speed: one key
        assert sim.speed == FULL
        assert await until(pilot, lambda: sim.runner is None and sim.session.model.converged())
