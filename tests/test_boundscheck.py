"""No kernel reads outside its arrays: tests run with Numba's bounds checking on, so that a read past
an array's end is an IndexError that fails a test instead of a number read from whatever lies there.

Numba checks bounds when NUMBA_BOUNDSCHECK=1 is set before it is imported, but its disk cache does
not key compiled code on that setting (nor does dlsim's cache directory): a checked run sharing the
usual cache loads the unchecked machine code and checks nothing, and an unchecked run sharing a
checked run's cache gets the slower checked code. So a checked run has a cache of its own.

Where this process already runs bounds-checked (the whole suite can: NUMBA_BOUNDSCHECK=1 set before
Numba is imported, with a cache of its own), the check below only confirms that an out-of-bounds read
fails here. Otherwise it runs
SUBSET in a child process, bounds-checked, with its own cache (kept, so only its first run compiles).
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dlsim.kernels import cache

ROOT = Path(__file__).resolve().parent.parent
# the kernel tests whose kernels compile fastest (about 35 s of compiling when cold, a few s after)
SUBSET = ("tests/test_som_kernels.py", "tests/test_kernels.py")

# a SOM node's squared distance, asked for node 99 of 4: a read past the end of W
OUT_OF_BOUNDS = ("import numpy as np; from dlsim.kernels import som; "
                 "print(som.node_distance2(np.zeros(3), np.zeros((4, 3)), 99))")


def checked_env(cache_dir: Path | None = None) -> dict:
    """The environment of a bounds-checked child: the flag, and a kernel cache of its own."""
    return {**os.environ, "NUMBA_BOUNDSCHECK": "1",
            "DLSIM_CACHE_DIR": str(cache_dir or cache.root() / "boundscheck")}


def bounds_checked_here() -> bool:
    return os.environ.get("NUMBA_BOUNDSCHECK", "").strip() not in ("", "0")


def run(args, env, timeout=600):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=timeout)


def test_an_out_of_bounds_read_fails_only_where_bounds_are_checked(tmp_path):
    checked = run(["-c", OUT_OF_BOUNDS], checked_env(tmp_path / "checked"))
    assert checked.returncode != 0 and "IndexError: index is out of bounds" in checked.stderr
    unchecked = run(["-c", OUT_OF_BOUNDS], {**os.environ, "NUMBA_BOUNDSCHECK": "0",
                                             "DLSIM_CACHE_DIR": str(tmp_path / "unchecked")})
    assert unchecked.returncode == 0, unchecked.stderr   # a number read from past the array's end


def test_the_kernels_run_bounds_checked():
    if bounds_checked_here():
        import numpy as np

        from dlsim.kernels import som
        try:
            som.node_distance2(np.zeros(3), np.zeros((4, 3)), 99)
        except IndexError:
            return
        pytest.fail("NUMBA_BOUNDSCHECK=1 is set, yet a read past an array's end passed: the kernel cache "
                    f"({cache.root()}) holds code compiled without bounds checks; give this run its own")
    out = run(["-m", "pytest", "--noconftest", "-p", "no:cacheprovider", "-n", "0", "-q", *SUBSET],
              checked_env(), timeout=900)
    assert out.returncode == 0, (out.stdout + out.stderr)[-3000:]
