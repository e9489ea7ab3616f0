"""What each lesson step changed, for the weights inspector's "last:" line.

The player reaches a step either by opening it (n) or by replaying the lesson from its start (p, a
lesson resumed, s after exploring, n after exploring), and a replay rebuilds the network, which
starts the session's change record over. Recording each step as the player opens it, replayed or
not, leaves the record as pressing n through those steps would: each weight's last change is the
one the last step that changed it made.
"""
import numpy as np

from dlsim.lesson import Player, Step
from dlsim.tui.changes import RUN, STEP, Changes
from dlsim.tui.session import Session


class StepChanges:
    def __init__(self, session: Session):
        self.session = session
        self._before: tuple[np.ndarray, Changes] | None = None

    def follow(self, player: Player) -> None:
        player.on_opening.append(self.opening)
        player.on_opened.append(self.opened)

    def opening(self, step: Step) -> None:
        self._before = (self.session.flat(), self.session.changes)

    def opened(self, step: Step) -> None:
        before, seen = self._before
        session = self.session
        after, changes, model = session.flat(), session.changes, session.model
        if changes is not seen:       # the step rebuilt the network (@reset, an option that
            before = session.built    # rebuilds): its changes start from the new build
        if any(action.kind == "run" for action in step.actions):
            changes.observe(before, after, model.steps, RUN, model.epoch)
        else:
            changes.observe(before, after, model.steps, STEP)
