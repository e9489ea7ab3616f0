"""Every key of the simulation screen, driven through Pilot."""
import numpy as np
import pytest

from dlsim.protocol.events import Level
from dlsim.protocol.numbers import count, num
from dlsim.tui.screens.help import HelpScreen
from dlsim.tui.screens.home import HomeScreen
from dlsim.tui.screens.options import OptionsScreen
from dlsim.tui.screens.prompt import PromptScreen
from dlsim.tui.screens.simulation import SimulationScreen
from dlsim.tui.simview import SPEEDS
from dlsim.tui.widgets.math_panel import MathPanel
from dlsim.tui.widgets.network.weights import WeightsPanel
from dlsim.tui.widgets.style import short

from .conftest import make_app, settle, sim_view, text_of, until


@pytest.mark.parametrize("key,level", [("1", Level.OP), ("2", Level.LAYER), ("3", Level.SAMPLE),
                                       ("4", Level.BATCH), ("5", Level.EPOCH)])
async def test_levels_step_forward_and_back_exactly(key, level):
    app = make_app("mlp", hidden=[3], batch=32)
    async with app.run_test(size=(120, 40)) as pilot:
        sim = sim_view(app)
        await pilot.press("1", "right", "right")          # start mid-sample
        theta, position = sim.session.flat().copy(), sim.session.sim.position
        await pilot.press(key, "right")
        assert sim.session.level == level
        assert sim.session.sim.last.closes >= level
        assert sim.session.sim.position > position
        await pilot.press("left")                         # back at the same level, to the boundary before
        assert sim.session.sim.position <= position
        await pilot.press("1")
        while sim.session.sim.position < position:        # then forward op by op to where it started
            await pilot.press("right")
        assert sim.session.sim.position == position
        assert np.array_equal(sim.session.flat(), theta)


async def test_arrows_step_whatever_has_focus():
    app = make_app("mlp")
    async with app.run_test(size=(120, 40)) as pilot:
        sim = sim_view(app)
        await pilot.press("w")
        assert isinstance(app.focused, WeightsPanel)
        await pilot.press("right", "right", "left")
        assert sim.session.sim.position == 1
        assert "weighted_sum" in text_of(app.screen.query_one(MathPanel))


async def test_math_panel_shows_the_kernels_numbers():
    app = make_app("mlp")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("right")
        event = sim_view(app).session.sim.last
        from dlsim.sim.formulas import describe
        assert describe(event) in text_of(app.screen.query_one(MathPanel)).replace("\n", "")


async def test_f_runs_in_a_worker_and_space_pauses_it():
    # how fast the pause takes effect is measured by `python tools/measure_app.py`, never asserted
    app = make_app("mlp", dataset="spiral")
    async with app.run_test(size=(120, 40)) as pilot:
        sim = sim_view(app)
        await pilot.press("f")
        assert sim.runner is not None and sim.ui.playing
        runner = sim.runner
        assert await until(pilot, lambda: runner.frames >= 3)
        await pilot.pause(0.2)
        assert sim._drawn is not None            # the UI drew a frame from the worker
        await pilot.press("space")
        assert runner.finished.wait(10), "the run did not stop"
        await settle(pilot)
        assert sim.runner is None and not sim.ui.playing and sim.session.model.epoch > 0


async def test_plus_minus_change_speed_and_slow_play_steps():
    app = make_app("perceptron")
    async with app.run_test(size=(120, 40)) as pilot:
        sim = sim_view(app)
        for _ in SPEEDS:
            await pilot.press("minus")
        assert sim.speed == 0 and "slow" in sim.ui.speed
        await pilot.press("plus")
        assert sim.speed == 1
        await pilot.press("space")
        assert sim._timer is not None
        assert await until(pilot, lambda: sim.session.sim.position >= 2, timeout=3)
        await pilot.press("space")
        assert not sim.playing


async def test_r_resets():
    app = make_app("mlp")
    async with app.run_test(size=(120, 40)) as pilot:
        sim = sim_view(app)
        await pilot.press("5", "right", "r")
        assert sim.session.sim.position == 0 and sim.session.model.epoch == 0
        assert "reset" in sim.ui.notice


async def test_l_sets_the_learning_rate_and_refuses_nonsense():
    app = make_app("mlp")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("l")
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("ctrl+u", "ctrl+k", *"abc", "enter")
        assert isinstance(app.screen, PromptScreen)
        assert "not allowed" in str(app.screen.query_one("#prompt-error").render())
        await pilot.press("ctrl+u", "ctrl+k", *"0.05", "enter")
        assert isinstance(app.screen, SimulationScreen)
        assert sim_view(app).session.sim.config["lr"] == 0.05


async def test_d_cycles_the_dataset():
    app = make_app("mlp")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("d")
        assert sim_view(app).session.sim.config["dataset"] == "circle"


async def test_o_opens_the_form_which_validates():
    app = make_app("mlp")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("o")
        screen = app.screen
        assert isinstance(screen, OptionsScreen)
        screen.query_one("#opt-noise").value = "-1"
        await pilot.click("#apply")
        assert isinstance(app.screen, OptionsScreen)
        assert "noise" in str(screen.query_one("#options-error").render())
        screen.query_one("#opt-noise").value = "0.2"
        screen.query_one("#opt-hidden").value = "6,5"
        screen.query_one("#opt-samples").value = "512"
        screen.query_one("#opt-batch").value = "300"    # only fits once samples has grown
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, SimulationScreen)
        config = sim_view(app).session.sim.config
        assert config["hidden"] == (6, 5) and config["batch"] == 300 and config["noise"] == 0.2


