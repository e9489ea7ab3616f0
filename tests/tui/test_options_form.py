"""The options form reads at 80×24: the focused field stands out, no description is cut."""
from textual.widgets import Select, Static
from textual.widgets._select import SelectCurrent

from dlsim.tui.screens.options import OptionsScreen

from .conftest import make_app, settle


def _distance(a, b) -> float:
    return sum((x - y) ** 2 for x, y in zip(a.rgb, b.rgb)) ** 0.5


async def test_the_focused_dropdown_stands_out_from_the_dialog():
    app = make_app("mlp")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("o")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, OptionsScreen)
        select = screen.query_one("#opt-activation", Select)
        select.focus()
        await settle(pilot)
        focused = select.query_one(SelectCurrent).styles.background
        dialog = screen.query_one("#options").styles.background
        assert _distance(focused, dialog) > 60


async def test_option_descriptions_are_shown_whole_at_80x24():
    app = make_app("mlp")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("o")
        await settle(pilot)
        for option, row in zip(app.screen.options, app.screen.query(".option-help")):
            lines = [strip.text.strip() for strip in row.render_lines(row.region.reset_offset)]
            assert " ".join(line for line in lines if line) == option.help
            assert row.region.height <= row.parent.region.height   # all of it inside its row
        for hint in app.screen.query(".hint"):
            assert hint.region.bottom <= app.size.height   # the keys hint is on screen
