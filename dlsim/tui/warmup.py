"""Make a network's compiled kernels ready in this process before the learner needs them.

With a warm disk cache (dlsim.kernels.cache) that is loading, about a second. The first run after an
install or an edit compiles instead, for seconds; compiling is mostly Python and would hold the GIL
against the app's event loop, so it runs in a child process (`python -m dlsim.tui.warmup NAME`) that
fills the cache, and this process then only loads it. The app calls `warm(name)` from a thread worker
after its first frame, and says meanwhile what is happening: `compiling(name)`.
"""
import gc
import subprocess
import sys
import threading

from dlsim.kernels import cache, jit, readiness

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
    """Run every code path of `name` the app uses, on a tiny simulation."""
    from dlsim.models import model_class
    from dlsim.sim.simulator import Simulator
    from dlsim.tui.session import Session
    from dlsim.tui.views import view_for
    cls = model_class(name)
    for config in cls.warm_up_configs:   # the variants whose compiled code differs
        session = Session(Simulator(name, seed=0, **cls.warm_up_size, **config))
        while session.step("op").closes < 3:   # one whole batch, op by op, and its update
            pass
        session.step("batch")
        session.step("epoch")
        session.back("op")
        session.run_chunk()   # from inside an epoch this only finishes it, op by op …
        session.run_chunk()   # … so a second one runs whole epochs on the fused path
        session.model.exercise()
        view = view_for(name)
        if view is not None:   # what the network's view computes with each frame (a decision surface)
            view(session).exercise(session.model)


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
                    subprocess.run([sys.executable, "-m", "dlsim.tui.warmup", name], timeout=600,
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


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        exercise(arg)
        cache.mark_ready(arg, jit.toolchain())
