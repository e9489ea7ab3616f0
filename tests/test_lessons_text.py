"""Lesson text that agrees with what the simulation shows: a sentence that a step's numbers
contradict is a wrong lesson, as a wrong number is."""
import numpy as np

from dlsim.lesson import Player, load
from dlsim.lesson.text import fmt


def _last(player):
    return player.goto(len(player.lesson.steps) - 1)


def _words(text: str) -> str:
    """The narration as one line (it is wrapped where a placeholder's width puts it)."""
    return " ".join(text.split())


def test_cnn_edges_says_kernel_3_fires_only_on_a_bar_above_the_two_bottom_rows():
    """It ended "kernel 1 and 3 along a horizontal bar" after its step 6 showed kernel 3 finding
    nothing on the bar it followed (the bar lay on the image's bottom border)."""
    player = Player(load("cnn-edges"))
    player.goto(5)
    model = player.sim.model
    followed = player.sim.inspect()["sample"]
    assert not (model.fresh_maps(followed, 0)[0]["a"][3] > 0).any()     # nothing, anywhere
    top = {s: int(np.nonzero(model.X[s, 0].max(axis=1))[0][0])      # the row a horizontal bar starts
           for s in range(len(model.X)) if model.data.y[s] == 0}
    fires = {s: bool((model.fresh_maps(s, 0)[0]["a"][3] > 0).any()) for s in top}
    size = model.X.shape[-1]
    assert top[followed] >= size - 2                                      # in the two bottom rows
    assert fires == {s: row < size - 2 for s, row in top.items()}         # kernel 3: a bar above them
    assert any(fires.values())
    text = _words(_last(player).text)
    assert "kernel 1 and 3 along a horizontal bar" not in text
    assert "kernel 3 along its bottom edge, when the bar lies above the image's two bottom rows" in text
    assert "not in the image we followed" in text


def test_som_colours_says_the_topographic_error_rose_as_it_did():
    """It said the map "stays ordered" while its topographic error rose 0.085 → 0.245."""
    player = Player(load("som-colours"))
    text = _words(_last(player).text)
    errors = [entry["topographic_error"] for entry in player.sim.history]
    assert errors[-1] > errors[0]
    assert "stays ordered" not in text
    assert f"the topographic error went up, to {fmt(errors[-1])}" in text


def test_the_learning_rate_lesson_names_the_lesson_it_promises():
    text = _words(_last(Player(load("mlp-learning-rate"))).text)
    assert "a later lesson" not in text and "mlp-optimizers" in text
    assert load("mlp-optimizers").steps


def test_the_optimizer_lesson_compares_all_three_on_one_target():
    """SGD, momentum and Adam from one start to one loss: each step count is the simulation's own,
    and the order the last step states (Adam first, SGD last) is the order they got there."""
    player = Player(load("mlp-optimizers"))
    epochs = {}
    for i, name in ((2, "sgd"), (7, "momentum"), (10, "adam")):
        view = player.goto(i)
        assert player.sim.config["optimizer"] == name
        assert player.sim.history[-1]["train_loss"] < 0.1 <= player.sim.history[-2]["train_loss"]
        epochs[name] = player.sim.epoch
        assert f"below 0.1 after {epochs[name]} steps" in _words(view.text)
    assert epochs["adam"] < epochs["momentum"] < epochs["sgd"]
    last = _words(_last(player).text)
    assert "Adam, taking" in last and "got there first" in last


def test_adams_first_step_is_written_out_and_moves_every_weight_by_lr():
    """Adam's update line said only "w ← old → new": the lesson's claim that every weight moves by lr
    on the first step is read off the written-out step, lr·m̂/(√v̂ + ε) with m̂/(√v̂ + ε) = ±1."""
    player = Player(load("mlp-optimizers"))
    view = player.goto(8)
    assert player.sim.config["optimizer"] == "adam"
    lines = [line for line in view.text.splitlines() if "adam (t=1)" in line]
    assert len(lines) == player.sim.model.theta.size == 9
    assert all("lr·m̂/(√v̂ + ε) = " in line and ("− 0.300·1.000 = " in line or "− 0.300·(−1.000) = " in line)
               for line in lines)
