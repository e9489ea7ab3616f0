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
