"""What the app imports before its first frame: neither Numba (loaded by a worker after the frame,
dlsim.kernels.jit) nor SciPy. The perceptron's separability check imported scipy.optimize with
the model: 0.3 s of every start, app or headless, whatever the network (the first frame at 120×40
took 1.14 s against its 1 s target; 0.83 s without)."""
import subprocess
import sys

FIRST_FRAME = """
import sys
import dlsim.cli, dlsim.models, dlsim.tui.app
print(sorted(m for m in ("numba", "scipy") if m in sys.modules))
"""


def test_the_app_and_the_models_import_neither_numba_nor_scipy():
    out = subprocess.run([sys.executable, "-c", FIRST_FRAME], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_the_perceptron_still_decides_separability():
    """scipy.optimize is imported where it is used: the check works as before."""
    import dlsim
    assert dlsim.make("perceptron", dataset="and").model.separable()
    assert not dlsim.make("perceptron", dataset="xor").model.separable()
