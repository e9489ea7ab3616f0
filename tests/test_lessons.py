"""Every lesson in lessons/ plays headless and passes, and stepping back restores its exact state."""
import io
import re

import numpy as np
import pytest

from dlsim.lesson import Player, load
from dlsim.console.lesson_play import play
from dlsim.lesson.library import check, lesson_files
from dlsim.lesson.text import fmt
from dlsim.data_files import lessons_dir

LESSONS = [p.stem for p in lesson_files()]


def test_the_first_lessons_are_there():
    assert {"perceptron-threshold", "perceptron-and", "perceptron-xor", "mlp-xor", "mlp-backprop",
            "mlp-learning-rate", "mlp-spiral"} <= set(LESSONS)


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_plays_headless_and_every_check_holds(name):
    out = io.StringIO()
    assert play(load(name), out=out) == 0, out.getvalue()[-2000:]
    text = out.getvalue()
    assert "✗" not in text and "passed:" in text
    assert "{" not in text.replace("{{", "")    # every placeholder was filled


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_metadata_is_complete(name):
    lesson = load(name)
    assert lesson.title and lesson.summary
    assert 5 <= lesson.minutes <= 15
    assert lesson.steps and all(s.title for s in lesson.steps)


@pytest.mark.parametrize("name", ["perceptron-xor", "mlp-backprop", "mlp-learning-rate"])
def test_going_back_restores_each_step_exactly(name):
    player = Player(load(name))
    views, params = [], []
    view = player.start()
    while view is not None:
        views.append(view)
        params.append({k: v.copy() for k, v in player.sim.params.items()})
        view = player.next()
    for i in reversed(range(len(views) - 1)):
        view = player.previous()
        assert view.index == i
        assert (view.text, view.outcomes, view.question) == (views[i].text, views[i].outcomes,
                                                              views[i].question)
        for key, value in params[i].items():
            assert np.array_equal(player.sim.params[key], value)
    assert player.previous() is None


def test_the_readme_example_is_a_valid_lesson_that_passes(tmp_path):
    readme = (lessons_dir() / "README.md").read_text(encoding="utf-8")
    example = re.search(r"````markdown\n(.*?)````", readme, re.S).group(1)
    path = tmp_path / "example.md"
    path.write_text(example, encoding="utf-8")
    lesson, problems = check(path)
    assert problems == []
    assert play(lesson, out=io.StringIO()) == 0


def test_traced_and_untraced_playback_tell_the_same_story(tmp_path):
    """With a trace attached runs stream event by event; the narration's numbers must not change."""
    plain, traced = io.StringIO(), io.StringIO()
    play(load("mlp-learning-rate"), out=plain)
    play(load("mlp-learning-rate"), trace=str(tmp_path / "t.jsonl"), out=traced)

    def story(text):
        return [line for line in text.splitlines() if not line.startswith(("passed:", "trace:"))]
    assert story(plain.getvalue()) == story(traced.getvalue())


def test_lesson_text_shows_the_train_loss_the_curves_show():
    """'The loss jumped up to …' is the training set's loss after the epoch (history's train_loss,
    what the curves draw), not the running mean of the batch losses during it."""
    player = Player(load("mlp-learning-rate"))
    view = player.start()
    while "jumped up" not in view.text:
        view = player.next()
    last = player.sim.history[-1]
    assert fmt(last["train_loss"]) in view.text and fmt(last["loss"]) not in view.text



def test_the_lessons_are_listed_by_network_in_the_registrys_order_as_the_readme_shows(capsys):
    from pathlib import Path

    from dlsim.cli import main
    from dlsim.models import MODELS
    assert main(["lesson", "list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    networks = [line.split()[0].split("-")[0] for line in listed]
    ranks = [list(MODELS).index(n) for n in networks]
    assert ranks == sorted(ranks)
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert "$ dlsim lesson list\n" + "\n".join(listed) + "\n" in readme
