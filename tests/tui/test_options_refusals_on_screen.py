"""Several refused values at once, at 80×24: every reason is on screen, and so are the buttons and
the keys hint (the reasons used to push the Apply button, the hint and the last reasons out of the
dialog: a learner saw three of four reasons and no way to apply)."""
from textual.widgets import Button, Static

from dlsim.tui.screens.options import OptionsScreen

from .conftest import make_app, settle

BAD = {"seed": "x1", "samples": "0", "test": "-3", "noise": "inf"}


def _inside(widget, dialog) -> bool:
    inner = dialog.region.shrink(dialog.styles.gutter)
    return widget.region.height > 0 and inner.contains_region(widget.region)


async def test_every_refusal_and_the_buttons_stay_on_screen_at_80x24():
    app = make_app("perceptron", dataset="blobs")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("o")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, OptionsScreen)
        for name, value in BAD.items():   # typed into each field, as a learner does, then Enter
            screen.query_one(f"#opt-{name}").focus()
            await pilot.press("ctrl+u", *value.replace("-", "minus"))
        await pilot.press("enter")
        await settle(pilot)
        dialog = screen.query_one("#options")
        error = screen.query_one("#options-error", Static)
        text = str(error.render())
        assert all(f"option '{name}'" in text for name in BAD), text
        assert _inside(error, dialog), (error.region, dialog.region)
        assert _inside(screen.query_one("#apply", Button), dialog)
        assert _inside(screen.query_one(".hint"), dialog)
        assert screen.query_one("#option-rows").region.contains_region(screen.focused.region)   # noise, typed last
        assert dialog.region.bottom <= app.size.height
        # one value put right, Enter again: the rows it no longer needs for reasons come back
        shrunk = screen.query_one("#option-rows").region.height
        screen.query_one("#opt-noise").focus()
        await pilot.press("ctrl+u", "0", "enter")
        await settle(pilot)
        assert screen.query_one("#option-rows").region.height > shrunk
        assert _inside(screen.query_one("#apply", Button), dialog)
