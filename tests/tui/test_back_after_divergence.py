"""After training diverged, ← takes the learner to before the updates that broke it, whatever level
they step by, for every network that can diverge, and the warning says where that is: the start of
training when it broke in the first epoch (one op back from the first epoch's end still stood after
its update, with the loss exploded), the end of epoch E−2 when it broke in epoch E."""
import numpy as np
import pytest

import dlsim
from dlsim.protocol.events import Level
from dlsim.protocol.numbers import count
from dlsim.tui.session import Session

HUGE = {"mlp": {"lr": 1e6}, "cnn": {"lr": 1e6}, "rnn": {"lr": 1e6}, "lstm": {"lr": 1e6},
        "gan": {"d_lr": 1e6, "g_lr": 1e6, "d_optimizer": "sgd", "g_optimizer": "sgd"}}


def diverge(s: Session, level="epoch", most=50) -> None:
    for _ in range(most):
        s.step(level)
        if s.diverged:
            return
    raise AssertionError("training did not diverge")


def weights(s: Session) -> dict[str, np.ndarray]:
    return {name: value.copy() for name, value in s.model.params.items()}


def same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


@pytest.mark.parametrize("name", sorted(HUGE))
def test_back_after_a_divergence_goes_to_the_start_at_every_level(name):
    s = Session(dlsim.make(name, **HUGE[name]))
    start = weights(s)
    word = s.model.epoch_word
    for level in Level:
        diverge(s)
        assert s.model.epoch <= 2            # a GAN's D blows up in its second iteration
        s.level = level
        s.back()
        assert s.diverged is None, level
        assert (s.model.epoch, s.model.steps) == (0, 0), f"← at {level.name} level stopped at {word} " \
            f"{s.model.epoch}, step {s.model.steps}"
        assert same(weights(s), start), level


@pytest.mark.parametrize("name", sorted(HUGE))
def test_the_warning_says_back_goes_to_the_start(name):
    s = Session(dlsim.make(name, **HUGE[name]))
    diverge(s)
    word, broke = s.model.epoch_word, s.model.epoch
    undone = f"{word} 1's updates" if broke == 1 else f"the updates of {word}s 1 and 2"
    assert s.diverged.startswith(f"Training diverged at {word} {broke}, ")
    lower = ("then lower the learning rates (l: d_lr, g_lr)." if name == "gan"
             else "then lower the learning rate (l).")   # l opens a form of the GAN's two rates
    assert s.diverged.endswith(f". Press ← to go back to the start of training, before {undone}, {lower}")


@pytest.mark.parametrize("level", ["op", "sample"])
def test_a_first_epoch_divergence_found_at_full_speed_goes_back_to_the_start(level):
    s = Session(dlsim.make("mlp", lr=1000))
    start = weights(s)
    for _ in range(20):
        if s.run_chunk():
            break
    assert s.model.epoch == 1 and s.diverged.startswith("Training diverged at epoch 1, ")
    assert s.diverged.endswith("Press ← to go back to the start of training, before epoch 1's updates, "
                               "then lower the learning rate (l).")
    s.level = Level[level.upper()]
    s.back()
    assert s.model.epoch == 0 and same(weights(s), start)
    s.set_option("lr", 0.3)             # and with a sane rate it learns from there
    for _ in range(5):
        assert s.run_chunk() != "diverged"


def test_stepping_on_after_the_warning_then_back_still_undoes_the_breaking_updates():
    s = Session(dlsim.make("mlp", lr=1000))
    start = weights(s)
    diverge(s)
    warned = s.diverged
    for _ in range(3):
        s.step("op")
    assert s.diverged == warned        # the first sign stays: what ← does is what it says
    s.back("op")
    assert s.model.epoch == 0 and same(weights(s), start)


def test_a_later_divergence_names_the_epoch_back_goes_to():
    s = Session(dlsim.make("mlp"))
    for _ in range(3):
        s.step("epoch")
    s.set_option("lr", 1000)
    diverge(s)
    broke = s.model.epoch
    assert f"Press ← to go back to the end of epoch {count(broke - 2)}, before the updates of epochs " \
           f"{count(broke - 1)} and {count(broke)}, then lower the learning rate (l)." in s.diverged
    s.level = Level.OP
    s.back()
    assert (s.model.epoch, s.sim.at_epoch_boundary(), s.diverged) == (broke - 2, True, None)
