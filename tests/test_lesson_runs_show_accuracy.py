"""Beside a lesson at 80×24 the CNN, RNN, LSTM, GAN, SOM and transformer views leave the curves out
unless the step highlights something that brings them in: cnn-edges said "the test accuracy is 1.000"
and transformer-scale "0.602 of the test sequences come out right" after a run with the accuracy
nowhere on the screen. A step of theirs that trains and quotes an accuracy highlights what shows it
(the metric: the curves; or a panel that writes it, as cnn-digits' confusion matrix page)."""
import pytest

from dlsim.lesson import load
from dlsim.lesson.library import names

NETWORKS = {"cnn", "rnn", "lstm", "gan", "som", "transformer"}
ACCURACIES = {"test_acc", "test_seq_acc", "train_acc"}   # (the GAN's d_acc: its data plot writes it)


def unshown(lesson) -> list[str]:
    """The steps of `lesson` that train, quote an accuracy and highlight nothing."""
    return [step.title for step in lesson.steps
            if any(a.kind == "run" for a in step.actions) and step.highlight is None
            and {q.name for _, q in step.refs} & ACCURACIES]


@pytest.mark.parametrize("name", [n for n in names() if load(n).network in NETWORKS])
def test_a_step_that_trains_and_quotes_an_accuracy_shows_it(name):
    assert unshown(load(name)) == []
