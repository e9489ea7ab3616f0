"""A key a text box binds but cannot act on (↓ where a one-line box has nothing to scroll: Textual's
SkipAction) ended the app: the box ran the action itself and let the SkipAction out. Now the key goes
on (the prompt stays, Esc closes it)."""
from dlsim.tui.screens.prompt import PromptScreen

from .conftest import make_app, settle


async def test_keys_a_prompt_cannot_act_on_never_end_the_app():
    app = make_app("mlp")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("l")                       # the learning-rate prompt
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("down", "pagedown", "up", "pageup")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, PromptScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running and not isinstance(app.screen, PromptScreen)
