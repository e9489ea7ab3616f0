"""Starting the app: keys pressed while the kernels load all take effect, in the order pressed, the
status line says truly whether the kernels are being loaded or compiled, and each network's view
and stylesheet are found through its registered name."""
import threading

import dlsim
from dlsim.models import MODELS
from dlsim.sim import warmup
from dlsim.tui.lesson_session import open_lesson
from dlsim.tui.app import DlsimApp
from dlsim.tui.session import Session
from dlsim.tui.widgets.status_bar import StatusBar

from .conftest import make_app, option_text, sim_view, text_of, until


def loading(monkeypatch, compiling: bool) -> threading.Event:
    """Make the app's kernels 'not ready' until the returned event is set."""
    release = threading.Event()
    monkeypatch.setattr(warmup, "is_warm", lambda name: False)
    monkeypatch.setattr(warmup, "_stepping", set())   # not even op-by-op stepping is loaded yet
    monkeypatch.setattr(warmup, "compiling", lambda name: compiling)
    monkeypatch.setattr(warmup, "warm", lambda name: release.wait(10))
    return release


def state(session):
    return session.sim.position, [v.tobytes() for v in session.model.params.values()]


async def test_keys_pressed_while_kernels_load_all_take_effect_in_order(monkeypatch):
    release = loading(monkeypatch, compiling=False)
    app = make_app("mlp", hidden=[3])
    async with app.run_test(size=(120, 40)) as pilot:
        sim = sim_view(app)
        assert "loading compiled kernels" in text_of(app.screen.query_one(StatusBar))
        await pilot.press("right", "right", "2", "right", "1", "right", "right", "left")
        assert sim.session.sim.position == 0 and "follow, in order" in sim.ui.notice
        release.set()
        assert await until(pilot, lambda: sim.ui.warm and not sim._pending)
        expected = Session(dlsim.make("mlp", seed=0, hidden=[3]))
        for level, forward in (("op", 1), ("op", 1), ("layer", 1), ("op", 1), ("op", 1), ("op", 0)):
            expected.step(level) if forward else expected.back(level)
        assert state(sim.session) == state(expected) and expected.sim.position > 2
        assert "loading" not in text_of(app.screen.query_one(StatusBar)) and not sim.ui.notice


async def test_the_status_says_compiling_only_when_it_is(monkeypatch):
    release = loading(monkeypatch, compiling=True)
    app = make_app("mlp")
    async with app.run_test(size=(80, 24)) as pilot:
        assert "compiling kernels (first run only)" in text_of(app.screen.query_one(StatusBar))
        release.set()
        assert await until(pilot, lambda: sim_view(app).ui.warm)
        assert "paused" in text_of(app.screen.query_one(StatusBar))


async def test_a_lesson_answer_and_next_pressed_while_kernels_load_are_not_lost(monkeypatch, data_dir):
    release = loading(monkeypatch, compiling=False)
    app = DlsimApp(prewarm=False, lesson=open_lesson("perceptron-and"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen, player = app.screen, app.screen.player
        await pilot.press("n", "a", "n")   # on to the question, answer it, on past it
        assert player.index == 0
        release.set()
        assert await until(pilot, lambda: player.index == 2)
        assert player.answers[1].choice == "positive"   # the answer given to step 2's question


def test_each_view_and_its_styles_are_found_by_the_networks_name():
    """A view module or stylesheet named after a network is that network's; none is left unread."""
    from dlsim.tui.views import HERE, stylesheets, view_for
    modules = {path.stem for path in HERE.glob("*.py")} & set(MODELS)
    assert modules and all(view_for(name).name == name for name in modules)
    sheets = {path.stem for path in HERE.glob("*.tcss")}
    assert sheets <= set(MODELS)   # a stylesheet under another name would never be read
    assert DlsimApp.CSS_PATH == ["dlsim.tcss", *stylesheets()] and {p.stem for p in stylesheets()} == sheets


async def test_a_registered_network_without_a_view_is_listed_as_not_in_the_app(monkeypatch):
    from textual.widgets import OptionList
    from dlsim.tui.views import view_for
    monkeypatch.setitem(MODELS, "hopfield", MODELS["perceptron"])   # registered; no views/hopfield.py
    assert view_for("hopfield") is None
    app = DlsimApp(prewarm=False)
    async with app.run_test(size=(120, 40)):
        listed = app.screen.query_one("#models", OptionList).get_option("hopfield")
        assert listed.disabled and "not in the app yet" in option_text(listed)
