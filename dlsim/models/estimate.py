"""What a configuration will cost, worked out from its sizes before anything is allocated.

Every model answers `Model.estimate(config, data, history)` with an Estimate: the bytes it will
hold (by what holds them) and the time its training takes, on the compiled path and stepped one
event at a time. The Simulator refuses a configuration that does not fit in memory; `lesson check`
and headless runs say what a long request will cost. The rates are calibrated on the 2-core
development machine: an estimate is an order of magnitude, never a promise.
"""
from dataclasses import dataclass
from typing import Mapping

from dlsim.protocol.events import Level

FLOAT = 8              # bytes of a float64
EVENT_BYTES = 1024     # one stepped event with its values, measured with tracemalloc (600–1,000 B)


@dataclass(frozen=True)
class Work:
    """One part of an epoch's compiled time: what it is, its seconds, and which options shrink it."""
    what: str
    seconds: float
    shrink: str


@dataclass(frozen=True)
class Estimate:
    memory: Mapping[str, int]         # bytes, by what holds them
    per_epoch: Mapping[Level, float]  # units of each level in one epoch (OP: events, stepped)
    epoch_seconds: float              # one epoch on the compiled path
    event_seconds: float              # one event stepped op by op (the stepper's path)
    work: tuple[Work, ...] = ()       # the parts of epoch_seconds, by what drives them

    @classmethod
    def of(cls, memory, per_epoch, work: tuple[Work, ...], event_seconds: float) -> "Estimate":
        """An Estimate whose epoch takes the sum of its parts of work."""
        return cls(memory, per_epoch, sum(w.seconds for w in work), event_seconds, tuple(work))

    @property
    def bytes(self) -> int:
        return int(sum(self.memory.values()))

    def largest(self) -> str:
        """What holds the most memory, e.g. 'evaluation buffers, 64.0 GB'."""
        name = max(self.memory, key=self.memory.get)
        return f"{name}, {size(self.memory[name])}"

    def slowest(self) -> Work:
        """The part of an epoch's time that takes the longest (the whole epoch if not broken down)."""
        if not self.work:
            return Work("one epoch", self.epoch_seconds, "fewer samples or a smaller network")
        return max(self.work, key=lambda w: w.seconds)

    def epochs(self, count: float, level: Level) -> float:
        """How many epochs `count` units of `level` make."""
        return count / max(self.per_epoch[level], 1.0)

    def stepped(self, count: float, level: Level) -> float:
        """Seconds to step `count` units of `level` one event at a time."""
        return self.epochs(count, level) * self.per_epoch[Level.OP] * self.event_seconds

    def compiled(self, epochs: float) -> float:
        """Seconds to train `epochs` epochs on the compiled path."""
        return epochs * self.epoch_seconds


def history_bytes(snapshot: int, budget: int) -> int:
    """The rewind history: the stepper keeps snapshots up to its budget, never fewer than two,
    besides the one being taken."""
    return max(budget, 2 * snapshot) + snapshot


def size(n: float) -> str:
    """Bytes as a person reads them: 512 B, 3.4 MB, 19.3 GB."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"


def duration(seconds: float) -> str:
    """A rough time: 'about 40 s', 'about 12 min', 'about 3.5 h', 'about 2 days'."""
    if seconds < 90:
        return f"about {seconds:.0f} s"
    if seconds < 90 * 60:
        return f"about {seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"about {seconds / 3600:.1f} h"
    return f"about {seconds / 86400:,.0f} days"
