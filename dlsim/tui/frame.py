"""One picture of a simulation, as the widgets draw it.

Built on whichever thread owns the simulation at the moment (the UI thread when paused, the run
worker while running) and then only read: widgets never touch arrays a worker may be writing.
"""
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dlsim.protocol.events import Event, Level
from dlsim.tui.changes import Changes, Layout


@dataclass(frozen=True)
class Frame:
    name: str                              # network
    config: dict[str, Any]                 # its options
    position: int                          # events consumed
    epoch: int
    steps: int                             # optimizer steps
    level: Level                           # the stepping level
    last: Event | None                     # the event just consumed
    trace: dict                            # (op, path) -> Event, for the sample in progress
    params: dict[str, np.ndarray]          # copies
    grads: dict[str, np.ndarray] | None    # current accumulated gradients (copies), if any
    optimizer_state: dict[str, dict[str, np.ndarray]]   # symbol → name → what the optimizer remembers (copies)
    history: list[dict]                    # per-epoch metrics (a shallow copy)
    layout: Layout
    changes: Changes
    diverged: str | None = None
    running: bool = False
    extras: dict[str, Any] = field(default_factory=dict)   # what a network's view adds
    summary: tuple[str, ...] = ()          # what the last coarse step did (tui/summary.py)
    summary_level: Level | None = None     # … the level of that step (None: a run, no step of a level)
    unit: tuple[str, str] = ("epoch", "ep")  # what the network calls an epoch, and its abbreviation

    @property
    def phase(self) -> str:
        return self.last.phase if self.last is not None else "ready"
