"""Each parameter's last change (old → new, and when), for the weight inspector.

Parameters are seen as one flat vector in the model's `params` order; `Layout` maps an element
(name, index) to its place in it.
"""
from dataclasses import dataclass

import numpy as np

NONE, STEP, RUN, REWOUND, EDITED = 0, 1, 2, 3, 4


class Layout:
    def __init__(self, params: dict[str, np.ndarray]):
        self.offsets: dict[str, tuple[int, tuple]] = {}
        start = 0
        for name, value in params.items():
            self.offsets[name] = (start, value.shape)
            start += value.size
        self.size = start

    def flat(self, params: dict[str, np.ndarray]) -> np.ndarray:
        if not params:
            return np.zeros(0)
        return np.concatenate([np.asarray(v, np.float64).ravel() for v in params.values()])

    def index(self, name: str, index: tuple) -> int:
        start, shape = self.offsets[name]
        return start + int(np.ravel_multi_index(index, shape))


@dataclass
class Change:
    old: float
    new: float
    step: int     # optimizer steps done when it changed
    how: int      # NONE, STEP, RUN, REWOUND or EDITED
    until: int    # for RUN: the epoch the run reached

    def describe(self, unit: str = "epoch") -> str:
        """The change in a line; `unit`: what the network calls an epoch (its model's epoch_word)."""
        from dlsim.protocol.numbers import count, num
        if self.how == NONE:
            return "not changed yet"
        if self.how == REWOUND:
            return "rewound past its last change"
        arrow = f"{num(self.old, 6)} → {num(self.new, 6)}"
        if self.how == RUN:
            return f"{arrow} over the run to {unit} {count(self.until)}"
        if self.how == EDITED:
            return f"{arrow} edited by hand"
        return f"{arrow} at step {count(self.step)}"


class Changes:
    def __init__(self, size: int):
        self.old = np.full(size, np.nan)
        self.new = np.full(size, np.nan)
        self.step = np.zeros(size, np.int64)
        self.how = np.zeros(size, np.int8)
        self.until = np.zeros(size, np.int64)

    def observe(self, before: np.ndarray, after: np.ndarray, step: int, how: int = STEP,
                until: int = 0) -> None:
        changed = ~((before == after) | (np.isnan(before) & np.isnan(after)))
        if not changed.any():
            return
        self.old[changed] = before[changed]
        self.new[changed] = after[changed]
        self.step[changed] = step
        self.how[changed] = how
        self.until[changed] = until

    def rewound(self, before: np.ndarray, after: np.ndarray) -> None:
        """A rewind changed some values back: their recorded change is no longer the last one."""
        changed = ~((before == after) | (np.isnan(before) & np.isnan(after)))
        self.how[changed] = REWOUND

    def at(self, k: int) -> Change:
        return Change(float(self.old[k]), float(self.new[k]), int(self.step[k]), int(self.how[k]),
                      int(self.until[k]))

    def copy(self) -> "Changes":
        other = Changes(0)
        other.old, other.new, other.step = self.old.copy(), self.new.copy(), self.step.copy()
        other.how, other.until = self.how.copy(), self.until.copy()
        return other
