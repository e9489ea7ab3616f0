"""Flows through the app: home → network, divergence and recovery, compiling, live changes while
running, terminal sizes, colour-free reading."""
import threading

import numpy as np
import pytest

from dlsim.errors import UserError
from dlsim.protocol.events import Level
from dlsim.tui import launch as launch_module
from dlsim.sim import warmup
from dlsim.tui.screens.home import HomeScreen
from dlsim.tui.screens.simulation import SimulationScreen
from dlsim.tui.widgets.data.decision import DecisionPlot
from dlsim.tui.widgets.math_panel import MathPanel
from dlsim.tui.widgets.network.graph import NetworkGraph
from dlsim.tui.simview import SLOW_STEP
from dlsim.tui.widgets.status_bar import StatusBar

from .conftest import make_app, option_text, settle, sim_view, text_of, until


async def test_home_lists_networks_and_opens_with_keyboard():
    app = make_app(None)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, HomeScreen)
        shown = "\n".join(option_text(o) for o in app.screen.query_one("#models").options)
        assert "perceptron" in shown and "mlp" in shown and "backpropagation" in shown
        await pilot.press("down", "enter")
        assert isinstance(app.screen, SimulationScreen) and sim_view(app).session.name == "mlp"
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_home_opens_with_the_mouse():
    app = make_app(None)
    async with app.run_test(size=(120, 40)) as pilot:
        models = app.screen.query_one("#models")
        await pilot.click(models, offset=(5, 1))      # inside the border: the first network
        await pilot.pause()
        assert isinstance(app.screen, SimulationScreen) and sim_view(app).session.name == "perceptron"


async def test_divergence_pauses_says_what_and_step_back_recovers():
    app = make_app("mlp", dataset="spiral")
    async with app.run_test(size=(120, 40)) as pilot:
        sim = sim_view(app)
        await pilot.press("5", "right", "right", "l", "ctrl+u", "ctrl+k", *"50", "enter", "f")
        assert await until(pilot, lambda: sim.runner is None and sim.session.diverged, timeout=10)
        await settle(pilot)
        shown = text_of(app.screen.query_one(MathPanel))
        assert "diverged at epoch" in shown and "go back" in shown
        assert "diverged" in text_of(app.screen.query_one(StatusBar))
        await pilot.press("left")
        assert sim.session.diverged is None
        assert np.all(np.isfinite(sim.session.flat()))
        assert "diverged" not in text_of(app.screen.query_one(StatusBar))
        await pilot.press("l", "ctrl+u", "ctrl+k", *"0.1", "enter", "f")
        await pilot.pause(0.5)
        await pilot.press("space")
        await settle(pilot)
        assert sim.session.diverged is None and sim.session.model.epoch > 3


async def test_live_learning_rate_applies_while_running():
    app = make_app("mlp")
    async with app.run_test(size=(120, 40)) as pilot:
        sim = sim_view(app)
        await pilot.press("f")
        runner = sim.runner
        assert sim.set_option("lr", "0.07") is None
        assert runner is sim.runner and "while running" in sim.ui.notice
        assert await until(pilot, lambda: sim.session.sim.config["lr"] == 0.07)
        await pilot.press("space")
        await settle(pilot)


async def test_architecture_change_while_running_pauses_then_rebuilds():
    app = make_app("mlp")
    async with app.run_test(size=(120, 40)) as pilot:
        sim = sim_view(app)
        await pilot.press("f")
        assert await until(pilot, lambda: sim.session.model.epoch > 0)
        sim.set_option("hidden", "3")
        assert await until(pilot, lambda: list(sim.session.model.sizes) == [2, 3, 1])
        assert sim.runner is None and sim.session.model.epoch == 0


async def test_steps_wait_for_compiling_and_the_ui_stays_live(monkeypatch):
    release = threading.Event()
    monkeypatch.setattr(warmup, "is_warm", lambda name: False)
    monkeypatch.setattr(warmup, "_stepping", set())              # nothing compiled yet, not even op stepping
    monkeypatch.setattr(warmup, "warm", lambda name: release.wait(5))
    monkeypatch.setattr(warmup, "compiling", lambda name: True)    # a cold cache
    app = make_app("mlp")
    async with app.run_test(size=(120, 40)) as pilot:
        sim = sim_view(app)
        assert "compiling" in text_of(app.screen.query_one(StatusBar))
        await pilot.press("right")                    # the step waits …
        assert sim.session.sim.position == 0 and "compiling" in sim.ui.notice
        await pilot.press("2")                        # … and keys still work
        assert sim.session.level.name == "LAYER"
        release.set()
        assert await until(pilot, lambda: sim.session.sim.position == 1)
        assert "compiling" not in text_of(app.screen.query_one(StatusBar))


