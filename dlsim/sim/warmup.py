"""Make a network's compiled kernels ready in this process before a learner needs them.

With a warm disk cache (dlsim.kernels.cache) that is loading, about a second. The first run after an
install or an edit compiles instead, for seconds; compiling is mostly Python and would hold the GIL
against the app's event loop, so it runs in a child process (`python -m dlsim.sim.warmup NAME …`)
that fills the cache, and this process then only loads it. The app calls `begin(name)` when it shows
a network, `warm(name)` from a thread worker after its first frame, and says meanwhile what is
happening: `compiling(name)`.

Stepping op by op needs a small part of what compiles (the MLP: about 2 s of its 29 s of CPU): the
child compiles that part first and says so (a line `stepping NAME`), and this process then loads it
and tells whoever asked (`when_stepping`), so a learner's first → presses need not wait for the
batch and fused paths. Only a Simulator and its model are driven here, never a view: whatever
a picture shows, the model computes (Model.exercise runs it).
"""
import gc
import subprocess
import sys
import threading

from dlsim.kernels import cache, jit, readiness
from dlsim.protocol.events import Level

CHILD = "dlsim.sim.warmup"   # `python -m CHILD NAME …` fills the disk cache (tests/conftest.py runs it too)
STEPPING = "stepping"        # the child's line once NAME can be stepped op by op
CHILD_SECONDS = 600          # a child still compiling after this is stopped (this process compiles instead)

_warm: set[str] = set()
_stepping: set[str] = set()    # networks whose op-by-op stepping is loaded, though not the rest yet
_compiling: set[str] = set()   # networks whose warm-up was seen compiling
_listeners: dict[str, list] = {}   # callbacks waiting for a network's op-by-op stepping
_listeners_lock = threading.Lock()
_lock = threading.Lock()


def is_warm(name: str) -> bool:
    return name in _warm


def can_step(name: str) -> bool:
    """Whether `name` can be stepped op by op now without compiling (all of it may not be ready)."""
    return is_warm(name) or name in _stepping


def when_stepping(name: str, callback) -> bool:
    """True if `name` can be stepped op by op now; else False, and `callback()` is called from the
    warm-up's thread once it can."""
    with _listeners_lock:
        if can_step(name):
            return True
        _listeners.setdefault(name, []).append(callback)
        return False


def _stepping_ready(name: str) -> None:
    with _listeners_lock:
        _stepping.add(name)
        waiting = _listeners.pop(name, [])
    for callback in waiting:
        try:
            callback()
        except RuntimeError:   # its app has closed meanwhile: the warm-up goes on for the cache
            pass


def begin(name: str) -> None:
    """The app is about to get `name` ready in the background: until then its model draws its
    pictures with the NumPy references (dlsim.kernels.readiness)."""
    if name not in _warm:
        readiness.getting_ready(name)


def compiling(name: str) -> bool:
    """Whether getting `name` ready means compiling (nothing cached for it yet) rather than loading."""
    return name in _compiling or not cache.ready(name)


def exercise_stepping(name: str) -> None:
    """Step one whole batch op by op, its update included, on each variant whose compiled code
    differs: what a learner's first → presses run, whatever the options (a softmax output compiles
    a kernel the default's sigmoid does not)."""
    from dlsim.models import model_class
    from dlsim.sim.simulator import Simulator
    cls = model_class(name)
    for config in cls.warm_up_configs:
        sim = Simulator(name, seed=0, **cls.warm_up_size, **config)
        while sim.step(Level.OP).closes < Level.BATCH:
            pass


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
                _fill_in_child(name)
        seen = lambda: _compiling.add(name)   # e.g. a cache made for another CPU
        jit.compiles.watchers.append(seen)
        try:
            exercise(name)
        finally:
            jit.compiles.watchers.remove(seen)
        cache.mark_ready(name, toolchain)
        _warm.add(name)
        readiness.mark_ready(name)
        _stepping_ready(name)   # anyone still waiting to step (a warm-up that only loaded)
        # Numba's loaded compiler and kernels are a heap of objects that live as long as the process;
        # Python's full garbage collections would scan them all again and again (pauses of ~150 ms
        # mid-frame): kept out of those from now on.
        gc.freeze()


def _fill_in_child(name: str) -> None:
    """Compile `name` into the disk cache in a child process; once the child says op-by-op stepping
    is compiled, load that here and tell the listeners, while the child goes on with the rest."""
    try:
        child = subprocess.Popen([sys.executable, "-m", CHILD, name], stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, text=True)
    except OSError:
        return   # compile here instead
    timer = threading.Timer(CHILD_SECONDS, child.kill)
    timer.start()
    try:
        for line in child.stdout:
            if line.split() == [STEPPING, name]:
                exercise_stepping(name)   # loads what the child has just compiled
                _stepping_ready(name)
        child.wait()
    finally:
        timer.cancel()
        child.stdout.close()


def fill_cache(names) -> None:
    """Compile every network in `names` into the disk cache and mark each ready (the child process),
    saying on stdout when each can be stepped op by op (that part first)."""
    for name in names:
        exercise_stepping(name)
        print(STEPPING, name, flush=True)
        exercise(name)
        cache.mark_ready(name, jit.toolchain())


if __name__ == "__main__":
    fill_cache(sys.argv[1:])
