"""What the current sample has computed so far, gathered from the event stream.

Each network's pictures (Model.inspect) show each neuron's activation and, during the backward pass,
its δ. Those numbers come from the events the kernels produced (never recomputed), so the Simulator
keeps the latest event of each (op, path) for the sample in progress. A new sample starts a new trace; the completed trace of
each sample is kept for a while, so that stepping back to a sample's end still shows its numbers.
"""
from collections import OrderedDict

from dlsim.protocol.events import Event, Level


class Trace:
    """Latest event per (op, path) since the current sample began."""

    def __init__(self, keep: int = 64):
        self.events: dict[tuple[str, str], Event] = {}
        self.last: Event | None = None
        self._ended = False                                  # the last event closed a sample
        self._done: OrderedDict[int, dict] = OrderedDict()   # position -> completed trace
        self._keep = keep

    def clear(self) -> None:
        self.events = {}
        self.last = None
        self._ended = False

    def add(self, event: Event, position: int) -> None:
        """Record `event`, which becomes stream position `position`."""
        if self._ended:
            self.events = {}
        self.events[(event.op, event.path)] = event
        self.last = event
        self._ended = event.closes >= Level.SAMPLE
        if self._ended and event.level < Level.BATCH:
            self._done[position] = dict(self.events)
            self._done.move_to_end(position)
            while len(self._done) > self._keep:
                self._done.popitem(last=False)

    def restore(self, position: int, last: Event | None) -> None:
        """After a rewind that landed on `position` with nothing replayed: reuse a kept trace."""
        kept = self._done.get(position)
        self.events = dict(kept) if kept else {}
        self.last = last
        self._ended = True

    def get(self, op: str, path: str) -> Event | None:
        return self.events.get((op, path))

    def copy(self) -> dict[tuple[str, str], Event]:
        return dict(self.events)
