"""What only playing a lesson can find: a placeholder empty at the point it is shown.

The static check (validate.py) knows the names a network has, not which of them hold a value at a
given step: `{fprime}` exists in the MLP's events but is None where cross-entropy meets a sigmoid,
and would show "–". So `lesson check` plays the lesson through, headless and quiet, as the learner
would, and reports every such placeholder at its line (and whatever else ends the play).
"""
from dlsim.lesson.document import Lesson, LessonError, Problem


def rehearse(lesson: Lesson) -> list[Problem]:
    """The problems found by playing `lesson` (already valid) from its first step to its last."""
    from dlsim.lesson.player import Player
    found: list[Problem] = []
    try:
        player = Player(lesson, problems=found)
        view = player.start()
        while view is not None:
            view = player.next()
    except LessonError as error:
        found += error.problems
    return sorted(dict.fromkeys(found), key=lambda p: p.line)
