"""What a learner stepping the RBF network read on its screen, and now reads right: the phase of a
k-means op, the range of the fitted ŷ, what comes after the solve, and the names of the columns of
the units' heatmap."""
import numpy as np
import pytest

import dlsim
from dlsim.protocol.numbers import num
from dlsim.sim import warmup
from dlsim.tui.session import Session
from dlsim.tui.views.rbf import CURVE_POINTS, RBFView
from dlsim.tui.widgets.math_panel import MathPanel
from dlsim.tui.widgets.network.weights import WeightsPanel
from dlsim.tui.widgets.rbf.fit_plot import FitPlot
from dlsim.tui.widgets.status_bar import StatusBar, in_hand

from .conftest import make_app, settle, text_of

SIZES = ((80, 24), (120, 40))
SOLVED = ("5",) + ("right",) * 6   # five k-means passes, then the least-squares solve: converged


@pytest.fixture(scope="module", autouse=True)
def warm_rbf():
    warmup.warm("rbf")


async def _press(pilot, *keys):
    await settle(pilot)
    await pilot.press(*keys)
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_a_kmeans_op_shows_the_assign_phase_not_forward(size):
    """The first op measures a sample's distance to a centre: k-means' assignment, no forward pass."""
    app = make_app("rbf")
    async with app.run_test(size=size) as pilot:
        await _press(pilot, "right")
        head = text_of(app.screen.query_one(MathPanel)).splitlines()[0]
        assert head.startswith(" ASSIGN  distance"), head
        for _ in range(app.screen.simview.session.model.K):   # on to the sample's assignment
            await _press(pilot, "right")
        head = text_of(app.screen.query_one(MathPanel)).splitlines()[0]
        assert head.startswith(" ASSIGN  assign"), head
        status = text_of(app.screen.query_one(StatusBar))
        assert "assign" in status and "forward" not in status and "sample 1/100" in status, status


async def test_the_caption_gives_the_range_of_the_fitted_y_hat():
    """After the solve the caption read 'ŷ from −1.143 to 1.138': the plot's axis (the noisy
    targets' reach), not ŷ's (−1.012 to 0.939). It now gives ŷ's own lowest and highest value
    along the plot."""
    app = make_app("rbf")
    async with app.run_test(size=(120, 40)) as pilot:
        await _press(pilot, *SOLVED)
        model = app.screen.simview.session.model
        xs = np.linspace(model.X.min(), model.X.max(), CURVE_POINTS)
        yhat = model.outputs(xs.reshape(-1, 1))
        caption = app.screen.query_one(FitPlot).border_subtitle
        assert f"ŷ from {num(yhat.min())} to {num(yhat.max())}" in caption, caption
        assert yhat.min() > model.T.min() and yhat.max() < model.T.max()   # (the axis's range is wider)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_after_the_solve_the_status_line_says_it_converged(size):
    """It said 'next solve · sample 1/100' as if more were to come: another solve gives the same
    weights."""
    app = make_app("rbf")
    async with app.run_test(size=size) as pilot:
        await _press(pilot, *SOLVED)
        assert app.screen.simview.session.model.converged()
        status = text_of(app.screen.query_one(StatusBar))
        assert "next solve" not in status and "converged" in status, status
        await _press(pilot, "1", "right")   # a step into that solve: its first sample is in hand
        status = text_of(app.screen.query_one(StatusBar))
        assert "sample 1/100" in status and "converged" not in status, status


@pytest.mark.parametrize("dataset, names", [("sine", ["c", "σ", "w"]), ("circle", ["c₁", "c₂", "σ", "w"])])
async def test_the_units_heatmap_names_its_columns(dataset, names):
    """Its header read 0 1 2 (3): the columns are a unit's centre, width and output weight."""
    app = make_app("rbf", dataset=dataset)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        header = text_of(app.screen.query_one(WeightsPanel)).splitlines()[1]
        assert header.rstrip().endswith("".join(name.rjust(2) for name in names)), header   # two cells each
        assert not any(ch in "0123456789" for ch in header), header


def test_after_a_weight_typed_in_the_next_solve_counts_again():
    """A weight edited after the solve is solved away by the next one: the line says a solve is next."""
    session = Session(dlsim.make("rbf", seed=0))
    view = RBFView(session)
    for _ in range(6):
        session.step("epoch")
    assert view.cursor(session.model, session.sim.last).startswith("converged")
    session.set_weight("weights", (0,), 1.5)
    assert in_hand(view.cursor(session.model, session.sim.last)) == "next solve · sample 1/100"


@pytest.mark.parametrize("dataset, accuracy", [("sine", False), ("circle", True)])
async def test_the_curves_draw_accuracy_only_where_there_are_classes(dataset, accuracy):
    # the sine is a regression: an accuracy chart there stayed an empty frame with no line in it
    from dlsim.tui.widgets.curves import Curves
    app = make_app("rbf", dataset=dataset)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        titles = [chart.title for chart in app.screen.query_one(Curves).charts]
        assert titles == (["loss", "accuracy"] if accuracy else ["loss"])
        assert ("accuracy" in text_of(app.screen.query_one(Curves))) == accuracy


async def test_a_dataset_switched_to_classes_brings_the_accuracy_chart():
    from dlsim.tui.widgets.curves import Curves
    app = make_app("rbf", dataset="sine")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("d")   # the next dataset: two classes
        await settle(pilot, 0.5)
        assert not app.screen.session.sim.model.regression
        assert [chart.title for chart in app.screen.query_one(Curves).charts] == ["loss", "accuracy"]
