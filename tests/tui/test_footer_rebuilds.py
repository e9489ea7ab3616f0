"""The footer is rebuilt once for a burst of changes to the keys on offer, not once per change
(opening a network's screen makes about ten, each a rebuild of ~20 keys the next one threw away),
and what it shows is still what the last change left."""
from textual.screen import Screen
from textual.widgets._footer import FooterKey

from dlsim.tui.widgets.footer import Footer

from .conftest import make_app, settle


async def test_opening_a_network_rebuilds_the_footer_fewer_times_than_its_keys_changed(monkeypatch):
    counted = {"changes": 0, "rebuilds": 0}
    refresh, recompose = Screen.refresh_bindings, Footer.recompose

    def changed(self):
        counted["changes"] += 1
        return refresh(self)

    async def rebuilt(self):
        counted["rebuilds"] += 1
        return await recompose(self)

    monkeypatch.setattr(Screen, "refresh_bindings", changed)
    monkeypatch.setattr(Footer, "recompose", rebuilt)
    app = make_app("mlp")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert 0 < counted["rebuilds"] <= counted["changes"] // 2, counted
        await pilot.press("tab")          # the focus moves: the keys on offer change once more
        await settle(pilot)
        shown = {key.action for key in app.screen.query(FooterKey)} - {"command_palette"}
        offered = {b.binding.action for b in app.screen.active_bindings.values()
                   if b.binding.show and b.enabled}
        assert shown == offered
