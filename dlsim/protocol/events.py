"""The event protocol: what every network's training is made of, at student granularity.

A model's training is a generator of Events. Each says which phase it belongs to (forward, loss,
backward, update, or a model's own name such as `winner` for a SOM), which op it is, the path of what
it touched (`mlp.layer[1].neuron[3]`), the real numbers involved, and which unit it closes: an op, a
layer (or a time step, or a pooling pass), a sample, a batch or an epoch. The stepper needs nothing
else to step, rewind and keep history, whatever the network.
"""
from dataclasses import dataclass, field
from enum import IntEnum
from types import MappingProxyType
from typing import Any, Mapping


class Level(IntEnum):
    """Granularity, finest first: a unit of a level contains whole units of every finer level."""
    OP = 0
    LAYER = 1
    SAMPLE = 2
    BATCH = 3
    EPOCH = 4

    @classmethod
    def parse(cls, name: str) -> "Level":
        return cls[name.upper()]


LEVELS = tuple(level.name.lower() for level in Level)

FORWARD, LOSS, BACKWARD, UPDATE, EVALUATE = "forward", "loss", "backward", "update", "evaluate"


def _frozen(values: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(values))


@dataclass(frozen=True, slots=True)
class Event:
    """One step a learner can watch. `values` holds the numbers exactly as the kernel used them."""
    op: str                      # weighted_sum, activation, loss, delta, grad, update, ...
    phase: str                   # forward | loss | backward | update | evaluate | a model's own
    path: str                    # what it touched: "mlp.layer[1].neuron[3]", "mlp.layer[0].W[1,3]"
    values: Mapping[str, Any] = field(default_factory=dict)
    level: Level = Level.OP      # granularity of the event itself (a summary of a batch is BATCH)
    closes: Level = Level.OP     # the coarsest unit that ends with this event

    def __post_init__(self):
        object.__setattr__(self, "values", _frozen(self.values))
