"""Quantities and conditions: the little language lessons use to name numbers, read from a simulation.

A quantity is a name, optionally indexed (`train_acc`, `w[0]`, `layer[0].W[1,0]`, `inputs[1]`), or
one of the functions `class(x, y)` (the class the network gives a point), `score(x, y)` (its
probability of class 1), `history(METRIC, N)` (the metric over the last N epochs), `option(NAME)`
(the network's option as the lesson set it), `now(Q)` (the simulation's live value, never an option)
and, in predictions only, `change(Q)` and `sign(Q)`. A bare name that is both an option and a live
value (a SOM's `sigma`: the starting radius, and the decayed one in use) is refused by the check:
the learner would read one and the lesson mean the other, so it says which. A condition is
`Q`, `not Q`, or `Q OP NUMBER` (or `Q OP Q`) with OP one of < <= > >= == !=. Parsed with regular expressions
and read by lookup: nothing is evaluated as Python.

Names are looked up, in this order, among the values of the last event (`z`, `error`, `delta`…)
and of the events before it in the same lesson step, latest first,
the simulation's counters (`epoch`, `steps`, `converged`, `diverged`, `parameters`), the metrics its
network declares (measured now, such as `train_acc`; or of the last epoch, such as `errors`), its
parameters, what its pictures show (the names its model's `inspected` lists, such as a SOM's `bmu`:
Simulator.inspect) and its options (`lr`, `hidden`…). `PATH.KEY` names a value of the latest event whose
path ends in PATH: `layer[0].neuron[1].a` is that neuron's activation.
"""
import re

import numpy as np

from dlsim.errors import suggest
from dlsim.lesson.document import Condition, Quantity

FUNCTIONS = ("class", "score", "history", "option", "now", "change", "sign", "swept", "first_swept")
WHICH = ("option", "now")   # which of two same-named values: the option, or the live one
PREDICT_ONLY = ("change", "sign")
SPECIALS = ("epoch", "steps", "converged", "diverged", "parameters")
EPOCH_ONLY = ("loss",)   # in every gradient-trained network's history: the epoch's mean batch loss


def live_metrics(model) -> set[str]:
    """The metrics `evaluate()` measures at any moment, as the network declares them."""
    return {m.key for m in model.metrics if m.live}


def epoch_metrics(model) -> set[str]:
    """The names measured only at an epoch's end (not options of the same name, such as a SOM's lr)."""
    return set(EPOCH_ONLY) | {m.key for m in model.metrics if not m.live and m.key not in model.config}


def option_names(model) -> dict[str, str]:
    """Every name that reads an option of the network, its former names included -> the option."""
    options = type(model).options
    return {**{a: o.name for o in options for a in o.aliases}, **{o.name: o.name for o in options}}


def option_name(model, name: str) -> str | None:
    return option_names(model).get(name)


OPS = ("<=", ">=", "==", "!=", "<", ">")

_INDEX = r"\[\s*\d+(?:\s*,\s*\d+)*\s*\]"
_NAME = re.compile(rf"[A-Za-z_]\w*(?:{_INDEX})?(?:\.[A-Za-z_]\w*(?:{_INDEX})?)*")
_CALL = re.compile(r"([A-Za-z_]\w*)\s*\((.*)\)")
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_CONDITION = re.compile(r"(.+?)\s*(<=|>=|==|!=|<|>)\s*(.+)")
BOOLEANS = {"yes": True, "true": True, "no": False, "false": False}


class Missing(Exception):
    """A quantity that has no value at this point of the lesson (message says why)."""


def parse_number(text: str) -> float:
    if not _NUMBER.fullmatch(text.strip()):
        raise ValueError(f"'{text}' is not a number")
    return float(text)


