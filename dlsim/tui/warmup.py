"""Compile (or load from Numba's disk cache) the kernels a network uses, before the learner needs them.

The first run compiles for seconds. Compiling is mostly Python and would hold the GIL against the
app's event loop, so when the on-disk cache is missing or stale the compile runs in a child process
(`python -m dlsim.tui.warmup NAME`), which fills the cache; this process then only loads it. The
app calls `warm(name)` from a thread worker and shows that it is compiling meanwhile.
"""
import importlib
import pkgutil
import subprocess
import sys
import threading

import numpy as np

_warm: set[str] = set()
_lock = threading.Lock()

CONFIGS = {
    "mlp": ({}, {"loss": "softmax_ce", "optimizer": "adam", "activation": "relu"},
            {"optimizer": "momentum", "loss": "mse", "activation": "sigmoid"}),
}


def is_warm(name: str) -> bool:
    return name in _warm


def _dispatchers():
    import dlsim.kernels as package
    for info in pkgutil.iter_modules(package.__path__):
        if info.name in ("reference", "jit") or "cuda" in info.name:
            continue
        try:
            module = importlib.import_module(f"dlsim.kernels.{info.name}")
        except Exception:
            continue
        for value in vars(module).values():
            if hasattr(value, "py_func") and hasattr(value, "_cache"):
                yield value


def cache_is_fresh() -> bool:
    """True when every kernel has an on-disk cache index matching its source."""
    try:
        return all(d._cache._cache_file._load_index() for d in _dispatchers())
    except Exception:   # private Numba API: when in doubt, compile in the child
        return False


def exercise(name: str) -> None:
    """Run every code path of `name` the app uses, on a tiny simulation."""
    from dlsim.sim.simulator import Simulator
    from dlsim.tui.session import Session
    tiny = {"mlp": {"hidden": (2,), "samples": 8, "test": 4, "batch": 4}}.get(name, {})
    for config in CONFIGS.get(name, ({},)):
        session = Session(Simulator(name, seed=0, **tiny, **config))
        while session.step("op").closes < 3:   # one whole batch, op by op, and its update
            pass
        session.step("batch")
        session.step("epoch")
        session.back("op")
        session.run_chunk()
        try:
            session.model.scores(np.zeros((3, 2)))
        except NotImplementedError:
            pass   # a network with no decision surface (the SOM)
        session.model.evaluate()


def warm(name: str) -> None:
    """Make `name`'s kernels ready in this process (a no-op once done)."""
    with _lock:
        if name in _warm:
            return
        if not cache_is_fresh():
            try:
                subprocess.run([sys.executable, "-m", "dlsim.tui.warmup", name], timeout=600,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            except (OSError, subprocess.SubprocessError):
                pass   # compile here instead
        exercise(name)
        _warm.add(name)


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        exercise(arg)
