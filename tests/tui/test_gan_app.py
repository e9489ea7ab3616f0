"""The GAN in the app: keys that ask the model rather than assume one learning rate."""
from dlsim.tui.screens.options import OptionsScreen
from dlsim.tui.screens.simulation import SimulationScreen

from .conftest import make_app, settle, sim_view


async def test_l_offers_d_and_g_learning_rates_and_applies_them_live():
    """A GAN has no `lr`: l used to prompt for "None" and refuse every value."""
    app = make_app("gan", samples=32, batch=4)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, OptionsScreen)
        assert [o.name for o in app.screen.options] == ["d_lr", "g_lr"]
        app.screen.query_one("#opt-g_lr").value = "0.02"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SimulationScreen)
        config = sim_view(app).session.sim.config
        assert config["g_lr"] == 0.02 and config["d_lr"] == 0.005
