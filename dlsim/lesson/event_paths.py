"""The event paths a lesson's network can have, and the shapes of the values they carry.

`PATH.KEY` reads a value of the latest event whose path ends in PATH (`layer[0].t[5].dh_norm`), and
`NAME[i]` an element of an event's value (`grad[1]`). Which paths exist depends on the network as the
lesson configures it (4 kernels: `kernel[0..3]`; 20 time steps: `t[0..19]`), so the network is asked
by playing it: two probe runs of one epoch each, on 4 and on 5 samples. A path part whose indices
differ between the two (a sample's row, a batch's member) is indexed by the data and takes any index
here (playing checks it); every other part must be one the network's events really have. No network
is named here: what exists is what the probe saw.
"""
import re
from collections import defaultdict
from pathlib import Path

import numpy as np

from dlsim.protocol.events import Level

_PART = re.compile(r"([A-Za-z_]\w*)(?:\[([^\]]*)\])?")
PROBE_SAMPLES = (4, 5)
PROBE_EVENTS = 100_000   # a probe run stops there (a huge network): its paths are then not all known
# what probe found, by network and configuration: loading a lesson probes its network (up to a few
# seconds for the larger ones), and a network's lessons, or a lesson loaded again, often share one
_PROBED: dict[tuple, tuple[set, set, "EventPaths"]] = {}
_PROBED_MOST = 64


def parts(path: str) -> tuple[tuple[str, str | None], ...]:
    """`layer[0].W[1, 0]` -> (("layer", "0"), ("W", "1,0")): each part's name and index, spaces out."""
    found = []
    for piece in path.split("."):
        match = _PART.fullmatch(piece.strip())
        if not match:
            return ()
        index = match.group(2)
        found.append((match.group(1), None if index is None else index.replace(" ", "")))
    return tuple(found)


RAGGED = "ragged"   # a value of rows of different lengths: any index is checked when playing


def _shape(value) -> tuple | str | None:
    """The shape an index into `value` meets (as the lesson's Scope reads it), RAGGED, or None where
    it is no array nor number (a string, a dict: no index fits)."""
    if isinstance(value, np.ndarray):
        return value.shape
    if isinstance(value, (tuple, list)):
        try:
            return np.shape(value)
        except ValueError:
            return RAGGED
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
        return ()
    return None


def fits(index: tuple, shape: tuple) -> bool:
    return len(index) == len(shape) and all(0 <= i < n for i, n in zip(index, shape))


