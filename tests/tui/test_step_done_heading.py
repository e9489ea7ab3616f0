"""The math panel's heading after a coarse step names the level once: an RNN's time step is 'step
done', not 'step step done' (the DQN's 'env step done' likewise)."""
from dlsim.tui.widgets.math_panel import step_done


def test_a_level_called_a_step_is_not_called_a_step_twice():
    assert step_done("step") == "step done"
    assert step_done("env step") == "env step done"
    assert step_done("sample") == "sample step done"
    assert step_done("layer") == "layer step done"
