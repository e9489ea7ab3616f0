"""jit.glue: an entry point that only makes buffers and calls kernels runs in Python, so that the
kernels under it compile once (a compiled wrapper compiled them all again). Its result is the
kernels' own, and on the `numpy` backend (jit.interpreted) its calls reach the kernels' twins:
nothing compiles there."""
import subprocess
import sys

import numpy as np

from dlsim.kernels import gan, gan_reference, jit
from dlsim.kernels.activations import RELU, TANH

SIZES_G = np.array([2, 4, 3, 2], np.int64)     # z (2) → 4 → 3 → a point (2)
ACTS_G = np.array([TANH, RELU, 0], np.int64)   # the output linear


def _generator():
    rng = np.random.default_rng(5)
    n = jit.interpreted(gan).param_offsets(SIZES_G)[2]
    return rng.normal(0.0, 0.7, n), rng.normal(size=(6, 2))


def _generated(generate):
    theta, Z = _generator()
    out = np.empty((6, 2))
    generate(theta, SIZES_G, ACTS_G, Z, out)
    return out


def test_a_glue_entry_point_gives_its_kernels_result_compiled_and_interpreted():
    compiled, interpreted = _generated(gan.generate), _generated(jit.interpreted(gan).generate)
    assert np.array_equal(compiled, interpreted)
    assert np.allclose(compiled, _generated(gan_reference.generate), rtol=0, atol=1e-12)
    assert np.ptp(compiled) > 0.1   # a real picture, not zeros


NOTHING_COMPILES = """
import sys
sys.path.insert(0, {tests!r})
from test_glue import _generated
from dlsim.kernels import gan, jit
print(_generated(jit.interpreted(gan).generate).sum())
assert "numba" not in sys.modules, "the interpreted glue called compiled kernels"
"""


def test_interpreted_glue_calls_the_interpreted_kernels():
    from pathlib import Path
    run = subprocess.run([sys.executable, "-c", NOTHING_COMPILES.format(tests=str(Path(__file__).parent))],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
