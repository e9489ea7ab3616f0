"""What a lesson keeps of the events it pulls: only what its narration can read, however long a step.

`@step 100000 epoch` pulls billions of events; keeping them, or even the latest 20,000, costs memory
that grows with the step (and a window of the latest loses the older names). What can be read:
  - a name (`{z}`, `{layer[0].neuron[1].a}`, an @expect) reads the latest event carrying it: `Latest`
    keeps the latest event of each kind (op, path and the names it carries), as many as the network
    has kinds of event, whatever the number pulled;
  - `{formulas}` lists a step's events, one a line: a step keeps a window of them only where its
    narration shows them, else just its last event (`window`);
  - a `@predict change(Q)` compares Q before and after the step: `Updates` keeps the first and the
    last update event of Q, which say it exactly even inside a sample.
"""
from collections import OrderedDict, deque

from dlsim.lesson.step_view import touches

KEPT_EVENTS = 20_000   # the most formula lines (and kinds of event) a step keeps


class Latest:
    """The latest event of each kind, oldest first: what `Scope` searches, latest first."""

    def __init__(self, limit: int | None = None):
        self._by_kind: OrderedDict = OrderedDict()
        self._limit = KEPT_EVENTS if limit is None else limit

    def append(self, event) -> None:
        kind = (event.op, event.path, tuple(event.values))
        self._by_kind[kind] = event
        self._by_kind.move_to_end(kind)
        if len(self._by_kind) > self._limit:   # a network with more kinds: the least recent go
            self._by_kind.popitem(last=False)

    def __iter__(self):
        return iter(self._by_kind.values())

    def __reversed__(self):
        return reversed(self._by_kind.values())

    def __len__(self) -> int:
        return len(self._by_kind)


def window(shows_formulas: bool) -> deque:
    """The events of a step to keep: the latest KEPT_EVENTS where its narration lists them
    ({formulas}), else only the last (what a summary of the step names)."""
    return deque(maxlen=KEPT_EVENTS if shows_formulas else 1)


class Updates:
    """The first and the last update event of one parameter (None: no parameter is followed)."""

    def __init__(self, subject=None):
        self.subject = subject
        self.first = self.last = None

    def append(self, event) -> None:
        if self.subject is not None and event.op == "update" and touches(event.path, self.subject):
            if self.first is None:
                self.first = event
            self.last = event
