"""A tree of plain values (a model's state, an event, the history) as JSON plus named arrays.

A saved session is data, never code: no pickle anywhere. JSON has no tuples, no NumPy scalars and
no arrays, and the bits of training depend on every one of them keeping its type, so each is
written as a small tagged object ({"$tuple": [...]}, {"$np": "<f8", "v": 0.5}, {"$array": name}),
arrays going beside the JSON under their path ("state.theta"). A float keeps its bits: JSON
writes the shortest repr that reads back to the same double (NaN and ∞ as NaN and Infinity).
"""
from typing import Any

import numpy as np

from dlsim.protocol.events import Event, Level

TAGS = ("$tuple", "$np", "$array", "$items", "$event")


class Malformed(ValueError):
    """The JSON does not hold what a session's tree can (a corrupt or foreign file)."""


def encode(value: Any, path: str, arrays: dict[str, np.ndarray]) -> Any:
    """`value` as JSON-ready data; its arrays go into `arrays`, keyed by their path."""
    if isinstance(value, np.generic):   # before float: a np.float64 is one, and would lose its type
        return {"$np": value.dtype.str, "v": value.item()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject:
            raise TypeError(f"{path}: an array of Python objects cannot be saved")
        arrays[path] = value
        return {"$array": path}
    if isinstance(value, tuple):
        return {"$tuple": [encode(v, f"{path}.{i}", arrays) for i, v in enumerate(value)]}
    if isinstance(value, list):
        return [encode(v, f"{path}.{i}", arrays) for i, v in enumerate(value)]
    if isinstance(value, Event):
        return {"$event": [value.op, value.phase, value.path, encode(dict(value.values), f"{path}.values", arrays),
                           int(value.level), int(value.closes)]}
    if isinstance(value, dict) or hasattr(value, "items"):
        items = list(value.items())
        if all(isinstance(k, str) and not k.startswith("$") for k, _ in items):
            return {k: encode(v, f"{path}.{k}", arrays) for k, v in items}
        return {"$items": [[encode(k, f"{path}.k{i}", arrays), encode(v, f"{path}.{i}", arrays)]
                           for i, (k, v) in enumerate(items)]}
    raise TypeError(f"{path}: a {type(value).__name__} cannot be saved")


def decode(data: Any, arrays: dict[str, np.ndarray]) -> Any:
    """The value `encode` wrote (arrays taken from `arrays`); Malformed for what it never writes."""
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [decode(v, arrays) for v in data]
    if not isinstance(data, dict):
        raise Malformed(f"a {type(data).__name__} where a value was expected")
    tag = next((t for t in TAGS if t in data), None)
    try:
        if tag == "$array":
            return arrays[data["$array"]]
        if tag == "$np":
            return np.dtype(data["$np"]).type(data["v"])
        if tag == "$tuple":
            return tuple(decode(v, arrays) for v in data["$tuple"])
        if tag == "$items":
            return {_key(decode(k, arrays)): decode(v, arrays) for k, v in data["$items"]}
        if tag == "$event":
            op, phase, path, values, level, closes = data["$event"]
            return Event(op, phase, path, decode(values, arrays), Level(level), Level(closes))
    except KeyError as missing:
        raise Malformed(f"no array {missing} for {tag}") from None
    except (TypeError, ValueError) as error:
        raise Malformed(f"a {tag} that cannot be read ({error})") from None
    return {k: decode(v, arrays) for k, v in data.items()}


def _key(key):
    """A dict key read back: a list (JSON has no tuples) cannot be one."""
    if isinstance(key, list):
        raise Malformed("a list as a dict key")
    return key