def parse_quantity(text: str) -> Quantity:
    """`w[0]` -> Quantity('w[0]', 'w', (0,)); raises ValueError with a message for the learner."""
    text = text.strip()
    call = _CALL.fullmatch(text)
    if call:
        name, inner = call.group(1), call.group(2).strip()
        if name not in FUNCTIONS:
            raise ValueError(f"unknown function '{name}()'" + suggest(name, FUNCTIONS)
                             + f"; use one of: {', '.join(f + '()' for f in FUNCTIONS)}")
        if name in ("change", "sign"):
            return Quantity(text, name, None, (parse_quantity(inner),))
        if name in WHICH:
            inner_q = parse_quantity(inner)
            if inner_q.name in FUNCTIONS or (name == "option" and inner_q.index is not None):
                raise ValueError(f"write {name}(NAME)" + ("" if name == "option" else " or now(NAME[i])")
                                 + f" with a plain name, e.g. {name}(sigma)")
            return Quantity(text, name, None, (inner_q,))
        if name == "swept":
            metric, _, value = (part.strip() for part in inner.partition(","))
            if not re.fullmatch(r"[A-Za-z_]\w*", metric) or not value or "," in value:
                raise ValueError("write swept(METRIC, VALUE): a metric of the @sweep's run with that value, "
                                 "e.g. swept(train_loss, 0.3)")
            return Quantity(text, name, None, (metric, value))
        if name == "first_swept":
            if not re.fullmatch(r"[A-Za-z_]\w*", inner):
                raise ValueError("write first_swept(METRIC) with a yes/no metric, e.g. first_swept(diverged)")
            return Quantity(text, name, None, (inner,))
        if name == "history":
            metric, _, count = (part.strip() for part in inner.partition(","))
            if not re.fullmatch(r"[A-Za-z_]\w*", metric) or not count.isdigit() or not 1 <= int(count) <= 100:
                raise ValueError("write history(METRIC, N) with N from 1 to 100, e.g. history(train_loss, 3)")
            return Quantity(text, name, None, (metric, int(count)))
        args = tuple(parse_number(a) for a in inner.split(",")) if inner else ()
        if not args:
            raise ValueError(f"{name}() needs the point's coordinates, e.g. {name}(1, 0)")
        return Quantity(text, name, None, args)
    if not _NAME.fullmatch(text):
        raise ValueError(f"'{text}' is not a quantity (a name like train_acc, w[0] or layer[0].W[1,0])")
    index = None
    if text.endswith("]"):
        base, _, inside = text[:-1].rpartition("[")
        index = tuple(int(i) for i in inside.split(","))
        text_base = base
    else:
        text_base = text
    return Quantity(text, text_base, index)


def parse_condition(text: str) -> Condition:
    text = text.strip()
    negate = text.startswith("not ")
    body = text[4:].strip() if negate else text
    match = _CONDITION.fullmatch(body)
    if match and not negate:
        raw = match.group(3).strip()
        if raw.lower() in BOOLEANS:
            value = BOOLEANS[raw.lower()]
        elif _NUMBER.fullmatch(raw):
            value = float(raw)
        else:
            value = parse_quantity(raw)
        return Condition(text, parse_quantity(match.group(1)), match.group(2), value)
    if any(op in body for op in OPS) or "=" in body:
        raise ValueError(f"'{text}' is not a condition; write QUANTITY OP NUMBER with OP one of "
                         f"{' '.join(OPS)} (e.g. train_acc >= 0.99), or [not] QUANTITY")
    return Condition(text, parse_quantity(body), negate=negate)


