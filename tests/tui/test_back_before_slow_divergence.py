"""A slow divergence (the outputs saturated, the loss oscillated, the weights grew) is told epochs
after its trouble began: ← then goes to before the epoch the watchdog says it began in, and the
warning says so; two epochs back from the verdict would still stand inside the bad stretch."""
import re

import numpy as np
import pytest

import dlsim
from dlsim.sim.watchdog import Watchdog
from dlsim.tui.session import Session


def saturated(s: Session, full_speed: bool) -> None:
    for _ in range(100):
        if full_speed:
            s.run_chunk()
        else:
            s.step("epoch")
        if s.diverged:
            return
    raise AssertionError("training did not diverge")


@pytest.mark.parametrize("full_speed", [False, True], ids=["by epoch", "full speed"])
def test_back_after_saturation_goes_to_before_it_began(full_speed):
    s = Session(dlsim.make("mlp", loss="mse", lr=1000))
    saturated(s, full_speed)
    broke = s.model.epoch
    since = int(re.search(r"has stayed at (\S+) since epoch (\d+)", s.diverged).group(2))
    held = s.sim.history[-1]["train_loss"]
    assert since < broke - 2                  # it began several epochs before it was told
    assert (f"Press ← to go back to the end of epoch {since - 2}, before it began (the updates of "
            f"epochs {since - 1} to {broke}), then lower the learning rate (l).") in s.diverged
    s.back()
    assert (s.model.epoch, s.sim.at_epoch_boundary(), s.diverged) == (since - 2, True, None)
    # the epoch line there shows a loss that had not yet stuck at the saturated one
    assert s.sim.history[-1]["train_loss"] != held


def test_the_watchdog_says_when_the_swings_began():
    learning = [{"epoch": e, "loss": 1.0 - 0.1 * e} for e in range(1, 6)]           # 0.9 … 0.5
    swings = [{"epoch": e, "loss": 0.9 if e % 2 else 0.4} for e in range(6, 30)]
    dog, history = Watchdog(), learning + swings
    found = dog.history(history)
    assert found is not None and "oscillated" in found[1]
    assert history[found[0]]["epoch"] >= 16 and 5 <= dog.began <= 6   # the loss first swung at epoch 6


def test_the_watchdog_says_when_the_loss_last_went_down_before_the_weights_grew():
    dog = Watchdog(start=np.ones(4))
    history = [{"epoch": 1, "loss": 0.5}, {"epoch": 2, "loss": 0.4}, {"epoch": 3, "loss": 0.45},
               {"epoch": 4, "loss": 0.5}, {"epoch": 5, "loss": 0.5}]
    found = dog.history(history, flat=np.full(4, 50.0))
    assert found is not None and "weights grew" in found[1] and dog.began == 3


def test_a_first_sign_keeps_going_back_two_epochs():
    dog = Watchdog()
    found = dog.history([{"epoch": 1, "loss": 0.5}, {"epoch": 2, "loss": 0.4}, {"epoch": 3, "loss": 40.0}])
    assert found is not None and "exploded" in found[1] and dog.began is None
