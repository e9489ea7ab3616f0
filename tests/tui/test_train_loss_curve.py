"""The curve labelled "train" loss is the training set's loss after each epoch (history `train_loss`),
measured like the test loss beside it; never `loss`, the mean of the batch losses during the epoch,
which trails the test loss and both accuracies by a whole epoch of updates."""
from types import SimpleNamespace

import numpy as np

import dlsim
from dlsim.tui.views import views
from dlsim.tui.views.mlp import MLPView
from dlsim.tui.widgets.curves import Curves
from dlsim.tui.widgets.panel import UiState


def trained(epochs, **options):
    sim = dlsim.make("mlp", seed=2, dataset="xor", hidden=(4,), samples=32, test=8, lr=0.5, **options)
    sim.train(epochs=epochs)
    return sim


def test_the_train_loss_curve_plots_history_train_loss():
    sim = trained(12)
    curves = Curves(None, MLPView.charts)
    series = curves.series(sim.history)
    (train_key, train_label), (test_key, _) = MLPView.charts[0].series
    assert MLPView.charts[0].title == "loss" and train_label == "train"
    epochs, values = series[train_key]
    assert list(epochs) == [h["epoch"] for h in sim.history] == list(range(1, 13))
    assert list(values) == [h["train_loss"] for h in sim.history]
    # measured at the same moment as the test loss: after the epoch's updates
    assert list(series[test_key][1]) == [h["test_loss"] for h in sim.history]
    # and not the running mean, which lags: at epoch e it is the loss before epoch e's update
    assert not np.allclose(values, [h["loss"] for h in sim.history])
    assert [h["loss"] for h in sim.history[1:]] == [h["train_loss"] for h in sim.history[:-1]]   # full batch


def test_the_chart_heading_shows_the_last_train_loss():
    sim = trained(5)
    curves = Curves(None, MLPView.charts)
    rows = curves.rows(SimpleNamespace(extras={}, history=sim.history, unit=("epoch", "ep")), UiState(), 60, 12)
    heading = "".join(text for text, _ in rows[0])
    last = f"{sim.history[-1]['train_loss']:.3f}"
    assert heading.startswith("loss") and f"train {last}" in heading


def test_no_view_charts_the_running_mean_as_a_loss():
    for view in views().values():
        for chart in view.charts:
            assert "loss" not in [key for key, _ in chart.series], (view.name, chart.title)


def test_a_long_curve_keeps_each_columns_lowest_and_highest_point():
    """Thinning 20,000 epochs to 200 dot columns keeps what a sort by (column, value) would keep, so a
    spike stays visible; a flat stretch keeps one point a column, a column of NaN its first."""
    import numpy as np
    from dlsim.tui.widgets.curves import _extremes
    rng = np.random.default_rng(0)
    y = rng.normal(size=20_000)
    cols = np.arange(20_000) * 200 // 20_000
    order = np.lexsort((y, cols))
    edge = cols[order][1:] != cols[order][:-1]
    expected = np.unique(np.concatenate([order[np.r_[True, edge]], order[np.r_[edge, True]]]))
    assert np.array_equal(_extremes(cols, y), expected)
    flat = np.ones(20_000)
    flat[:150] = np.nan
    assert list(_extremes(cols, flat)[:3]) == [0, 150, 200] and len(_extremes(cols, flat)) == 200
