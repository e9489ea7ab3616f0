"""mlp-learning-rate's saturated step says the giant steps pushed the hidden neurons' weighted sums
far out, and quoted the biases (−6.052, −12.473) that no panel showed at 80×24 (the math panel
holds the last event only, the second neuron's tanh). The step now writes the layer's arithmetic
for the corner (0, 0), where each weighted sum is its bias alone."""
from dlsim.lesson import Player, load
from dlsim.lesson.text import fmt


def test_the_saturated_step_shows_each_hidden_sum_it_quotes_as_arithmetic():
    player = Player(load("mlp-learning-rate"))
    view = player.goto(9)                                 # "lr = 30: saturated"
    biases = player.sim.model.params["layer[0].b"]
    sums = [line for line in view.text.splitlines() if line.strip().startswith("z = ")]
    assert len(sums) == len(biases)
    for line, b in zip(sums, biases):
        assert line.rstrip().endswith(f"= {fmt(float(b))}")   # z = w·0 + w·0 + b = b
