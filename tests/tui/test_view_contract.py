"""The shell asks the view, and assumes no panel: a view with only the minimal panels (the curves)
takes every key the app binds; a network's own words (the SOM's "pass", its inspector) reach the
status line, the help and the heatmap."""
import io

import pytest
from rich.console import Console
from textual.widgets import Static

import dlsim
from dlsim.protocol.events import Level
from dlsim.protocol.numbers import num
from dlsim.sim import warmup
from dlsim.tui import simview
from dlsim.tui.app import DlsimApp
from dlsim.tui.keys import STEPPING
from dlsim.tui.screens.help import HelpScreen, key_rows
from dlsim.tui.screens.home import HomeScreen
from dlsim.tui.screens.simulation import NO_HEATMAP, SimulationScreen
from dlsim.tui.session import Session
from dlsim.tui.views.base import NetworkView
from dlsim.tui.widgets.curves import Chart, Curves
from dlsim.tui.widgets.network.weights import WeightsPanel
from dlsim.tui.widgets.status_bar import StatusBar

from .conftest import make_app, settle, sim_view, text_of


class BareView(NetworkView):
    """A new network's first view: its curves and nothing else."""
    name = "perceptron"
    charts = (Chart("errors per epoch", (("errors", "train"),)),)
    level_words = {Level.LAYER: "stage"}


@pytest.fixture
def bare(monkeypatch):
    monkeypatch.setattr(simview, "view_for", lambda name: BareView)


def every_key() -> list[str]:
    keys = [key for binding in STEPPING for key in binding.key.split(",") if key != "escape"]
    return keys + [key for binding in DlsimApp.BINDINGS for key in binding.key.split(",") if key != "q"]


async def _close_dialogs(pilot):
    while not isinstance(pilot.app.screen, SimulationScreen):
        await pilot.press("escape")
        await settle(pilot)


async def test_a_view_with_only_the_minimal_panels_takes_every_key(bare):
    app = make_app("perceptron", dataset="and")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        view = sim_view(app)
        assert isinstance(view.view, BareView) and not app.screen.query(WeightsPanel)
        for key in every_key():
            await pilot.press(key)
            await settle(pilot, 0.1)
            if key == "f":   # stop the run, so the next key acts at once
                await pilot.press("space")
                await settle(pilot)
            await _close_dialogs(pilot)
        await pilot.press("w")
        await settle(pilot)
        assert view.ui.notice == NO_HEATMAP   # said, not a crash
        await pilot.press("3", "right", "right")
        await settle(pilot)
        assert view.session.sim.position > 0
        assert "epoch" in text_of(app.screen.query_one(Curves))
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("q")
    assert app.return_code in (0, None)


async def test_help_and_status_use_the_views_words_and_panels(bare):
    app = make_app("perceptron", dataset="and")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        assert "level stage" in text_of(app.screen.query_one(StatusBar))
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=400, record=True, file=io.StringIO())   # the help's words, unwrapped
        for static in app.screen.query(Static):
            console.print(static.content)
        text = console.export_text()
        assert "op (one weighted sum, one gradient) < stage < sample" in text
        assert "curves" in text and "heatmap" not in text and "surface" not in text
        keys = dict(key_rows(app.screen.view, app.screen.panels))
        assert keys["1 2 3 4 5"] == "level: op, stage, sample, batch, epoch"
        assert "w" not in keys and "e / Enter" not in keys   # no weight keys without a heatmap


@pytest.fixture(scope="module")
def warm_som():
    warmup.warm("som")


async def test_the_som_speaks_of_passes_and_pulls_not_layers_and_gradients(warm_som):
    app = make_app("som", rows=4, cols=4)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2", "w")
        await settle(pilot)
        status = text_of(app.screen.query_one(StatusBar))
        assert "level pass" in status and "8 passes/s" in status and "layer" not in status
        heatmap = text_of(app.screen.query_one(WeightsPanel))
        assert "layer" not in heatmap                      # one matrix, no layer tabs
        assert "no gradient: pulled towards each sample" in heatmap   # not "learns from the error"
        assert "∂L/∂w" not in heatmap
        await pilot.press("question_mark")
        await settle(pilot)
        console = Console(width=400, record=True, file=io.StringIO())   # the help's words, unwrapped
        for static in app.screen.query(Static):
            console.print(static.content)
        text = console.export_text()
        assert "pass (the whole BMU search, or the whole update pass)" in text
        assert "U-matrix" in text and "surface" not in text
        keys = dict(key_rows(app.screen.view, app.screen.panels))
        assert "layer" not in keys["w"] + keys["click"]


def test_a_runs_summary_reports_the_networks_own_metrics(warm_som):
    session = Session(dlsim.make("som", seed=0, rows=3, cols=3))
    session.run_chunk()
    metrics = session.model.history[-1]
    assert f"quantization error {num(metrics['quantization_error'])}" in session.summary[1]
    assert "loss" not in session.summary[1]


def test_every_charted_metric_is_on_its_views_curves():
    """The curves come from what the model measures: a metric naming a chart is drawn on it."""
    from dlsim.models import MODELS
    from dlsim.tui.views import views
    for name, view in views().items():
        drawn = {(chart.title, key) for chart in view.charts for key, _ in chart.series}
        wanted = {(m.chart, m.key) for m in MODELS[name].metrics if m.chart}
        assert wanted and wanted == drawn, name
