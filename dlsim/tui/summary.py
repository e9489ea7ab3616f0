"""What a coarse step did, in a few lines for the math panel: the unit just completed, not its last op.

After a layer step, the layer's vectors (z, a, δ, the gradients or the new weights); after a sample,
also its output and loss; after a batch, the update (‖Δ‖ of each parameter and the largest change);
after an epoch, its metrics. Built from the events the stepper pulled during the step (grouped by
op and by what they touched, so any network's events work) and from the parameters before and
after it — never by asking which network this is.
"""
import math
import re

import numpy as np

from dlsim.protocol.events import FORWARD, LOSS, Event, Level
from dlsim.protocol.numbers import count, num
from dlsim.sim.formulas import describe
from dlsim.tui.changes import Layout

# The number an op produces, and how the summary names it. Ops not listed are summed up by their
# own describe() line when they are the unit's last event (a loss, an epoch's metrics).
HEADLINE = {
    "weighted_sum": ("z", "z"),
    "conv": ("z", "z"),            # a feature map's positions, as a layer's neurons
    "activation": ("a", "a"),
    "threshold": ("ŷ", "output"),
    "error": ("error", "error"),
    "delta": ("δ", "delta"),
    "grad": ("∂L/∂", "total"),
    "update": ("←", "new"),
}
INDEX = re.compile(r"\[[\d,]*\]$")


