"""The app asks before it starts a configuration whose one epoch is estimated past the time budget:
the options form says what it would cost, and the same change applied again starts it; a network
opened from the home screen likewise; `dlsim run NET` asks on the terminal before the app opens."""
import pytest

from dlsim.sim.time_budget import TooLong
from dlsim.tui import launch as launch_module
from dlsim.tui import long_runs

from .conftest import make_app, settle, sim_view

TINY = "0.0000000001"     # seconds: every configuration is over it


async def test_the_options_form_asks_then_starts_a_long_run(monkeypatch):
    app = make_app("som", rows=2, cols=2)
    async with app.run_test(size=(120, 40)) as pilot:
        sim = sim_view(app)
        monkeypatch.setenv("DLSIM_TIME_BUDGET", TINY)
        asked = sim.set_option("rows", "3")
        assert "would take" in asked and "apply it again to start it anyway" in asked
        assert "--force" not in asked and "\n" not in asked
        assert sim.session.sim.config["rows"] == 2                 # nothing changed yet
        assert sim.set_option("rows", "3") is None                 # the same again: yes
        assert sim.session.sim.config["rows"] == 3
        assert sim.set_option("cols", "3") is None                 # said yes once: not asked again
        await settle(pilot)


async def test_another_change_after_the_question_is_asked_again(monkeypatch):
    app = make_app("som", rows=2, cols=2)
    async with app.run_test(size=(120, 40)) as pilot:
        sim = sim_view(app)
        monkeypatch.setenv("DLSIM_TIME_BUDGET", TINY)
        assert "would take" in sim.set_option("rows", "3")
        assert "would take" in sim.set_option("rows", "4")        # a different request: a new question
        assert sim.session.sim.config["rows"] == 2
        await settle(pilot)


async def test_a_network_opened_from_home_is_asked_about_first(monkeypatch):
    app = make_app(None)
    async with app.run_test(size=(120, 40)) as pilot:
        monkeypatch.setenv("DLSIM_TIME_BUDGET", TINY)
        app.open_model("som", rows=3)
        await settle(pilot)
        assert app.screen.__class__.__name__ == "HomeScreen"
        app.open_model("som", rows=3)
        await settle(pilot)
        assert app.screen.__class__.__name__ == "SimulationScreen"


def test_dlsim_run_asks_on_the_terminal_before_the_app_opens(monkeypatch):
    monkeypatch.setenv("DLSIM_TIME_BUDGET", TINY)
    monkeypatch.setattr("dlsim.tui.app.DlsimApp.run", lambda self: 0)
    monkeypatch.setattr(long_runs, "ask_on_the_terminal", lambda error: False)
    with pytest.raises(TooLong, match="would take"):
        launch_module.launch("mlp")
    monkeypatch.setattr(long_runs, "ask_on_the_terminal", lambda error: True)
    assert launch_module.launch("mlp") == 0


def test_the_terminal_question_takes_only_yes(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    error = TooLong("one epoch of mlp would take about 2 h (…), or lift the limit with --force")
    assert long_runs.ask_on_the_terminal(error, ask=lambda prompt: "y") is True
    assert long_runs.ask_on_the_terminal(error, ask=lambda prompt: "") is False
    assert "would take about 2 h" in capsys.readouterr().err
