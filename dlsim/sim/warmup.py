"""Make a network's compiled kernels ready in this process before a learner needs them.

With a warm disk cache (dlsim.kernels.cache) that is loading, about a second. The first run after an
install or an edit compiles instead, for seconds; compiling is mostly Python and would hold the GIL
against the app's event loop, so it runs in a child process (`python -m dlsim.sim.warmup NAME …`)
that fills the cache, and this process then only loads it. The app calls `begin(name)` when it shows
a network, `warm(name)` from a thread worker after its first frame, and says meanwhile what is
happening: `compiling(name)`. Only a Simulator and its model are driven here, never a view: whatever
a picture shows, the model computes (Model.exercise runs it).
"""
import gc
import subprocess
import sys
import threading

from dlsim.kernels import cache, jit, readiness
from dlsim.protocol.events import Level

CHILD = "dlsim.sim.warmup"   # `python -m CHILD NAME …` fills the disk cache (tests/conftest.py runs it too)

_warm: set[str] = set()
_compiling: set[str] = set()   # networks whose warm-up was seen compiling
_lock = threading.Lock()


def is_warm(name: str) -> bool:
    return name in _warm


def begin(name: str) -> None:
    """The app is about to get `name` ready in the background: until then its model draws its
    pictures with the NumPy references (dlsim.kernels.readiness)."""
    if name not in _warm:
        readiness.getting_ready(name)


def compiling(name: str) -> bool:
    """Whether getting `name` ready means compiling (nothing cached for it yet) rather than loading."""
    return name in _compiling or not cache.ready(name)


def exercise(name: str) -> None:
    """Run every code path of `name` that the app runs, on a tiny simulation of each variant whose
    compiled code differs: the ways the app's keys step and run it, then the model's own pictures."""
    from dlsim.models import model_class
    from dlsim.sim.simulator import Simulator
    cls = model_class(name)
    for config in cls.warm_up_configs:
        sim = Simulator(name, seed=0, **cls.warm_up_size, **config)
        while sim.step(Level.OP).closes < Level.BATCH:   # one whole batch, op by op, and its update
            pass
        sim.step(Level.BATCH, detail=Level.BATCH)   # a coarse step runs compiled batches, as the app's do
        sim.step(Level.EPOCH, detail=Level.BATCH)
        sim.back(Level.OP)
        run(sim)   # from inside an epoch this only finishes it, batch by batch …
        run(sim)   # … so a second one runs a whole epoch on the fused path
        sim.model.exercise()


def run(sim, epochs: int = 1) -> None:
    """What one chunk of the app's run mode does (tui Session.run_chunk): inside an epoch, finish it
    on the compiled batch path; at an epoch boundary, train `epochs` epochs on the fused path."""
    if not sim.at_epoch_boundary():
        sim.step(Level.EPOCH, detail=Level.BATCH)
    else:
        sim.stepper.run(epochs, every=epochs)


def warm(name: str) -> None:
    """Make `name`'s kernels ready in this process (a no-op once done)."""
    with _lock:
        if name in _warm:
            return
        toolchain = jit.toolchain()   # loads Numba
        if not cache.ready(name, toolchain):
            _compiling.add(name)
            if cache.directory() is not None:   # else nothing would be kept: compile right here
                try:
                    subprocess.run([sys.executable, "-m", CHILD, name], timeout=600,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
                except (OSError, subprocess.SubprocessError):
                    pass   # compile here instead
        seen = lambda: _compiling.add(name)   # e.g. a cache made for another CPU
        jit.compiles.watchers.append(seen)
        try:
            exercise(name)
        finally:
            jit.compiles.watchers.remove(seen)
        cache.mark_ready(name, toolchain)
        _warm.add(name)
        readiness.mark_ready(name)
        # Numba's loaded compiler and kernels are a heap of objects that live as long as the process;
        # Python's full garbage collections would scan them all again and again (pauses of ~150 ms
        # mid-frame): kept out of those from now on.
        gc.freeze()


def fill_cache(names) -> None:
    """Compile every network in `names` into the disk cache and mark each ready (the child process)."""
    for name in names:
        exercise(name)
        cache.mark_ready(name, jit.toolchain())


if __name__ == "__main__":
    fill_cache(sys.argv[1:])
