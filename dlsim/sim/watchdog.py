"""Notice when training diverges, and say how: NaN, overflow to ∞, or a loss that exploded.

A sigmoid output saturates before anything overflows, so a huge learning rate often shows up as a
loss that jumps far above where it started and stays there; that counts as diverging too.
"""
import math
from numbers import Real

import numpy as np

from dlsim.sim.events import Event
from dlsim.sim.formulas import num


def _bad(x) -> str | None:
    if isinstance(x, Real) and not isinstance(x, bool):
        x = float(x)
        if x != x:
            return "NaN"
        if math.isinf(x):
            return "∞" if x > 0 else "−∞"
    return None


class Watchdog:
    EXPLODE = 10.0   # a loss this many times the best so far …
    START = 2.0      # … and this many times the first one has exploded

    def __init__(self):
        self.first: float | None = None
        self.best = math.inf

    def reset(self, history: list[dict]) -> None:
        """Forget, then learn the first and best loss again from `history` (after a rewind)."""
        self.first, self.best = None, math.inf
        for entry in history:
            self._loss_problem(entry)

    def _loss_problem(self, entry: dict) -> str | None:
        loss = entry.get("loss")
        if loss is None:
            return None
        bad = _bad(loss)
        if bad:
            return "the loss became NaN" if bad == "NaN" else "the loss overflowed to ∞"
        if self.first is None:
            self.first = loss
        exploded = loss > self.EXPLODE * self.best and loss > self.START * self.first
        previous = self.best
        self.best = min(self.best, loss)
        if exploded:
            return (f"the loss exploded from {num(previous)} to {num(loss)} "
                    f"(×{loss / max(previous, 1e-300):.0f}): the neurons saturated")
        return None

    def history(self, entries: list[dict]) -> tuple[int, str] | None:
        """(index, what) of the first entry that diverged, else None."""
        for i, entry in enumerate(entries):
            problem = self._loss_problem(entry)
            if problem:
                return i, problem
        return None

    @staticmethod
    def params(flat: np.ndarray) -> str | None:
        if np.all(np.isfinite(flat)):
            return None
        if np.any(np.isnan(flat)):
            return "a weight became NaN"
        return "a weight overflowed to ∞"

    @staticmethod
    def event(event: Event | None) -> str | None:
        if event is None:
            return None
        for key, value in event.values.items():
            values = value if isinstance(value, tuple) else (value,)
            for x in values:
                bad = _bad(x)
                if bad:
                    return f"{key} = {bad} at {event.path}"
        return None
