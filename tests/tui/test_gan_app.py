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


CHECK = """
import sys
from dlsim.kernels import jit
from dlsim.sim import warmup


def signatures():
    return {(name, key): set(map(str, value.signatures)) for name, module in list(sys.modules.items())
            if name.startswith("dlsim.kernels.") for key, value in vars(module).items()
            if hasattr(value, "signatures") and not isinstance(value, (jit.Lazy, type))}


warmup.exercise("gan")
before = signatures()
warmup._warm.add("gan")
import dlsim
from dlsim.tui.session import Session
from dlsim.tui.views import view_for
sim = dlsim.make("gan", samples=16, batch=2, d_hidden=(3,), g_hidden=(3,), z_dim=1)
session = Session(sim)
view = view_for("gan")(session)
view.extras(sim.model)
while sim.model.epoch < 1:            # a D step and a G step op by op, the push on each fake shown
    session.step("op")
    view.extras(sim.model)
session.step("batch"); session.step("batch"); session.step("epoch"); session.run_chunk()
view.extras(sim.model)
print(sorted(key for key, value in signatures().items() if value - before.get(key, set())))
"""


def test_the_warm_up_compiles_everything_the_app_then_runs():
    """The warm-up's session never ran a D step per compiled call nor a fused iteration (its epoch
    step only closed the iteration): the app then compiled them on the UI thread, ~30 s frozen."""
    import subprocess
    import sys
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[]"
