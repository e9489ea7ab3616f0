"""`@sweep` in a lesson: a fresh network per value, read through swept() and first_swept(), a
which-value prediction whose choices are the sweep's values; the lesson's own network untouched,
the runs the same on every replay, and every mistake named by `lesson check` at its line."""
import textwrap

import numpy as np
import pytest

import dlsim
from dlsim.lesson.library import check
from dlsim.lesson.player import Player

HEAD = """\
---
title: t
network: mlp
dataset: xor4
options: hidden=2 activation=tanh loss=bce optimizer=sgd
---

Intro.
"""


def problems(tmp_path, body: str) -> list[str]:
    path = tmp_path / "lesson.md"
    path.write_text(HEAD + textwrap.dedent(body))
    _, found = check(path)
    return [f"{p.line}: {p.message}" for p in found]


def played(tmp_path, body: str) -> Player:
    path = tmp_path / "lesson.md"
    path.write_text(HEAD + textwrap.dedent(body))
    lesson, found = check(path)
    assert not found, found
    return Player(lesson)


def test_each_run_is_the_run_a_learner_would_make_by_hand(tmp_path):
    player = played(tmp_path, """
        @predict first_swept(diverged) = 30

        ## runs

        @sweep lr=1,30 epochs=40

        {swept(train_loss, 1)} {swept(diverged, 30)}
        """)
    before = {k: v.copy() for k, v in player.sim.model.params.items()}
    player.start()
    view = player.next()
    assert all(o.ok for o in view.outcomes), view.outcomes
    for lr in (1.0, 30.0):
        alone = dlsim.make("mlp", dataset="xor4", hidden=(2,), activation="tanh", loss="bce",
                           optimizer="sgd", lr=lr).train(epochs=40)
        assert player.scope().value(_q(f"swept(train_loss, {lr:g})")) == alone["train_loss"]
        assert player.scope().value(_q(f"swept(diverged, {lr:g})")) == alone["diverged"]
    assert all(np.array_equal(before[k], v) for k, v in player.sim.model.params.items())   # untouched
    assert view.checkpoint is None and player.view.outcomes[0].kind == "predict"


def _q(text):
    from dlsim.lesson.quantities import parse_quantity
    return parse_quantity(text)


def test_the_which_choices_are_the_next_sweeps_values_and_none(tmp_path):
    player = played(tmp_path, """
        @predict first_swept(diverged) = none

        ## runs

        @sweep lr=0.3,1 epochs=20
        """)
    view = player.start()
    assert view.checkpoint.choices == ("0.3", "1", "none")
    assert "which is the first" in view.question
    assert player.next().outcomes[0].ok


def test_each_runs_curve_is_kept_for_the_screen_until_the_lesson_runs_its_own_network(tmp_path):
    """The app draws a sweep from its runs' own histories (Swept.shown), from the @sweep's step until
    a later step trains the lesson's network, which is then what there is to look at."""
    player = played(tmp_path, """
        ## runs

        @sweep lr=1,30 epochs=40

        ## read them

        Still the sweep.

        ## train

        @run epochs=3
        """)
    player.start()
    assert player.sweep is None
    player.next()
    shown = player.sweep.shown()
    assert [word for word, _, _ in shown] == ["1", "30"]
    for word, summary, history in shown:
        alone = dlsim.make("mlp", dataset="xor4", hidden=(2,), activation="tanh", loss="bce",
                           optimizer="sgd", lr=float(word))
        alone.train(epochs=40)
        assert [e["train_loss"] for e in history] == [e["train_loss"] for e in alone.history]
        assert history[-1]["train_loss"] == summary["train_loss"]
    assert player.next() is not None and player.sweep is not None    # a step without actions: still it
    assert player.next() is not None and player.sweep is None        # the lesson's own run
    assert player.goto(1) is not None and player.sweep is not None   # replayed to the sweep's step
    assert player.goto(0) is not None and player.sweep is None


def test_stepping_back_and_on_gives_the_same_runs(tmp_path):
    player = played(tmp_path, """
        ## runs

        @sweep lr=1,3 epochs=30

        {swept(train_loss, 3)}

        ## after

        More.
        """)
    player.start()
    first = player.next().text
    player.next()
    assert player.previous().text == first


@pytest.mark.parametrize("body, said", [
    ("@sweep lr=1,3\n", "needs epochs=N"),
    ("@sweep lr=1 epochs=5\n", "two values or more"),
    ("@sweep lr=1,1 epochs=5\n", "listed twice"),
    ("@sweep lr=0.1,0.10,1 epochs=5\n", "0.1 and 0.10 are the same value"),   # one run: runs and words paired wrong
    ("@sweep lr=1,3 hidden=2,4 epochs=5\n", "varies one option"),
    ("@sweep lrr=1,3 epochs=5\n", "not an option of mlp (did you mean 'lr'?)"),
    ("@sweep lr=1,-3 epochs=5\n", "@sweep lr=-3"),
    ("@sweep lr=1,3 epochs=5\n\n{swept(train_loss, 10)}\n", "not 10"),
    ("@sweep lr=1,3 epochs=5\n\n{swept(train_los, 1)}\n", "did you mean 'train_loss'"),
    ("{swept(train_loss, 1)}\n", "none has run"),
    ("@sweep lr=1,3 epochs=5\n\n{first_swept(train_loss)}\n", "yes/no metric"),
    ("@predict first_swept(diverged) = 3\n\n## next\n\n@run epochs=1\n", "next step has none"),
    ("@predict first_swept(diverged) = 7\n\n## next\n\n@sweep lr=1,3 epochs=5\n", "not one of the next @sweep's values"),
])
def test_a_mistake_is_named_at_its_line(tmp_path, body, said):
    found = problems(tmp_path, body)
    assert any(said in p for p in found), found
