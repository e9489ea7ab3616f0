"""The CUDA kernels against their NumPy references, and the cuda backend behind the API: run by
tests/cuda_checks.py in a process of its own, on the GPU where one can be used, else under Numba's
CUDA simulator (which must be switched on before Numba is imported: this process has imported it)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dlsim.kernels import gpu

CHECKS = Path(__file__).with_name("cuda_checks.py")


def run_checks(group: str) -> dict:
    on_gpu = gpu.missing() is None and not gpu.simulated()
    env = {**os.environ, **({} if on_gpu else {"NUMBA_ENABLE_CUDASIM": "1"})}
    out = subprocess.run([sys.executable, str(CHECKS), group], capture_output=True, text=True,
                         timeout=300, env=env, cwd=Path(__file__).parent.parent)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("group", ["kernels", "models"])
def test_cuda_agrees_with_the_reference_and_with_itself(group):
    """kernels: every CUDA kernel against its NumPy reference (every optimizer, loss, neighbourhood
    and decay), two runs to the same bits. models: every network trained with backend="cuda"
    against the reference, rewinding a GPU-trained run, stepping on the CPU's kernels."""
    results = run_checks(group)
    assert results, "no check ran"
    failed = {name: why for name, why in results.items() if why}
    assert not failed, "\n".join(f"{name}: {why}" for name, why in failed.items())
