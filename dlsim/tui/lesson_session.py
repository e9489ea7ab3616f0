"""A lesson opened for the app: its Player, and the Session the screen draws from the Player's
Simulator. The launcher calls this before the app starts, so a bad lesson is one line on the terminal.
"""
from dlsim.errors import UserError
from dlsim.lesson import Player, Progress, load
from dlsim.tui.session import Session
from dlsim.tui.step_changes import StepChanges
from dlsim.tui.views import view_for


def open_lesson(name_or_path: str) -> tuple[Player, Session, str]:
    """Load a lesson and open it where the learner left it: (player, session, a welcome note).

    Raises UserError (a LessonError for a malformed lesson) before any screen needs to exist.
    """
    lesson = load(name_or_path)
    if view_for(lesson.network) is None:
        raise UserError(f"lesson '{lesson.name}' uses '{lesson.network}', which has no app view yet; "
                        f"play it with 'dlsim lesson {name_or_path} --headless'")
    player = Player(lesson, progress=Progress())
    session = Session(player.sim)   # it follows the player's rebuilds itself (Simulator.on_build)
    StepChanges(session).follow(player)   # … and what each step changes, replayed or not
    saved = player.progress.get(lesson.name)
    note = ""
    if saved.get("completed") and int(saved.get("step", 0)) >= len(player) - 1:
        player.progress.clear_answers(lesson.name)                  # a fresh go at the questions
        player.start()
        note = "You finished this lesson before: here it is again from the start."
    elif int(saved.get("step", 0)) > 0:
        view = player.resume()
        note = f"Welcome back: resumed at step {view.index + 1}/{view.total}. p goes back a step."
    else:
        player.start()
    return player, session, note
