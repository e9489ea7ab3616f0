"""How far back a lesson's @back can go, known without running the lesson.

The network's history starts where it was built (the lesson's start, a @reset, a @set that
rebuilds it): a @back past that point fails when the lesson plays, so `lesson check` reports it.
Only what is certain is counted: a step at a coarser level or a @run crosses an unknown number of
units of a finer level, and after one of them nothing is reported.
"""
from dlsim.protocol.events import LEVELS


class Moves:
    def __init__(self, problem):
        self.problem = problem           # problem(line, message)
        self.clear()

    def clear(self) -> None:
        self.counts = dict.fromkeys(LEVELS, 0)   # whole steps forward at each level, net of @back
        self.unknown = False                     # a @run was made: how far is not known here

    def follow(self, action) -> None:
        kind, a = action.kind, action.args
        if kind == "reset":
            self.clear()
        elif kind == "run":
            self.unknown = True
        elif kind == "step":
            self.counts[a["level"]] += a["count"]
        elif kind == "back":
            self.back(action.line, a["count"], a["level"])

    def back(self, line: int, count: int, level: str) -> None:
        rank = LEVELS.index(level)
        if self.unknown or any(self.counts[lv] for lv in LEVELS[rank + 1:]):
            return
        finer = any(self.counts[lv] for lv in LEVELS[:rank])   # a part-way unit: back to its start
        room = self.counts[level] + finer
        if count > room:
            self.problem(line, f"@back {count} {level} goes back past the start: only {room} "
                               f"{level}{'s' * (room != 1)} stepped since the network was built "
                               f"(the lesson's start, a @reset or a rebuilding @set)")
        self.counts[level] = max(self.counts[level] + finer - count, 0)
        for lv in LEVELS[:rank]:
            self.counts[lv] = 0
