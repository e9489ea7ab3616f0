"""How many bytes a graph of plain objects really holds: what the rewind history counts against its
memory budget (a snapshot's deep-copied state with its dicts, lists and scalars, and the event kept
beside it), rather than only the arrays in it, which was a half to a third of the truth.
"""
import sys
from enum import Enum
from types import FunctionType, MappingProxyType

import numpy as np

_SHARED = (type(None), bool, Enum, type, str)   # singletons, classes, names: shared, not owned


def footprint(*objects) -> int:
    """Bytes of `objects` and everything they reach through containers, arrays (a view counts its
    base), events and functions (their defaults and closure cells). Each object counts once.
    Strings are left out: in a snapshot they are dict keys, option values and op names, which a deep
    copy shares with the live model (an event's path is the exception: a few dozen bytes)."""
    seen: set[int] = set()
    total = 0
    stack = list(objects)
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, _SHARED):
            continue
        seen.add(id(obj))
        total += sys.getsizeof(obj)   # an array that owns its data includes the data
        if isinstance(obj, np.ndarray):
            if obj.base is not None:
                stack.append(obj.base)
        elif isinstance(obj, (dict, MappingProxyType)):
            if isinstance(obj, MappingProxyType):
                total += sys.getsizeof(dict(obj))   # the dict it wraps, which has no name of its own
            stack.extend(obj.keys())
            stack.extend(obj.values())
        elif isinstance(obj, (list, tuple, set, frozenset)):
            stack.extend(obj)
        elif isinstance(obj, FunctionType):
            stack.extend(obj.__defaults__ or ())
            stack.extend(cell.cell_contents for cell in obj.__closure__ or ())
        else:
            stack.extend(getattr(obj, name) for name in getattr(type(obj), "__slots__", ())
                         if hasattr(obj, name))
    return total