# --- reading values from a simulation ------------------------------------------------------------
class Scope:
    """The values of one moment of a simulation; metrics computed once, on first use."""

    def __init__(self, sim, recent=(), stale: bool = False, swept=None):
        self.sim = sim
        self.swept = swept     # the last @sweep's runs (lesson_sweep.Swept), if one ran
        self.recent = recent   # events since the last change made outside the stream, oldest first
        self.stale = stale     # the last event predates such a change (@set, @param, @reset)
        self._live = None
        self._inspected = None

    def lookup(self, name: str, options: bool = True):
        """The value `name` has now; with options=False never an option's (what `now(NAME)` reads)."""
        sim = self.sim
        last = sim.last if sim.last is not None and sim.last.op != "run" and not self.stale else None
        if last is not None and name in last.values:   # (a compiled run's summary is skipped:
            # its values depend on whether anyone listened, an epoch's do not)
            return last.values[name]
        for event in reversed(self.recent):
            if name in event.values and event.op != "run":
                return event.values[name]
        if name in SPECIALS:
            return {"epoch": lambda: sim.epoch, "steps": lambda: sim.model.steps,
                    "converged": sim.model.converged,
                    "parameters": lambda: sum(v.size for v in sim.model.params.values()),
                    "diverged": sim.diverged}[name]()
        if name in live_metrics(sim.model):
            if self._live is None:
                self._live = sim.evaluate()
            if name in self._live:
                return self._live[name]
        history = sim.history
        if name in epoch_metrics(sim.model) or (history and name in history[-1]):
            if not history or name not in history[-1]:
                raise Missing(f"{name} is measured at the end of an epoch, and no epoch has ended yet")
            return history[-1][name]
        params = sim.model.params
        if name in params:
            return params[name].copy()
        if name in sim.model.inspected:
            if self._inspected is None:
                self._inspected = sim.inspect()
            if name not in self._inspected:
                raise Missing(f"'{name}' ({sim.model.inspected[name]}) has no value at this point")
            return self._inspected[name]
        if options and name in sim.config:
            return sim.config[name]
        path, _, key = name.rpartition(".")
        for event in ([last] if last is not None else []) + list(reversed(self.recent)):
            if key in event.values and (event.path == path or event.path.endswith("." + path)):
                return event.values[key]
        raise Missing(f"'{name}' has no value here" + (f" (the last event, {last.op}, has: "
                                                       f"{', '.join(last.values)})" if last else ""))

    def value(self, q: Quantity):
        if q.name in ("class", "score"):
            X = np.array([q.args], dtype=np.float64)
            width = self.sim.data.X.shape[1]
            if X.shape[1] != width:
                raise Missing(f"{q.text}: the points of this dataset have {width} coordinates")
            if q.name == "class":
                return int(self.sim.predict(X)[0])
            return float(self.sim.model.scores(X)[0])
        if q.name == "history":
            metric, count = q.args
            entries = self.sim.history[-count:]
            if len(entries) < count or any(e.get(metric) is None for e in entries):
                raise Missing(f"{q.text}: fewer than {count} epochs have a {metric} yet")
            return tuple(e[metric] for e in entries)
        if q.name in ("swept", "first_swept"):
            return self._swept(q)
        if q.name in PREDICT_ONLY:
            raise Missing(f"{q.name}() is only for @predict")
        if q.name == "option":
            name = option_name(self.sim.model, q.args[0].name)
            if name is None:
                raise Missing(f"{q.text}: '{q.args[0].name}' is not an option of this network")
            return self.sim.config[name]
        if q.name == "now":
            q, value = q.args[0], self.lookup(q.args[0].name, options=False)
        else:
            value = self.lookup(q.name)
        if q.index is not None:
            array = np.asarray(value)
            if array.ndim != len(q.index) or any(i >= n for i, n in zip(q.index, array.shape)):
                raise Missing(f"{q.text}: index out of range for '{q.name}' of shape {array.shape}")
            value = array[q.index]
        if isinstance(value, np.ndarray) and value.size == 1:
            value = value.reshape(())
        if isinstance(value, np.generic) or (isinstance(value, np.ndarray) and value.ndim == 0):
            value = value.item()
        return value

    def _swept(self, q: Quantity):
        if self.swept is None:
            raise Missing(f"{q.text} reads the runs of a @sweep, and none has run yet")
        try:
            if q.name == "first_swept":
                return self.swept.first(q.args[0])
            run = self.swept.run_of(self.sim.name, q.args[1])
        except KeyError as why:
            raise Missing(f"{q.text}: {why.args[0]}") from None
        if q.args[0] not in run:
            raise Missing(f"{q.text}: the runs have no '{q.args[0]}'; they have: {', '.join(run)}")
        return run[q.args[0]]

    def holds(self, c: Condition) -> tuple[bool, object]:
        """(whether the condition holds, the quantity's value)."""
        value = self.value(c.quantity)
        if c.op is None:
            if not isinstance(value, (bool, np.bool_)):
                raise Missing(f"'{c.quantity.text}' is a number, not yes/no; compare it, "
                              f"e.g. {c.quantity.text} > 0")
            return bool(value) != c.negate, value
        if value is None or isinstance(value, (str, tuple, np.ndarray)):
            raise Missing(f"'{c.quantity.text}' is {'missing' if value is None else 'not a number'} "
                          f"here, so '{c.text}' cannot be checked")
        other = c.value
        if isinstance(other, Quantity):
            other = self.value(other)
            if other is None or isinstance(other, (str, tuple, np.ndarray)):
                raise Missing(f"'{c.value.text}' is not a number here, so '{c.text}' cannot be checked")
        return _compare(float(value), c.op, float(other)), value


def _compare(a: float, op: str, b: float) -> bool:
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b, "==": a == b, "!=": a != b}[op]
