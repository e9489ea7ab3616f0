"""The help's row for the keys 1–5 names the level each key picks, and says so where two keys step
alike (the DQN's sample and batch are both one environment step with its update)."""
from types import SimpleNamespace

from dlsim.protocol.events import Level
from dlsim.tui.screens.help import level_keys
from dlsim.tui.views import view_for


def words_of(name):
    view = view_for(name)
    return SimpleNamespace(level_word=lambda level: view.level_words.get(level, level.name.lower()))


def test_two_keys_for_one_kind_of_step_are_named_once_with_both_keys():
    assert level_keys(words_of("dqn")) == "op, half, env step (3 or 4), epoch"


def test_five_levels_with_five_words_are_listed_as_they_are():
    assert level_keys(words_of("mlp")) == "op, layer, sample, batch, epoch"
    assert [words_of("dqn").level_word(level) for level in Level].count("env step") == 2
