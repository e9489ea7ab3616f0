"""The learning-rate prompt says what values are allowed, and suggests a rate that makes training
diverge only where the network allows it and can diverge: the SOM's prompt said "Try 50" and then
refused 50 (its rate stops at 1); a perceptron's rule only scales its weights."""
import dlsim
from dlsim.tui.screens.simulation import learning_rate_help


def test_the_som_prompt_names_its_range_and_suggests_nothing_it_refuses():
    said = learning_rate_help(dlsim.make("som", seed=0), "lr")
    assert "<= 1.0" in said and "Try 50" not in said


def test_the_mlp_prompt_still_suggests_watching_it_diverge():
    assert "Try 50 to see training diverge" in learning_rate_help(dlsim.make("mlp", seed=0), "lr")


def test_the_perceptron_prompt_does_not_promise_divergence():
    assert "diverge" not in learning_rate_help(dlsim.make("perceptron", seed=0), "lr")
