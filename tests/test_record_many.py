"""A run's epochs recorded together (Model.record_many, the perceptron's 300,000 epochs a second)
leave the history that recording them one at a time leaves: the same entries kept where the older
half is thinned, in order, the first epoch kept."""
import pytest

import dlsim
from dlsim.models.base import Model


@pytest.mark.parametrize("start, added", [(0, 150), (30, 7), (39, 1), (40, 41), (25, 400)])
def test_together_is_one_at_a_time(monkeypatch, start, added):
    monkeypatch.setattr(Model, "HISTORY_LIMIT", 40)
    one, many = (dlsim.make("perceptron", dataset="xor").model for _ in range(2))
    for model in (one, many):
        for epoch in range(1, start + 1):
            model.epoch = epoch
            model.record({"errors": epoch})
    for epoch in range(start + 1, start + added + 1):
        one.epoch = epoch
        one.record({"errors": epoch})
    many.record_many([{"epoch": e, "errors": e} for e in range(start + 1, start + added + 1)])
    assert many.history == one.history
    assert many.history[0]["epoch"] == 1 and many.history[-1]["epoch"] == start + added


def test_a_run_of_epochs_without_a_loss_is_watched_as_before():
    """The watchdog passes over entries that carry none of its losses (the perceptron's accuracies)
    without judging them, as it did judging each; a loss among them is still judged."""
    sim = dlsim.make("perceptron", dataset="xor")
    watch = sim.new_watchdog()
    watch.reset([])
    assert watch.history([{"epoch": e, "train_acc": 0.5, "errors": 2} for e in range(1, 1000)]) is None
    assert watch.began is None
    found = watch.history([{"epoch": 1000, "errors": 2}, {"epoch": 1001, "loss": float("nan")}])
    assert found is not None and found[0] == 1 and "NaN" in found[1]
