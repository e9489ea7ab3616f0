"""The model says whether its task, as it is now, has classes (Model.has_classes): every view's
curves ask it (NetworkView.shown_charts), so a regression draws no accuracy chart, with no network
named in the shared view. Its word must match what it measures: an accuracy exactly where it has
classes."""
import pytest

import dlsim
from dlsim.tui.session import Session
from dlsim.tui.views import view_for

# (network, options): a regression and a task with classes of each network whose task may be either
TASKS = [
    ("rbf", {"dataset": "sine", "centres": 4, "samples": 12, "test": 4}, False),
    ("rbf", {"dataset": "xor", "centres": 4, "samples": 12, "test": 4}, True),
    ("rnn", {"dataset": "sine", "hidden": 3, "samples": 8, "test": 4, "length": 6, "batch": 4}, False),
    ("rnn", {"dataset": "adding", "hidden": 3, "samples": 8, "test": 4, "length": 6, "batch": 4}, False),
    ("lstm", {"dataset": "sine", "hidden": 3, "samples": 8, "test": 4, "length": 6, "batch": 4}, False),
    ("rnn", {"dataset": "parity", "hidden": 3, "samples": 8, "test": 4, "length": 6, "batch": 4}, True),
    ("mlp", {"dataset": "xor"}, True),
]


@pytest.mark.parametrize("net, options, classes", TASKS)
def test_the_accuracy_is_measured_and_drawn_exactly_where_the_task_has_classes(net, options, classes):
    sim = dlsim.make(net, seed=0, **options)
    assert sim.model.has_classes is classes
    measured = sim.model.evaluate()
    for metric in sim.model.metrics:
        if metric.classes and metric.key in measured:
            assert (measured[metric.key] is not None) is classes, metric.key
    view = view_for(net)(Session(sim))
    titles = [chart.title for chart in view.shown_charts()]
    assert ("accuracy" in titles) is classes
    assert "loss" in titles   # the loss is drawn either way
