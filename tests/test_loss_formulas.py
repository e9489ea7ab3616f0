"""A sample's loss written out shows its target as the kernels used it: a class target as 0 or 1, a
regression target (the noise ε diffusion predicts, the autoencoder's own inputs) with its decimals.
The diffusion's ε = (−0.471, 0.810) was written `y = 0, 1`, beside a loss computed with ε."""
from dlsim.models import mlp_formulas, qlearn_formulas
from dlsim.protocol.events import Event


def loss_line(prediction, target, loss):
    event = Event("loss", "forward", "layer[2]", {"fn": "mse", "prediction": prediction, "target": target,
                                                   "loss": loss, "batch_loss": loss})
    return mlp_formulas.loss(event)


def test_a_regression_target_keeps_its_decimals():
    line = loss_line([0.101, 0.841], [-0.471, 0.810], 0.164)
    assert "y = −0.471, 0.810)" in line


def test_a_class_target_is_written_whole():
    assert "y = 0, 1)" in loss_line([0.2, 0.7], [0.0, 1.0], 0.065)


def test_an_exploiting_step_does_not_call_the_drawn_random_action_its_choice():
    def drawn(explore):
        values = {"step": 0, "u": 0.05 if explore else 0.177, "explore": explore, "epsilon": 0.1, "random_action": 2}
        return qlearn_formulas.draw(Event("draw", "act", "agent", values))
    exploit, explore = drawn(False), drawn(True)
    assert "exploit: the greedy action" in exploit and "not used" in exploit
    assert "explore: the random action, " in explore and "not used" not in explore


def test_a_q_learning_epoch_writes_its_episodes_whole():
    """'episodes 16.000' beside 'epoch 3 done': a count has no decimals, as every network writes it."""
    values = {"epoch": 3, "episodes": 16, "greedy_return": -13.0}
    line = qlearn_formulas.epoch(Event("epoch", "evaluate", "agent", values))
    assert "episodes 16" in line and "16.000" not in line
