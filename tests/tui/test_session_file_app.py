"""The app's saved sessions: S saves where the learner stands (a file already there only after a second
Enter), O opens one on its own screen at the same state, and the configuration string dialog shows
the line that rebuilds the network (an edited one opens that network)."""
import dlsim
from textual.widgets import Input, Static

from dlsim.tui.screens import session_files
from dlsim.tui.screens.prompt import PromptScreen
from dlsim.tui.screens.simulation import SimulationScreen

from .conftest import make_app, settle, sim_view


async def enter(pilot, value: str) -> None:
    pilot.app.screen.query_one(Input).value = value
    await pilot.press("enter")
    await settle(pilot)


def error_shown(app) -> str:
    return str(app.screen.query_one("#prompt-error", Static).render())


async def test_s_saves_o_opens_at_the_same_op(tmp_path):
    path = str(tmp_path / "mine.dlsim")
    app = make_app("mlp", hidden=[3], samples=16, test=4)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1", "right", "right", "right")    # mid-sample
        sim = sim_view(app).session.sim
        await pilot.press("S")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        await enter(pilot, path)
        assert not isinstance(app.screen, PromptScreen)
        assert dlsim.open(path).cursor == sim.cursor
        first = open(path, "rb").read()

        await pilot.press("right", "S")   # the same name again: asked first, kept meanwhile
        await settle(pilot)
        await enter(pilot, path)
        assert isinstance(app.screen, PromptScreen) and "Enter again replaces it" in error_shown(app)
        assert open(path, "rb").read() == first
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, PromptScreen)
        assert dlsim.open(path).cursor == sim.cursor

        await pilot.press("O")
        await settle(pilot)
        await enter(pilot, str(tmp_path / "absent.dlsim"))
        assert "no such file" in error_shown(app)
        await enter(pilot, path)
        await settle(pilot)
        assert isinstance(app.screen, SimulationScreen)
        opened = app.screen.session.sim
        assert opened is not sim and opened.cursor == sim.cursor
        assert all((opened.params[k] == v).all() for k, v in sim.params.items())


async def test_the_configuration_string_is_shown_and_an_edited_one_opens(tmp_path):
    app = make_app("mlp", seed=3, hidden=[4], lr=0.1)
    async with app.run_test(size=(120, 40)) as pilot:
        session_files.show_config(app.screen)
        await settle(pilot)
        shown = app.screen.query_one(Input).value
        assert shown == "mlp:dataset=xor,seed=3,hidden=4,lr=0.1"
        await enter(pilot, "perceptron:dataset=or,seed=2,lr")
        assert "not key=value" in error_shown(app)
        await enter(pilot, "perceptron:dataset=or,seed=2")
        await settle(pilot)
        assert isinstance(app.screen, SimulationScreen)
        assert app.screen.session.sim.name == "perceptron" and app.screen.session.sim.config["seed"] == 2
