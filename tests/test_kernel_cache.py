"""Compiled kernels on disk: an edit to any kernel source (a helper another kernel inlines included)
is never answered by stale machine code, and a cache that cannot be written costs speed, not a run.

Each test runs a copy of the package in fresh processes, with its own cache directory.
"""
import shutil
import subprocess
import sys
from pathlib import Path

import dlsim

# mlp._output_deltas inlines losses.batch_loss, so its result is the MSE helper's (a − y)² summed.
SCRIPT = """
import numpy as np
from dlsim.kernels import activations, cache, losses, mlp
zT = np.array([[0.5, -1.0]])
aT = 1.0 / (1.0 + np.exp(-zT))
dT = np.zeros_like(zT)
print(repr(mlp._output_deltas(zT, aT, np.array([[1.0], [0.0]]), losses.MSE, activations.SIGMOID, dT)))
print(cache.problem)
"""
MSE_TERM = "return (a - y) ** 2"


def copy_package(tmp_path: Path) -> Path:
    shutil.copytree(Path(dlsim.__file__).parent, tmp_path / "dlsim",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def run(where: Path, cache_dir: str) -> list[str]:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(where), "DLSIM_CACHE_DIR": cache_dir}
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=where, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return done.stdout.splitlines()


def test_editing_a_helper_that_another_file_inlines_takes_effect(tmp_path):
    where = copy_package(tmp_path)
    cache_dir = str(tmp_path / "cache")
    before, _ = run(where, cache_dir)            # compiles, fills the cache
    assert run(where, cache_dir)[0] == before    # loads it: same result
    losses = where / "dlsim" / "kernels" / "losses.py"
    source = losses.read_text()
    assert MSE_TERM in source
    losses.write_text(source.replace(MSE_TERM, "return 2.0 * (a - y) ** 2"))
    after, _ = run(where, cache_dir)
    assert float(after) == 2.0 * float(before)   # the edited helper runs, not the cached machine code


def test_an_unwritable_cache_directory_still_runs_and_says_why(tmp_path):
    where = copy_package(tmp_path)
    result, problem = run(where, "/dev/null/dlsim-cache")    # a path no one can create
    a = 1.0 / (1.0 + 2.718281828459045 ** -0.5)
    assert abs(float(result) - ((a - 1.0) ** 2 + (1.0 / (1.0 + 2.718281828459045) - 0.0) ** 2) / 2) < 1e-12
    assert problem.startswith("not cached: cannot write to /dev/null/dlsim-cache")
