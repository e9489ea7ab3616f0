"""What each lesson step changed, for the weights inspector's "last:" line.

The player reaches a step either by opening it (n) or by replaying the lesson from its start (p, a
lesson resumed, s after exploring, n after exploring), and a replay rebuilds the network, which
starts the session's change record over. Recording each of a step's actions as the player runs it,
replayed or not, leaves the record as pressing n through those steps would: each weight's last
change is the one the last action that changed it made, told as that action made it (a @run over
the run, a @param by hand, a @back rewound, a @step at its step).
"""
import numpy as np

from dlsim.lesson.document import Action
from dlsim.lesson.player import Player
from dlsim.tui.changes import EDITED, RUN, STEP, Changes
from dlsim.tui.session import Session

HOW = {"run": RUN, "param": EDITED}   # any other action that moves weights steps them


class StepChanges:
    def __init__(self, session: Session):
        self.session = session
        self._before: tuple[np.ndarray, Changes] | None = None

    def follow(self, player: Player) -> None:
        player.on_acting.append(self.acting)
        player.on_acted.append(self.acted)

    def acting(self, action: Action) -> None:
        self._before = (self.session.flat(), self.session.changes)

    def acted(self, action: Action) -> None:
        before, seen = self._before
        session = self.session
        after, changes, model = session.flat(), session.changes, session.model
        if changes is not seen:       # the action rebuilt the network (@reset, an option that
            before = session.built    # rebuilds): its changes start from the new build
        if action.kind == "back":
            changes.rewound(before, after)
        else:
            how = HOW.get(action.kind, STEP)
            changes.observe(before, after, model.steps, how, model.epoch if how == RUN else 0)
