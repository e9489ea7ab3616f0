"""Several options applied from the form at once are all told: the notice said only the last one
("heads = 4: rebuilt the network" where the sequence length changed too)."""
from dlsim.tui.screens.simulation import together

from .conftest import make_app, settle


def test_changes_that_ended_alike_share_one_clause_in_the_order_applied():
    assert together(["length = 12: rebuilt the network", "heads = 4: rebuilt the network",
                     "lr = 0.100: applies from now on"]) == \
        "length = 12, heads = 4: rebuilt the network; lr = 0.100: applies from now on"


async def test_the_form_tells_every_option_it_applied():
    app = make_app("mlp")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.screen.apply_options({"hidden": "8", "samples": "300", "lr": "0.2"}) is None
        await settle(pilot)
        notice = app.screen.simview.ui.notice
        assert notice == "hidden = 8, samples = 300: rebuilt the network; lr = 0.200: applies from now on"
        assert app.screen.session.sim.config["samples"] == 300



async def test_options_applied_while_running_wait_for_the_pause_and_are_told_together():
    """While running, each option waited on its own and the notice gathered was the run's (', '), then
    only the last option's."""
    from .conftest import sim_view, until
    app = make_app("mlp")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        sim = sim_view(app)
        await pilot.press("f")
        assert await until(pilot, lambda: sim.runner is not None)
        assert app.screen.apply_options({"hidden": "8", "samples": "300"}) is None
        assert await until(pilot, lambda: sim.runner is None and not sim._pending, timeout=30)
        await settle(pilot)
        assert sim.ui.notice == "hidden = 8, samples = 300: rebuilt the network"
        assert app.screen.session.sim.config["samples"] == 300