async def test_history_limit_is_a_message_not_a_crash():
    app = make_app("perceptron")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("left")
        assert "cannot go back" in sim_view(app).ui.notice


async def test_perceptron_runs_to_convergence_and_draws_its_line():
    app = make_app("perceptron", dataset="and")
    async with app.run_test(size=(120, 40)) as pilot:
        sim = sim_view(app)
        await pilot.press("f")
        assert await until(pilot, lambda: sim.runner is None and sim.session.model.converged(), timeout=5)
        await settle(pilot)
        assert "converged" in sim.ui.notice
        plot = text_of(app.screen.query_one(DecisionPlot))
        assert any(glyph in plot for glyph in "─│╱╲")


async def test_backward_pass_shows_deltas_and_gradients():
    app = make_app("mlp", hidden=[3])
    async with app.run_test(size=(120, 40)) as pilot:
        sim = sim_view(app)
        while sim.session.sim.last is None or sim.session.sim.last.phase != "backward":
            await pilot.press("right")
        await pilot.press("right", "right", "right", "right")
        assert "δ" in text_of(app.screen.query_one(NetworkGraph))
        assert "∂L/∂W" in text_of(app.screen.query_one("#weights"))


@pytest.mark.parametrize("size,compact", [((80, 24), True), ((100, 30), True), ((120, 40), False),
                                          ((160, 50), False)])
async def test_layouts_by_size(size, compact):
    app = make_app("mlp")
    async with app.run_test(size=size) as pilot:
        await pilot.press("right")
        screen = app.screen
        assert screen.has_class("-compact") == compact and not screen.has_class("-too-small")
        for panel in ("#graph", "#weights", "#decision", "#curves", "#math", "#status"):
            assert screen.query_one(panel).region.height > 0


