"""Going back a step (p), or reopening a lesson where it was left, replays the lesson from its start,
and that replay rebuilds the network: the weights inspector's last change then read "rewound past its
last change" or "not changed yet" where pressing n had shown the change the text quotes
(mlp-optimizers' Adam step: the output bias's old → new). The change record now follows the replay
step by step, so each weight's last change is the one the last step that changed it made, however
the step was reached."""
from dlsim.tui.app import DlsimApp
from dlsim.tui.lesson_session import open_lesson

from .conftest import opened_at, settle, text_of, until

ADAM_SECOND = 9   # "Adam: the second step", on layer[1].b[0]: "went on up: old → new"


def last_line(app) -> str:
    return next(line.strip() for line in text_of(app.screen.query_one("#weights")).splitlines()
                if "last:" in line or "changed" in line or "rewound" in line)


async def reach(pilot, index: int) -> None:
    assert await until(pilot, lambda: pilot.app.screen.player.index == index, timeout=30)
    await settle(pilot, 0.3)


async def test_back_and_resumed_the_inspector_shows_the_change_that_n_showed(data_dir):
    app = opened_at("mlp-optimizers", ADAM_SECOND - 1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.3)
        await pilot.press("a", "n")                       # answered, on to the step by n
        await reach(pilot, ADAM_SECOND)
        by_next = last_line(app)
        assert by_next.startswith("last: ") and "→" in by_next, by_next
        await pilot.press("a", "n")                       # one step on, and back
        await reach(pilot, ADAM_SECOND + 1)
        await pilot.press("p")
        await reach(pilot, ADAM_SECOND)
        assert last_line(app) == by_next
        await pilot.press("right")                        # explore (a step), then back to the script
        assert await until(pilot, lambda: app.screen.explored, timeout=10)
        await pilot.press("s")
        assert await until(pilot, lambda: not app.screen.explored, timeout=30)
        await settle(pilot, 0.3)
        assert last_line(app) == by_next
    player, session, note = open_lesson("mlp-optimizers")   # reopened: resumed where it was left
    assert player.index == ADAM_SECOND, note
    app = DlsimApp(prewarm=False, lesson=(player, session, note))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.3)
        assert last_line(app) == by_next


def test_a_lessons_param_is_an_edit_by_hand_however_the_step_is_reached(data_dir):
    """perceptron-threshold sets the bias with `@param b = -0.5`: the inspector said "at step 4", as
    if training had moved it; a @run's change is told over the run, a @step's at its step."""
    player, session, _ = open_lesson("perceptron-threshold")
    titles = [step.title for step in player.lesson.steps]
    player.goto(titles.index("The bias is a threshold"))       # replayed from the start
    bias = session.changes.at(session.layout.index("b", (0,))).describe()
    assert bias == "−1.500000 → −0.500000 edited by hand", bias
    player, session, _ = open_lesson("mlp-optimizers")
    player.goto(1)                                              # "@run epochs=30"
    ran = session.changes.at(session.layout.index("layer[1].b", (0,))).describe()
    assert ran.endswith("over the run to epoch 30"), ran