class EventPaths:
    """What the probe runs saw: each path's value names and their shapes, in each run."""

    def __init__(self):
        self.seen: list[dict[str, dict[str, set]]] = [defaultdict(lambda: defaultdict(set)) for _ in PROBE_SAMPLES]
        self.complete = True    # both runs reached their epoch's end: what they did not see is not there
        self._loose: set | None = None
        self._by_last: dict | None = None

    def add(self, run: int, event) -> None:
        values = self.seen[run][event.path]
        for key, value in event.values.items():
            values[key].add(_shape(value))

    # --- what the two runs tell ------------------------------------------------------------------
    def loose(self) -> set[tuple]:
        """(names of a path's parts, position) of the parts indexed by the data: their indices
        differ between the runs on 4 and on 5 samples."""
        if self._loose is None:
            indices = [defaultdict(set) for _ in PROBE_SAMPLES]
            for run, seen in enumerate(self.seen):
                for path in seen:
                    p = parts(path)
                    names = tuple(name for name, _ in p)
                    for position, (_, index) in enumerate(p):
                        indices[run][names, position].add(index)
            self._loose = {k for k in indices[0].keys() | indices[1].keys() if indices[0][k] != indices[1][k]}
        return self._loose

    def paths(self) -> dict[str, dict[str, set]]:
        return self.seen[0]

    def _candidates(self, wanted: tuple) -> list[tuple]:
        """The seen paths (as parts) whose last parts have the names of `wanted`'s."""
        if self._by_last is None:
            self._by_last = defaultdict(list)
            for path in self.paths():
                p = parts(path)
                if p:
                    self._by_last[p[-1][0]].append((path, p))
        names = [name for name, _ in wanted]
        n = len(wanted)
        return [(path, p) for path, p in self._by_last.get(wanted[-1][0], ())
                if len(p) >= n and [name for name, _ in p[-n:]] == names]

    def matching(self, path: str) -> tuple[list[str], list[tuple]]:
        """(the seen paths `path` can read, the seen paths with the same part names): a path matches
        where every index is the same, or a part indexed by the data."""
        wanted = parts(path)
        if not wanted:
            return [], []
        loose, n = self.loose(), len(wanted)
        similar = self._candidates(wanted)
        found = []
        for seen, p in similar:
            names = tuple(name for name, _ in p)
            offset = len(p) - n
            if all(index == wanted[i][1] or (names, offset + i) in loose
                   for i, (_, index) in enumerate(p[offset:])):
                found.append(seen)
        return found, similar

    def matching_any(self) -> list[tuple]:
        """Every seen path, as (path, parts)."""
        return [(path, parts(path)) for path in self.paths() if parts(path)]

    def keys(self, paths: list[str]) -> set[str]:
        return {key for path in paths for key in self.paths()[path]}

    def shapes(self, key: str, paths: list[str] | None = None) -> set | None:
        """The shapes `key`'s values had (at `paths`, else anywhere); None where they depend on the
        data (the two runs saw different ones)."""
        found = []
        for seen in self.seen:
            chosen = seen if paths is None else {p: seen[p] for p in paths if p in seen}
            found.append({s for values in chosen.values() for s in values.get(key, ()) if s is not None})
        return None if found[0] != found[1] or RAGGED in found[0] else found[0]

    def like(self, similar: list[tuple], n: int) -> str:
        """The seen paths' last `n` parts, with each index as its range: `kernel[0..3].a[0..5,0..5]`."""
        groups: dict[tuple, list] = defaultdict(list)
        for _, p in similar:
            groups[tuple(name for name, _ in p[-n:])].append(p[-n:])
        shown = []
        for names, members in list(groups.items())[:6]:
            pieces = []
            for i, name in enumerate(names):
                indices = [m[i][1] for m in members]
                pieces.append(name if indices[0] is None else f"{name}[{_ranges(indices)}]")
            shown.append(".".join(pieces))
        return ", ".join(shown)


def _ranges(indices: list[str]) -> str:
    """Each dimension's smallest..largest index ("0..3,0..5"); names listed ("f|g|i|o")."""
    rows = [i.split(",") for i in indices]
    dims = []
    for d in range(max(len(r) for r in rows)):
        column = {r[d] for r in rows if d < len(r)}
        if all(c.isdigit() for c in column):
            low, high = min(map(int, column)), max(map(int, column))
            dims.append(str(low) if low == high else f"{low}..{high}")
        else:
            dims.append("|".join(sorted(column)))
    return ",".join(dims)


def probe(network: str, config: dict, cls) -> tuple[set[str], set[str], EventPaths]:
    """Every value name the network's events carry, its per-epoch metrics, and its event paths,
    from one epoch on 4 samples and one on 5 (the lesson's configuration otherwise)."""
    key = _memo_key(network, config)
    if key is None:
        return _probe(network, config, cls)
    if key not in _PROBED:
        if len(_PROBED) >= _PROBED_MOST:
            _PROBED.clear()
        _PROBED[key] = _probe(network, config, cls)
    everything, history, paths = _PROBED[key]
    return set(everything), set(history), paths


def _memo_key(network: str, config: dict) -> tuple | None:
    """A key for the configuration, or None where it cannot be kept: a value that is not hashable,
    or a file (the learner's own data) that may change between two loads."""
    try:
        key = (network, tuple(sorted(config.items())))
        hash(key)
    except TypeError:
        return None
    if any(isinstance(value, str) and Path(value).is_file() for value in config.values()):
        return None
    return key


def _probe(network: str, config: dict, cls) -> tuple[set[str], set[str], "EventPaths"]:
    from dlsim.sim.simulator import Simulator
    names = {o.name for o in cls.options}
    keys, history, paths = set(), set(), EventPaths()
    for run, samples in enumerate(PROBE_SAMPLES):
        small = {k: v for k, v in {"samples": samples, "test": 2, "batch": 0}.items() if k in names}
        sim = Simulator(network, **{**config, **small})
        for _ in range(PROBE_EVENTS):
            event = sim.step(Level.OP)
            keys.update(event.values)
            paths.add(run, event)
            if event.closes >= Level.EPOCH:
                break
        else:
            paths.complete = False
        for entry in sim.history:
            history.update(entry)
    return keys | history, history, paths
