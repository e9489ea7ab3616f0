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


async def test_t_cycles_which_network_trains():
    """GAN Lab's "train D" / "train G": t goes both → D → G → both; the next iteration obeys."""
    app = make_app("gan", samples=32, batch=4)
    async with app.run_test(size=(120, 40)) as pilot:
        sim = sim_view(app).session.sim
        await pilot.press("t")
        await settle(pilot)
        assert sim.config["train"] == "D" and sim.model.plan() == "D"
        await pilot.press("5", "right")
        await settle(pilot)
        assert (sim.model.t_d, sim.model.t_g) == (1, 0)
        await pilot.press("t", "t")
        await settle(pilot)
        assert sim.config["train"] == "both"


async def test_t_on_a_single_network_says_so():
    app = make_app("mlp")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("t")
        await settle(pilot)
        assert "trains as one network" in sim_view(app).ui.notice


def test_help_lists_t_where_there_are_parts_to_train():
    import dlsim
    from dlsim.tui.screens.help import key_rows
    from dlsim.tui.session import Session
    from dlsim.tui.views import view_for
    for name, listed in (("gan", True), ("mlp", False)):
        view = view_for(name)(Session(dlsim.make(name)))
        assert any(keys == "t" for keys, _ in key_rows(view, ())) == listed, name
