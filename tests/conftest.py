"""Before the tests start: fill the kernel cache (dlsim.kernels.cache) in two processes at once, half
of the registered networks each, when it is cold. Otherwise every pytest-xdist worker would compile
the same kernels itself the first time a test needs them (about two minutes of compiling, done twice)."""
import os
import subprocess
import sys

import pytest

# Every kernel in the suite runs with Numba's bounds checking (set before Numba is first imported;
# the warm-up children and xdist workers inherit it): a read past an array's end is an IndexError
# that fails the test, not a number read from whatever lies there. Checked kernels are cached apart
# from unchecked ones (dlsim.kernels.cache.key). NUMBA_BOUNDSCHECK=0 runs the suite unchecked.
os.environ.setdefault("NUMBA_BOUNDSCHECK", "1")

PROCESSES = 2   # the README's machine has two cores


def groups(names) -> list[list[str]]:
    """The networks dealt out in registry order, one process each (~70 s of compiling each)."""
    names = list(names)
    return [names[k::PROCESSES] for k in range(PROCESSES)]


def pytest_sessionstart(session):
    if hasattr(session.config, "workerinput"):
        return   # a worker: the controller has warmed the cache before starting it
    from dlsim.kernels import cache
    from dlsim.models import MODELS
    from dlsim.sim.warmup import CHILD
    if cache.directory() is None:
        return   # nothing would be kept: each test compiles what it needs
    cold = [[name for name in group if not cache.ready(name)] for group in groups(MODELS)]
    workers = [subprocess.Popen([sys.executable, "-m", CHILD, *names],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
               for names in cold if names]
    for worker in workers:
        worker.wait(timeout=900)


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    """A fresh progress file per test, never the learner's own: `lesson list` and the home screen
    show each lesson's progress, and tests play lessons."""
    monkeypatch.setenv("DLSIM_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"
