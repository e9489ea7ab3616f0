"""Scripted lessons: files in lessons/ parsed into validated Lesson objects, played by a Player.

    from dlsim.lesson import load, Player
    player = Player(load("perceptron-and"))
    view = player.start()
"""
from dlsim.lesson.document import Checkpoint, Lesson, LessonError, Problem, Step
from dlsim.lesson.library import catalog, check, find, load, names
from dlsim.lesson.player import Player
from dlsim.lesson.step_view import Grade, Outcome, StepView
from dlsim.lesson.progress import Progress

__all__ = ["Checkpoint", "Grade", "Lesson", "LessonError", "Outcome", "Player", "Problem",
           "Progress", "Step", "StepView", "catalog", "check", "find", "load", "names"]