def vector(values: list[float], width: int) -> str:
    """'(0.120, −0.300, …, 0.770) [16: −0.412 … 0.903]' in at most `width` characters: always the
    first and last element; where some are left out, how many there are and the whole range."""
    n = len(values)
    if n == 1:
        return num(values[0])
    # k elements shown take at least 3k characters (a digit and ", " each): no more than width // 3 + 1
    # can fit, so only those are written (a feature map's 676 values would take 676 num() calls and
    # as many joins, a layer step's math panel then growing with the map's area)
    most = min(n, width // 3 + 1)
    texts = [num(v) for v in values[:most]] + ([num(values[-1])] if most < n else [])
    finite = [v for v in values if math.isfinite(v)]   # (np.isfinite: a microsecond a value, 676 of a map)
    size = f" [{n}: {num(min(finite))} … {num(max(finite))}]" if finite else f" [{n}]"
    for keep in range(most, 0, -1):
        shown = texts[:n] if keep == n else texts[:max(keep - 1, 1)] + ["…", texts[-1]]
        text = "(" + ", ".join(shown) + ")" + (size if keep < n else "")
        if len(text) <= width or keep == 1:
            return text


def _group(path: str) -> str:
    """'mlp.layer[0].neuron[3]' → 'mlp.layer[0].neuron': the elements of one vector share it."""
    return INDEX.sub("", path)


def _index(path: str) -> tuple[int, ...]:
    """'mlp.layer[0].neuron[3]' → (3,); '….W[0,2]' → (0, 2); () where the path ends unindexed."""
    found = INDEX.search(path)
    return tuple(int(i) for i in found.group()[1:-1].split(",") if i) if found else ()


def _earlier(trace: dict, op: str, group: str, first: tuple) -> list[tuple[tuple, float]]:
    """The elements of (op, group) before index `first` that the sample in progress computed before
    the step began (kept in its trace), in index order."""
    key = HEADLINE[op][1]
    found = [(_index(path), event.values.get(key)) for (o, path), event in trace.items()
             if o == op and _group(path) == group and INDEX.search(path)]
    return sorted((i, v) for i, v in found if i < first and v is not None and not isinstance(v, (tuple, list)))


def vectors(events: list[Event], width: int, trace: dict | None = None) -> list[str]:
    """One line per (op, group) among `events`, in the order they first appeared. A vector the step
    took up mid-way (a layer step begun after its first neurons' z) is completed from `trace`, the
    sample's events by (op, path), so the lines of one layer list the same neurons; where it cannot
    be, its line names the elements it lists ('neuron[3…15]')."""
    groups: dict[tuple[str, str], list[float]] = {}
    first: dict[tuple[str, str], str] = {}      # the paths of an element-wise vector's first and last element
    last: dict[tuple[str, str], str] = {}
    for event in events:   # (a layer step of a 28×28 image's map pulls 1,352: one regex search each)
        if event.op in HEADLINE:
            key = HEADLINE[event.op][1]
            value = event.values.get(key)
            if isinstance(value, (tuple, list)):
                groups.setdefault((event.op, event.path), []).extend(value)
            elif value is not None:
                found = INDEX.search(event.path)
                where = (event.op, event.path[:found.start()] if found else event.path)   # as _group
                groups.setdefault(where, []).append(value)
                if found:
                    first.setdefault(where, event.path)
                    last[where] = event.path
        elif event.op == "softmax":
            groups[("softmax", event.path)] = list(event.values["a"])
    first = {where: _index(path) for where, path in first.items()}
    last = {where: _index(path) for where, path in last.items()}
    lines = []
    for (op, group), values in groups.items():
        start = first.get((op, group))
        if start and any(start) and trace:
            earlier = _earlier(trace, op, group, start)
            values = [v for _, v in earlier] + values
            start = earlier[0][0] if earlier else start
        name = "a = softmax" if op == "softmax" else HEADLINE[op][0]
        if op == "grad":
            name += group.rsplit(".", 1)[-1]
        where = group.split(".", 1)[1] if "." in group else group
        if start and any(start):   # begun mid-way, nothing earlier kept: say which elements
            end = last[(op, group)]
            where += f"[{_written(start)}]" if end == start else f"[{_written(start)}…{_written(end)}]"
        head = f"{where} ← " if op == "update" else f"{where}: {name} = "
        lines.append(head + vector(values, max(12, width - len(head))))
    return lines


def _written(index: tuple) -> str:
    return ",".join(map(str, index))


def update(layout: Layout, before: np.ndarray, after: np.ndarray) -> list[str]:
    """‖Δ‖ of each parameter that changed, and the largest single change with its old and new value."""
    delta = after - before
    if not np.any(delta):
        return []
    norms = []
    for name, (start, shape) in layout.offsets.items():
        size = int(np.prod(shape)) if shape else 1
        norm = float(np.linalg.norm(delta[start:start + size]))
        if norm > 0:
            norms.append(f"{name} {num(norm)}")
    k = int(np.nanargmax(np.abs(delta)))
    where = _element(layout, k)
    return ["‖Δ‖: " + " · ".join(norms),
            f"largest change {where}: {num(before[k])} → {num(after[k])} ({num(delta[k])})"]


def _element(layout: Layout, k: int) -> str:
    for name, (start, shape) in layout.offsets.items():
        size = int(np.prod(shape)) if shape else 1
        if start <= k < start + size:
            index = np.unravel_index(k - start, shape) if shape else ()
            return f"{name}[{','.join(str(int(i)) for i in index)}]"
    return f"#{k}"


def summarize(level: Level, events: list[Event], last: Event | None, layout: Layout,
              before: np.ndarray, after: np.ndarray, history: list[dict], width: int = 76,
              headline: tuple = (), trace: dict | None = None, unit: str = "epoch",
              run: Event | None = None) -> list[str]:
    """The lines for a step of `level` that pulled `events` and ended on `last` (nothing at op level:
    the op's own arithmetic says it all). `trace`: the sample's latest event by (op, path), which
    completes a layer's vectors the step took up mid-way. `unit`: what the network calls an epoch.
    `run`: where `last` is the last of several compiled runs, the whole of them as one run event
    (with `before` their start), so the panel tells what the pause notice tells."""
    if level < Level.LAYER or last is None:
        return []
    if last.op == "run":
        return [describe(run or last), epochs(history, headline, unit)] + update(layout, before, after)
    if level == Level.LAYER:
        return layer(events, last, width, trace)
    lines = vectors([e for e in events if e.phase == FORWARD], width)[-1:]   # the output
    losses = [e for e in events if e.phase == LOSS]
    if losses:
        lines.append(describe(losses[-1]))
    if last.level >= Level.SAMPLE and not (losses and last is losses[-1]):   # the sample's, batch's
        lines.append(describe(last))                                          # or epoch's own event
    elif not lines:                  # a step that began past the loss: what it computed last
        lines = vectors(events, width)[-3:]
    return lines + update(layout, before, after)


def layer(events: list[Event], last: Event, width: int, trace: dict | None) -> list[str]:
    """A layer's (or a time step's) vectors; then what the step ended on where that is not one of
    them (a time step's output h, c and ŷ; a pooling pass), and the loss where the step reached it."""
    lines = vectors(events, width, trace)
    ended = [e for e in events if e.op not in HEADLINE and e.op != "softmax" and e.phase != LOSS]
    losses = [e for e in events if e.phase == LOSS]
    if ended:
        lines.append(describe(ended[-1]))
    elif not lines and not losses:   # a step that ended on the loss: its line follows, once
        lines.append(describe(last))
    if losses:
        lines.append(describe(losses[-1]))
    return lines


def headline(metrics, unit: str = "epoch") -> tuple:
    """A model's declared metrics as `epochs` writes them: (key, label, whether it is a count); the
    label with its moment where it has one ('errors during the last epoch:', in the network's word)."""
    return tuple((m.key, m.lead(unit=unit), m.whole) for m in metrics)


def epochs(history: list[dict], headline: tuple = (), unit: str = "epoch") -> str:
    """The latest epoch's metrics, for a run that took many at once: the model's headline (key,
    label, whole) triples, else every entry the epoch recorded; the epoch in the network's word
    (`unit`). A count (whole) is written without decimals: 'errors 0', as the epoch's own line."""
    last = history[-1] if history else {}
    parts = [f"{unit} {count(last['epoch'])}"] if "epoch" in last else []
    pairs = headline or tuple((key, key.replace("_", " "), False) for key in last if key != "epoch")
    for key, label, whole in pairs:
        if last.get(key) is not None:
            parts.append(f"{label} {count(last[key]) if whole else num(last[key])}")
    return ", ".join(parts)
