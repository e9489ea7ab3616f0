"""The CUDA kernels against their NumPy references, and the cuda backend behind the API: each
network's checks (tests/cuda_checks_<net>.py) in a process of its own, on the GPU where one can be
used, else under Numba's CUDA simulator (which must be switched on before Numba is imported: this
process has imported it). A network's CUDA twin brings its checks module; nothing here changes."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dlsim.errors import UserError
from dlsim.kernels import _BUILT, gpu

HERE = Path(__file__).parent
MODULES = sorted(path.stem for path in HERE.glob("cuda_checks_*.py"))


def run_checks(module: str) -> dict:
    on_gpu = gpu.missing() is None and not gpu.simulated()
    # the checkout under test first on the path (a script's own folder would be: the installed dlsim)
    path = os.pathsep.join(filter(None, (str(HERE.parent), os.environ.get("PYTHONPATH"))))
    env = {**os.environ, "PYTHONPATH": path, **({} if on_gpu else {"NUMBA_ENABLE_CUDASIM": "1"})}
    out = subprocess.run([sys.executable, str(HERE / "cuda_checks.py"), module], capture_output=True,
                         text=True, timeout=300, env=env, cwd=HERE.parent)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("module", MODULES)
def test_cuda_agrees_with_the_reference_and_with_itself(module):
    """Every CUDA kernel against its NumPy reference (every optimizer, loss, neighbourhood and
    decay), two runs to the same bits; the network on backend="cuda" trained against the reference,
    a GPU-trained run rewound, stepping on the CPU's kernels."""
    results = run_checks(module)
    assert results, "no check ran"
    failed = {name: why for name, why in results.items() if why}
    assert not failed, "\n".join(f"{name}: {why}" for name, why in failed.items())


def test_a_network_without_kernels_on_a_backend_is_one_line():
    """A network whose GPU twin is not written yet: a one-line UserError (still an AttributeError)."""
    with pytest.raises(UserError, match="backend 'cuda' has no kernels for hopfield yet; use --backend cpu"):
        _BUILT["cuda"].hopfield
    assert not hasattr(_BUILT["cpu"], "hopfield")
