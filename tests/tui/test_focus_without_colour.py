"""Without colour (NO_COLOR) Tab's focus showed nowhere: it is the border's colour. The focused
panel's title starts with ▶ there, and only there, and the mark moves with the focus."""
from dlsim.tui.widgets.panel import Panel

from .conftest import make_app, settle


def marked(app) -> list[str]:
    return [str(p.border_title) for p in app.screen.query(Panel) if str(p.border_title or "").startswith("▶")]


async def test_the_focused_panel_is_marked_without_colour(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app("mlp")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        first = marked(app)
        assert len(first) == 1 and first[0] == "▶ " + app.focused.border_title[2:]
        await pilot.press("tab")
        await settle(pilot)
        second = marked(app)
        assert len(second) == 1 and second != first   # the mark went with the focus


async def test_in_colour_the_border_shows_focus_and_titles_stay_as_they_are():
    app = make_app("mlp")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("tab")
        await settle(pilot)
        assert marked(app) == []
