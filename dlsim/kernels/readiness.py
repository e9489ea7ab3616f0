"""Whether a network's compiled kernels are ready in this process.

They are unless the app is getting them ready in the background (dlsim.sim.warmup): until then a
model computes its pictures with the NumPy references, so that a learner never waits on a blank
screen. Everywhere else (the API, headless runs, lessons) a first call compiles, or loads, on demand.
"""
_pending: set[str] = set()


def getting_ready(name: str) -> None:
    """`name`'s kernels are being compiled or loaded in the background from now on."""
    _pending.add(name)


def mark_ready(name: str) -> None:
    _pending.discard(name)


def ready(name: str) -> bool:
    return name not in _pending


def pending() -> frozenset[str]:
    """The networks whose kernels are being got ready in the background now."""
    return frozenset(_pending)
