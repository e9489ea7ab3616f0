"""Lessons in the app: walking one through Pilot (a checkpoint answered right, one wrong), leaving
the script and coming back, previous step restoring the state exactly, progress kept between
sessions, the home screen's lesson list, and launch's errors."""
import json

import numpy as np
import pytest
from textual.widgets import Markdown

from dlsim.errors import UserError
from dlsim.lesson import names
from dlsim.tui import launch as launch_module
from dlsim.tui.app import DlsimApp
from dlsim.tui.lesson_session import open_lesson
from dlsim.tui.screens.home import HomeScreen
from dlsim.tui.screens.lesson import LessonScreen
from dlsim.tui.widgets.math_panel import MathPanel

from .conftest import settle, text_of, until


def lesson_app(name: str = "perceptron-and", at: int | None = None) -> DlsimApp:
    opened = open_lesson(name)
    if at is not None:
        opened[0].goto(at)
    return DlsimApp(prewarm=False, lesson=opened)


def shown(app) -> str:
    """The narration's words as on screen: head, text, outcomes, question, verdict, hint."""
    screen = app.screen
    parts = [str(w.render()) for w in screen.query("#lesson-head, #lesson-outcomes, #cp-question, "
                                                    "#cp-verdict, #lesson-hint")]
    return screen.query_one(Markdown).source + "\n" + "\n".join(parts)


def state(player):
    sim = player.sim
    return sim.position, tuple(v.tobytes() for v in sim.model.params.values())


async def test_walk_a_lesson_answering_one_right_and_one_wrong(data_dir):
    app = lesson_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen, player = app.screen, app.screen.player
        assert isinstance(screen, LessonScreen) and "1/10" in shown(app)
        await pilot.press("n")
        await settle(pilot)
        assert player.index == 1 and screen.waiting and "Answer to go on" in shown(app)
        await pilot.press("n")                            # held until answered
        assert player.index == 1 and "answer the question first" in text_of(screen.query_one(MathPanel))
        await pilot.press("a")                            # positive: wrong
        assert not screen.waiting and "Not quite" in shown(app) and "you said positive" in shown(app)
        assert "y − ŷ is 0 − 1" in shown(app)            # the lesson's because, numbers filled
        await pilot.press("n")
        await settle(pilot)
        assert player.index == 2 and "It was negative" in shown(app)
        at_step_3 = state(player)
        await pilot.press("b")                            # down: right
        assert "✓ Right: down" in shown(app)
        await pilot.press("pagedown")                     # nothing left to read: the next step
        await settle(pilot)
        assert player.index == 3 and "look at b" in shown(app)
        assert screen.simview.ui.selected == ("b", (0,))      # the highlighted weight is selected
        await pilot.press("p")
        await settle(pilot)
        assert player.index == 2 and state(player) == at_step_3
        assert "✓ Right: down" in shown(app)              # the answer given is remembered
    answers = json.loads((data_dir / "progress.json").read_text())["lessons"]["perceptron-and"]["answers"]
    assert answers == {"1": {"choice": "positive", "correct": False}, "2": {"choice": "down", "correct": True}}


async def test_leave_the_script_explore_and_return():
    app = lesson_app(at=3)
    async with app.run_test(size=(120, 40)) as pilot:
        screen, player = app.screen, app.screen.player
        before = state(player)
        await pilot.press("right", "right", "3", "right")
        assert await until(pilot, lambda: screen.explored)
        assert "Exploring: s returns to the script" in shown(app)
        assert state(player) != before
        await pilot.press("s")
        await settle(pilot)
        assert not screen.explored and state(player) == before
        assert "n next step" in shown(app)
        await pilot.press("right", "n")                    # next goes on from the script
        await settle(pilot)
        assert player.index == 4 and not player.moved() and not screen.explored


async def test_number_keys_answer_only_while_the_question_has_focus():
    app = lesson_app(at=1)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await pilot.press("3")                             # unfocused: the level, as ever
        assert screen.session.level.name == "SAMPLE" and screen.waiting
        screen.narration.checkpoint.buttons[0].focus()
        await pilot.press("2")                             # focused: choice 2, negative
        assert not screen.waiting and "✓ Right: negative" in shown(app)
        assert screen.session.level.name == "SAMPLE"