async def test_options_form_escape_cancels():
    app = make_app("perceptron")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("o", "escape")
        assert isinstance(app.screen, SimulationScreen)


async def test_weights_keys_select_and_inspect():
    app = make_app("mlp", hidden=[4, 3])
    async with app.run_test(size=(120, 40)) as pilot:
        sim = sim_view(app)
        await pilot.press("w")                    # focusing the heatmap selects its first weight
        assert sim.ui.selected == ("layer[0].W", (0, 0))
        await pilot.press("down", "shift+right")
        assert sim.ui.selected == ("layer[0].W", (1, 1))
        await pilot.press("down")   # rows are inputs (W[i, j]: input i into neuron j); past them, the bias
        assert sim.ui.selected == ("layer[0].b", (1,))
        await pilot.press("pagedown")
        assert sim.ui.selected == ("layer[1].W", (0, 0)) and sim.ui.layer == 1
        await pilot.press("pageup", "up")
        shown = text_of(app.screen.query_one(WeightsPanel))
        assert "layer[0].W[0,0] = " in shown and "∂L/∂w" in shown and "last:" in shown


async def test_e_and_enter_edit_the_selected_weight():
    app = make_app("mlp", hidden=[3])
    async with app.run_test(size=(120, 40)) as pilot:
        sim = sim_view(app)
        await pilot.press("e")
        assert isinstance(app.screen, SimulationScreen) and "select a weight" in sim.ui.notice
        await pilot.press("w", "enter")
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("ctrl+u", "ctrl+k", *"x1", "enter")
        assert "not a number" in str(app.screen.query_one("#prompt-error").render())
        await pilot.press("ctrl+u", "ctrl+k", *"-0.75", "enter")
        assert sim.session.model.params["layer[0].W"][0, 0] == -0.75
        await pilot.press("e", "ctrl+u", "ctrl+k", *"inf", "enter")
        assert "finite" in str(app.screen.query_one("#prompt-error").render())
        await pilot.press("escape")
        assert sim.session.model.params["layer[0].W"][0, 0] == -0.75


async def test_clicking_a_cell_and_a_layer_tab_selects():
    app = make_app("mlp", hidden=[4, 3])
    async with app.run_test(size=(120, 40)) as pilot:
        sim = sim_view(app)
        await pilot.click(WeightsPanel, offset=(1 + 5 + 2, 1 + 2 + 1))   # border, "x╲h1 ", 2nd cell; tabs, numbers, row 1
        assert sim.ui.selected == ("layer[0].W", (1, 1))
        await pilot.click(WeightsPanel, offset=(1 + 6 + 3 * 2 + 1, 1))   # the tab of layer 2
        assert sim.ui.selected == ("layer[2].W", (0, 0))


@pytest.mark.parametrize("key", ["question_mark", "f1"])
async def test_help_opens_and_closes(key):
    app = make_app("mlp")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(key)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, SimulationScreen)


async def test_escape_goes_home_and_q_quits():
    app = make_app("mlp")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("q")
        await settle(pilot)
    assert app.return_code == 0


async def test_command_palette_runs_commands():
    app = make_app("mlp")
    async with app.run_test(size=(120, 40)) as pilot:
        titles = {c.title for c in app.get_system_commands(app.screen)}
        for title in ("Step forward: op", "Step back: epoch", "Play / pause", "Reset", "Set dataset: spiral",
                      "Set lr…", "Set hidden…", "Options…", "Open perceptron", "Help: keys",
                      "Open lesson: perceptron-and", "Open lesson: mlp-backprop"):
            assert title in titles
        await pilot.press("ctrl+p")
        await pilot.press(*"Set dataset: moons")
        await pilot.pause(0.3)
        await pilot.press("enter")
        assert await until(pilot, lambda: sim_view(app).session.sim.config["dataset"] == "moons")


async def test_command_palette_opens_a_lesson():
    from dlsim.tui.screens.lesson import LessonScreen
    app = make_app(None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"Open lesson: perceptron-xor")
        await pilot.pause(0.3)
        await pilot.press("enter")
        assert await until(pilot, lambda: isinstance(app.screen, LessonScreen))
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Lesson: next step", "Lesson: previous step", "Lesson: back to the script"} <= titles


async def test_w_then_e_edits_the_first_weight_shown_as_the_screen_shows_numbers():
    app = make_app("mlp", hidden=[3])
    async with app.run_test(size=(120, 40)) as pilot:
        sim = sim_view(app)
        before = sim.session.flat().copy()
        await pilot.press("w", "e")
        assert isinstance(app.screen, PromptScreen)
        value = float(sim.session.model.params["layer[0].W"][0, 0])
        shown = app.screen.query_one("#prompt-input").value
        assert shown == num(value, 6) and "e-" not in shown and not shown.startswith("-")
        await pilot.press("enter")                   # the value as shown: nothing changes
        assert isinstance(app.screen, SimulationScreen)
        assert (sim.session.flat() == before).all()


def test_one_number_format_everywhere():
    assert num(-9.31e-07) == "−9.31e−7" and num(-5e-5) == "−0.0000500" and num(2.5e7) == "2.500e7"
    assert short(-5e-5) == "−5e−5" and count(7875) == "7,875" and num(-0.2139909217331038) == "−0.214"
