"""The app's watch for divergence is the Simulator's for every network: a learning rate of 10⁶ is
told, at the epoch where it happened, with whose loss it was for a GAN."""
import pytest

import dlsim
from dlsim.protocol.numbers import count, num
from dlsim.tui.session import Session

HUGE = {"mlp": {"lr": 1e6}, "cnn": {"lr": 1e6}, "rnn": {"lr": 1e6}, "lstm": {"lr": 1e6},
        "gan": {"d_lr": 1e6, "g_lr": 1e6, "d_optimizer": "sgd", "g_optimizer": "sgd"}}


@pytest.mark.parametrize("name", sorted(HUGE))
def test_a_huge_learning_rate_pauses_the_app_and_says_why(name):
    s = Session(dlsim.make(name, **HUGE[name]))
    reason = None
    for _ in range(20):
        reason = s.run_chunk()
        if reason:
            break
    assert reason == "diverged"
    assert f"Training diverged at {s.model.epoch_word} " in s.diverged and "exploded" in s.diverged
    if name == "gan":
        assert "D's loss" in s.diverged or "G's loss" in s.diverged


def test_a_normal_run_in_the_app_is_not_flagged():
    s = Session(dlsim.make("cnn"))
    for _ in range(10):
        assert s.run_chunk() != "diverged"


@pytest.mark.parametrize("name", ["mlp", "cnn"])
def test_stepping_epoch_by_epoch_tells_the_epoch_whose_loss_exploded(name):
    """The warning comes with the epoch whose loss (the one its epoch line shows) exploded, and
    names that epoch and that loss: not one epoch later, when the next epoch's running loss starts
    from it."""
    s = Session(dlsim.make(name))
    for _ in range(3):
        s.step("epoch")
    s.set_option("lr", 1000)
    for _ in range(30):
        s.step("epoch")
        if s.diverged:
            break
    assert s.diverged
    entry = s.sim.history[-1]
    assert entry["epoch"] == s.model.epoch
    assert f"diverged at {s.model.epoch_word} {count(s.model.epoch)}," in s.diverged
    assert f" to {num(entry['train_loss'])} " in s.diverged