async def test_a_choice_can_be_clicked():
    app = lesson_app(at=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        button = app.screen.narration.checkpoint.buttons[2]
        assert await pilot.click(button)
        assert "you said zero" in shown(app)


async def test_progress_is_kept_and_the_lesson_resumes_where_it_was_left(data_dir):
    app = lesson_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n", "b", "n")
        await settle(pilot)
    player, _, note = open_lesson("perceptron-and")
    assert player.index == 2 and "resumed at step 3/10" in note
    app = DlsimApp(prewarm=False, lesson=(player, _, note))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("p")
        await settle(pilot)
        assert "✓ Right: negative" in shown(app)           # the saved answer, from the file


async def test_last_step_says_complete_with_the_score_and_a_finished_lesson_starts_over():
    app = lesson_app(at=len(open_lesson("perceptron-and")[0]) - 1)
    async with app.run_test(size=(120, 40)) as pilot:
        assert "Lesson complete: 0 of 5 answers right" in shown(app)
        await pilot.press("n")
        assert "lesson is complete" in text_of(app.screen.query_one(MathPanel))
    player, _, note = open_lesson("perceptron-and")
    assert player.index == 0 and "from the start" in note


async def test_next_while_running_stops_the_run_first():
    app = lesson_app(at=3)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await pilot.press("f")
        await pilot.press("n")
        assert await until(pilot, lambda: screen.player.index == 4 and screen.simview.runner is None, 10)
        await settle(pilot)
        assert not screen.player.moved()


@pytest.mark.parametrize("name", names())
async def test_every_lesson_plays_to_its_end_in_the_app(name):
    app = lesson_app(name)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        while not screen.player.finished:       # the actions behind a and n, without key delays
            if screen.waiting:
                screen.action_choose(0)
            screen.action_next_step()
            await pilot.pause()
        await settle(pilot)
        assert "Lesson complete" in shown(app) and "✗" not in str(screen.query_one("#lesson-outcomes").render())


async def test_home_lists_lessons_with_progress_and_opens_one():
    open_lesson("perceptron-xor")[0].goto(2)               # progress: step 3/9
    app = DlsimApp(prewarm=False)
    async with app.run_test(size=(80, 24)) as pilot:
        lessons = app.screen.query_one("#lessons")
        assert [o.id for o in lessons.options][:3] == ["perceptron-threshold", "perceptron-and",
                                                        "perceptron-xor"]
        await pilot.press("tab", "down", "down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, LessonScreen) and app.screen.player.lesson.name == "perceptron-xor"
        assert app.screen.player.index == 2
        await pilot.press("n", "escape")
        assert isinstance(app.screen, HomeScreen)
        row = lessons.get_option("perceptron-xor").prompt
        assert "step 4/9" in str(row.columns[3]._cells[0])


def test_launch_refuses_a_bad_lesson_before_any_screen(monkeypatch):
    monkeypatch.setattr(DlsimApp, "run", lambda self: pytest.fail("the app must not start"))
    with pytest.raises(UserError, match="unknown lesson 'perceptron-nad'.*perceptron-and"):
        launch_module.launch(lesson="perceptron-nad")


def test_launch_opens_the_lesson_screen(monkeypatch):
    started = {}
    monkeypatch.setattr(DlsimApp, "run", lambda self: started.update(lesson=self.first_lesson))
    assert launch_module.launch(lesson="perceptron-and") == 0
    player = started["lesson"][0]
    assert player.lesson.name == "perceptron-and" and player.index == 0
    assert np.array_equal(player.sim.model.params["w"], np.zeros(2))


def footer_keys(screen) -> dict[str, str]:
    """What the footer shows: key display -> description."""
    return {b.binding.key_display or key: b.binding.description
            for key, b in screen.active_bindings.items() if b.binding.show}


async def test_an_open_question_holds_the_keys_that_would_show_its_answer():
    app = lesson_app(at=1)                                # "positive, negative or zero?"
    async with app.run_test(size=(120, 40)) as pilot:
        screen, player = app.screen, app.screen.player
        await settle(pilot)
        assert screen.waiting
        keys = footer_keys(screen)
        assert keys.get("a b c") == "answer" and "next" not in keys.values()
        assert "step" not in keys.values() and "play" not in keys.values()
        before = state(player)
        for key in ("space", "right", "n"):
            await pilot.press(key)
            await settle(pilot)
            assert state(player) == before and screen.simview.runner is None
            assert "answer the question first" in text_of(screen.query_one(MathPanel))
        await pilot.press("b")
        keys = footer_keys(screen)
        assert "answer" not in keys.values() and {"next", "step", "play"} <= set(keys.values())
        await pilot.press("right")                        # free again: explores the simulation
        await settle(pilot)
        assert state(player) != before


async def test_author_checks_are_not_shown_to_a_learner():
    app = lesson_app(at=8)                                # three @expect lines, and a @predict settled
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = shown(app)
        assert app.screen.player.view.outcomes and "It was yes" in text
        assert "✓" not in text and "✗" not in text and "==" not in text and "expectation" not in text


@pytest.mark.parametrize("size", [(120, 40), (160, 50)])
async def test_the_simulation_beside_a_lesson_keeps_the_columns_its_layout_needs(size):
    app = lesson_app("mlp-backprop", at=2)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.simview.size.width >= 80                  # as wide as the smallest simulation screen
        assert screen.simview.size.width + screen.narration.outer_size.width == size[0]


async def test_a_lesson_resumed_at_an_open_question_opens_waiting_for_the_answer():
    app = lesson_app(at=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.screen.waiting and "Answer to go on" in shown(app) and "n next" not in shown(app)


async def test_home_says_once_that_a_wrong_typed_progress_file_was_set_aside(data_dir, monkeypatch):
    from dlsim.lesson import progress
    monkeypatch.setattr(progress, "_told", set())
    data_dir.mkdir(parents=True)
    (data_dir / "progress.json").write_text('{"lessons": {"perceptron-and": {"step": "abc"}}}')
    app = DlsimApp(prewarm=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        notes = [n.message for n in app._notifications]
        assert len(notes) == 1 and "progress.json.bad" in notes[0]
        await pilot.press("tab", "down", "enter")            # a lesson, and home again: not said twice
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert sum("progress.json" in n.message for n in app._notifications) == 1
