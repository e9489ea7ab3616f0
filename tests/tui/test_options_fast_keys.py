"""Keys typed right after a dialog opens reach it, in order, as a fast typist's would: none waits
for the dialog to be drawn, and none is lost on a field that cannot be seen."""
from textual import events

from dlsim.tui.screens.options import OptionsScreen
from dlsim.tui.screens.prompt import PromptScreen
from dlsim.tui.screens.simulation import SimulationScreen

from .conftest import make_app, settle, sim_view, until

CHARACTERS = {"full_stop": ".", "comma": ","}


def type_at_once(app, *keys: str) -> None:
    """Keys as a terminal delivers them to a fast typist: all queued before any is handled (Pilot's
    press waits for the app to go idle after each key, which no learner does)."""
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else CHARACTERS.get(key))
        event.set_sender(app)
        app._driver.send_message(event)


async def test_the_options_form_opens_on_its_first_field_and_tab_moves_through_the_fields():
    app = make_app("mlp", hidden=[3])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("o")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, OptionsScreen)
        assert app.focused is screen.query_one("#opt-dataset")         # a field the learner sees
        await pilot.press("tab")
        assert app.focused is screen.query_one("#opt-seed")


async def test_keys_typed_at_once_after_o_fill_the_fields_they_were_meant_for():
    app = make_app("mlp", hidden=[3])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        type_at_once(app, "o", "tab", "tab", "8", "comma", "4", "ctrl+s")   # dataset, seed, hidden
        assert await until(pilot, lambda: isinstance(app.screen, SimulationScreen))
        await settle(pilot)
        config = sim_view(app).session.sim.config
        assert config["hidden"] == (8, 4)
        assert config["seed"] == 0


async def test_an_emptied_hidden_field_typed_fast_is_refused_not_applied_as_no_layer():
    app = make_app("mlp", hidden=[3])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        type_at_once(app, "o", "tab", "tab", "backspace", "ctrl+s")
        assert await until(pilot, lambda: isinstance(app.screen, OptionsScreen)
                           and "0 for none" in str(app.screen.query_one("#options-error").render()))
        assert app.screen_stack[-2].simview.session.sim.config["hidden"] == (3,)


async def test_a_weight_typed_at_once_in_the_editor_is_stored_exactly():
    app = make_app("mlp")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        name, index = sim_view(app).ui.selected
        type_at_once(app, "e", "1", "full_stop", "5", "enter")
        assert await until(pilot, lambda: isinstance(app.screen, SimulationScreen))
        assert float(sim_view(app).session.model.params[name][index]) == 1.5


async def test_a_learning_rate_typed_at_once_after_l_is_applied():
    app = make_app("mlp")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        type_at_once(app, "l", "0", "full_stop", "7", "enter")
        assert await until(pilot, lambda: isinstance(app.screen, SimulationScreen))
        assert sim_view(app).session.sim.config["lr"] == 0.7
        assert not isinstance(app.screen, PromptScreen)


async def test_a_text_boxs_own_keys_typed_at_once_apply_in_their_turn():
    """Ctrl+U (clear to the left) then 8,4 in one burst: the field reads 8,4 (Textual's Input ran
    the Ctrl+U after the characters and left it empty); Home then 1 puts the 1 first."""
    app = make_app("mlp", hidden=[3])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        type_at_once(app, "o", "tab", "tab", "end", "ctrl+u", "8", "comma", "4", "home", "1", "ctrl+s")
        assert await until(pilot, lambda: isinstance(app.screen, SimulationScreen))
        await settle(pilot)
        assert sim_view(app).session.sim.config["hidden"] == (18, 4)


def test_every_text_box_of_the_app_is_one_that_keeps_the_order():
    """A dialog that made a plain Input would bring the out-of-order keys back."""
    import ast
    from pathlib import Path
    import dlsim.tui
    plain = []
    for path in Path(dlsim.tui.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "Input":
                plain.append(f"{path.name}:{node.lineno}")
    assert not plain, plain
