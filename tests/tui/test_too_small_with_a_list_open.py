"""A learner whose window is below 80×24 opens the options (o) and presses keys: Enter opened the
first list hidden behind the "please make it bigger" message, and PgUp in that list, which had no
rows, crashed the app (Textual's OptionList reads rows it has not laid out)."""
from .conftest import make_app, settle


async def test_page_up_in_the_options_while_the_window_is_too_small():
    app = make_app("mlp")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.resize_terminal(70, 20)
        await settle(pilot)
        await pilot.press("o")                          # the options dialog, its first list focused
        await settle(pilot)
        await pilot.press("enter", "down", "pageup", "pagedown")   # keys into the list, hidden
        await settle(pilot)
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert type(app.screen).__name__ == "OptionsScreen"   # the dialog is still there, working


async def test_keys_on_the_home_screen_while_the_window_is_too_small():
    """The home screen's network list had the focus though hidden: ↓ ↓ PgUp crashed the app. While
    the message shows nothing has the focus; made bigger, the list has it again and ↓ moves in it."""
    app = make_app(None)
    async with app.run_test(size=(70, 20)) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "pageup", "pagedown", "tab", "down", "pageup")
        await settle(pilot)
        assert app.focused is None
        await pilot.resize_terminal(100, 30)
        await settle(pilot)
        listed = app.focused
        assert listed is not None and listed.id == "models", listed
        before = listed.highlighted
        await pilot.press("down")
        await settle(pilot)
        assert listed.highlighted == (before or 0) + 1
