"""The options form refuses an emptied layer-sizes field as --set does (a slip, not "no layer"), and
shows "no layers" as the 0 that says it."""
from dlsim.tui.screens.options import OptionsScreen
from dlsim.tui.screens.simulation import SimulationScreen

from .conftest import make_app, settle, sim_view


async def test_an_emptied_hidden_field_is_refused_and_the_network_kept():
    app = make_app("mlp", hidden=[3])
    async with app.run_test(size=(120, 40)) as pilot:
        sim = sim_view(app)
        await pilot.press("o")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, OptionsScreen)
        screen.query_one("#opt-hidden").value = ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen                                # still open, saying why
        said = str(screen.query_one("#options-error").render())
        assert "hidden" in said and "0 for none" in said
        assert sim.session.sim.config["hidden"] == (3,)
        screen.query_one("#opt-hidden").value = "0"                 # the explicit way
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SimulationScreen)
        assert sim_view(app).session.sim.config["hidden"] == ()


async def test_no_layers_shows_as_0_and_applying_it_unchanged_is_no_change():
    app = make_app("mlp", hidden=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("o")
        await settle(pilot)
        screen = app.screen
        assert screen.query_one("#opt-hidden").value == "0"
        assert screen.changes() == ({}, [])
