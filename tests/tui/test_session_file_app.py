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


async def test_s_during_a_full_speed_run_saves_a_whole_state_that_goes_on_the_same(tmp_path):
    """S while f trains on the compiled path in a thread: the run pauses first, the keys typed at once
    land in the dialog (not on the screen behind it: d would change the dataset), and the file is one
    consistent state that trains on bit for bit as the app's own."""
    path = str(tmp_path / "fast.dlsim")
    app = make_app("mlp", hidden=[3], samples=16, test=4)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f")
        await pilot.pause(0.3)
        await pilot.press("S", "d")   # typed fast: before the dialog could draw
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        sim = app.screen_stack[-2].session.sim
        assert sim.config["dataset"] == "xor" and app.screen.query_one(Input).value.endswith("d")
        await enter(pilot, path)
        assert not isinstance(app.screen, PromptScreen) and sim.epoch > 0
        opened = dlsim.open(path)
        assert opened.cursor == sim.cursor
        sim.train(epochs=3)
        opened.train(epochs=3)
        assert all((opened.params[k] == v).all() for k, v in sim.params.items())
        assert opened.history == sim.history


async def test_o_opens_another_networks_session_and_esc_comes_back(tmp_path):
    """On the perceptron's screen, O opens an LSTM's session on its own screen; Esc returns to the
    perceptron exactly as it was."""
    lstm = dlsim.make("lstm", dataset="first_bit", samples=8, test=2, length=5, batch=4, hidden=(3,))
    lstm.train(epochs=2)
    lstm.step("op")
    path = lstm.save(tmp_path / "lstm.dlsim")
    app = make_app("perceptron", dataset="and")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right", "right")
        before = sim_view(app).session.sim
        cursor = before.cursor
        await pilot.press("O")
        await settle(pilot)
        await enter(pilot, str(path))
        await settle(pilot)
        assert isinstance(app.screen, SimulationScreen) and app.screen.session.sim.name == "lstm"
        assert app.screen.session.sim.cursor == lstm.cursor
        await pilot.press("escape")
        await settle(pilot)
        assert sim_view(app).session.sim is before and before.cursor == cursor