async def test_resizing_never_crashes_and_too_small_says_how_big():
    app = make_app("mlp")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("right")
        for size in ((80, 24), (50, 12), (200, 60), (79, 24), (81, 25), (120, 40)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            too_small = app.screen.has_class("-too-small")
            assert too_small == (size[0] < 80 or size[1] < 24)
            if too_small:
                assert "at least 80×24" in str(app.screen.query_one("#too-small").render())
        await pilot.press("right")
        assert sim_view(app).session.sim.position == 2


async def test_meaning_survives_without_colour(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app("mlp", dataset="circle")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5", "right")
        plot = text_of(app.screen.query_one(DecisionPlot))
        assert "o" in plot and "x" in plot                       # classes by glyph
        assert "█" in plot and any(half in plot for half in "▀▄")  # class 1 lit, its edge to half a cell
        heat = text_of(app.screen.query_one("#weights"))
        assert "+" in heat and "−" in heat                       # weight signs by glyph


def test_no_color_is_honoured(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app("mlp")
    assert app.no_color


def test_launch_refuses_bad_options_before_any_screen(monkeypatch):
    monkeypatch.setattr("dlsim.tui.app.DlsimApp.run", lambda self: pytest.fail("the app started"))
    with pytest.raises(UserError, match="lr"):
        launch_module.launch("mlp", options={"lr": "-1"})
    with pytest.raises(UserError, match="unknown model"):
        launch_module.launch("nope")
    with pytest.raises(UserError, match="lesson"):
        launch_module.launch(lesson="intro")


def test_launch_runs_the_app_and_returns_its_code(monkeypatch):
    seen = {}

    def run(self):
        seen["session"] = self.first_session
        return None
    monkeypatch.setattr("dlsim.tui.app.DlsimApp.run", run)
    assert launch_module.launch("perceptron", seed=3, options={"dataset": "or"}) == 0
    assert seen["session"].sim.config["dataset"] == "or" and seen["session"].sim.config["seed"] == 3
    assert launch_module.launch() == 0 and seen["session"] is None


async def test_quitting_while_running_stops_the_worker():
    app = make_app("mlp")
    async with app.run_test(size=(120, 40)) as pilot:
        sim = sim_view(app)
        await pilot.press("f")
        runner = sim.runner
        assert await until(pilot, lambda: runner.frames >= 1)
        await pilot.press("q")
    assert runner.finished.wait(1.0)


async def test_slow_steps_run_in_a_thread(monkeypatch):
    monkeypatch.setattr("dlsim.tui.simview.SLOW_STEP", 0)     # treat every step of the small network as slow
    app = make_app("mlp", hidden=[3])
    async with app.run_test(size=(120, 40)) as pilot:
        sim = sim_view(app)
        await pilot.press("3", "right", "1", "right")       # queued behind the first, in order
        assert await until(pilot, lambda: sim._busy is None and sim.session.sim.position > 1)
        position = sim.session.sim.position
        await pilot.press("left")
        assert await until(pilot, lambda: sim._busy is None and sim.session.sim.position == position - 1)
        await pilot.press("left", "left", "left", "left")
        assert await until(pilot, lambda: sim._busy is None and not sim._pending)
        assert sim.session.sim.position < position


async def test_perceptron_on_xor_stops_and_says_why_instead_of_running_forever():
    app = make_app("perceptron", dataset="xor")
    async with app.run_test(size=(120, 40)) as pilot:
        sim = sim_view(app)
        await pilot.press("f")
        assert await until(pilot, lambda: sim.runner is None, timeout=20)
        await settle(pilot)
        model = sim.session.model
        assert not model.converged() and model.epoch >= sim._last_runner.PATIENCE
        assert "without converging" in sim.ui.notice and "errors an epoch" in sim.ui.notice
        assert "without converging" in text_of(app.screen.query_one(MathPanel))


async def test_op_steps_go_while_the_rest_of_the_kernels_compiles(monkeypatch):
    """The warm-up's child compiles op-by-op stepping first (about 2 s of the MLP's 42): → and ← at
    the op to sample levels go as soon as that is loaded; a run (f) and batch or epoch steps wait
    for the rest, in order."""
    release = threading.Event()

    def warm(name):             # stands in for the child: stepping ready, then the rest later
        warmup._stepping_ready(name)
        release.wait(5)
    monkeypatch.setattr(warmup, "is_warm", lambda name: False)
    monkeypatch.setattr(warmup, "_stepping", set())
    monkeypatch.setattr(warmup, "warm", warm)
    monkeypatch.setattr(warmup, "compiling", lambda name: True)
    app = make_app("mlp")
    async with app.run_test(size=(120, 40)) as pilot:
        sim = sim_view(app)
        await pilot.press("right", "right", "right", "left")
        assert await until(pilot, lambda: sim.session.sim.position == 2)
        await pilot.press("3", "right")               # a sample's step goes op by op too
        assert await until(pilot, lambda: sim.session.sim.position > 2)
        done = sim.session.sim.position
        assert not sim.ui.warm and "compiling" in text_of(app.screen.query_one(StatusBar))
        await pilot.press("4", "right", "f")          # a batch's step and a run wait for the batch and fused kernels …
        await pilot.pause(0.2)
        assert sim.runner is None and sim.session.model.epoch == 0 and sim.session.sim.position == done
        release.set()                                 # … and goes once they are ready
        assert await until(pilot, lambda: sim.session.model.epoch > 0)


async def test_a_slow_epochs_step_runs_in_a_thread_and_the_screen_stays_live():
    """The DQN's epoch is 1,000 environment steps (about 0.2 s): pressing → at the epoch level ran
    them on the UI thread, the screen frozen meanwhile. Now the step runs in a thread and the keys
    pressed meanwhile follow it."""
    app = make_app("dqn")
    async with app.run_test(size=(120, 40)) as pilot:
        sim = sim_view(app)
        assert sim.session.step_seconds(Level.EPOCH) >= SLOW_STEP
        threads, run_worker = [], sim.run_worker
        sim.run_worker = lambda work, **kw: threads.append(kw.get("group")) or run_worker(work, **kw)
        await pilot.press("5", "right", "right")                # the second queued behind the first
        assert await until(pilot, lambda: threads.count("step") == 2, timeout=20)   # not on the UI thread
        assert await until(pilot, lambda: sim._busy is None and not sim._pending and sim.session.model.epoch == 2,
                           timeout=20)
