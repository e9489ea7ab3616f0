"""What every CUDA twin (`<net>_cuda.py`) shares: whether a GPU can be used, launch sizes, and the
CPU's scalar kernels compiled for the device.

The twins import this module, which imports `numba.cuda`; nothing else does, so the base install
never needs numba-cuda. Under `NUMBA_ENABLE_CUDASIM=1` (set before Numba is imported) Numba's CUDA
simulator runs the same kernels on the CPU, thread by thread: that is how the tests run them where
no GPU exists.

Determinism: no kernel here uses atomics. Every sum is one thread's loop in a fixed order or a tree
of fixed shape, so a run gives the same bits each time (and rewinding a chunk trained on the GPU
lands on the same state). The GPU's results agree with the NumPy reference to a tolerance, not to
the bit: it fuses multiply-adds and has its own exp, log and tanh.
"""
import functools
import importlib.util
import math
import os
import sys
import types
import warnings

INSTALL = "pip install 'dlsim[cuda]'"


def simulated() -> bool:
    return os.environ.get("NUMBA_ENABLE_CUDASIM", "") not in ("", "0")


@functools.cache
def missing() -> str | None:
    """Why the cuda backend cannot run here (one line: what is missing, how to get it), or None."""
    if simulated():
        return None
    if importlib.util.find_spec("numba_cuda") is None:
        return f"backend 'cuda' needs the numba-cuda package, which is not installed: {INSTALL}"
    try:
        from numba import cuda
        if cuda.is_available():
            return None
    except Exception as error:   # a broken driver or toolkit: say so in one line
        return f"backend 'cuda': the CUDA driver did not start ({type(error).__name__}: {error}); use --backend cpu"
    return ("backend 'cuda' needs an NVIDIA GPU with its driver, and none was found "
            "(numba-cuda is installed); use --backend cpu")


def cuda():
    from numba import cuda as module
    # the one-block and one-thread launches (a sequential rule, a sum in a fixed order) are by design:
    # Numba's warning about an under-used GPU would only print over the app or a headless summary
    warnings.filterwarnings("ignore", message=r"Grid size \d+ will likely result in GPU under-utilization")
    return module


THREADS = 128   # threads per block of the element-wise launches


def blocks(n: int, threads: int = THREADS) -> int:
    return max(1, -(-n // threads))


def block_size(n: int, most: int = 1024) -> int:
    """The smallest power of two ≥ n (at most `most`): the threads of a one-block kernel with a
    tree reduction (a few threads for a tiny map: the simulator runs each thread in Python)."""
    size = 1
    while size < min(n, most):
        size *= 2
    return size


# --- the CPU's scalar kernels as device functions -------------------------------------------------

_twins: dict[int, object] = {}


def device(f, overrides: dict | None = None):
    """`f` (a scalar kernel: an @inline/@kernel of dlsim.kernels, or a plain function) compiled for
    the GPU, with the kernels it calls compiled so too: the device runs the CPU's own formulas.
    `overrides` maps a kernel to the device function to call instead (for the few written over
    NumPy arrays, such as the CPU's vectorised tanh)."""
    overrides = {id(_py(k)): v for k, v in {**_always(), **(overrides or {})}.items()}
    return _device(f, overrides)


@functools.cache
def _always() -> dict:
    """Kernels every twin replaces: the CPU's exp_neg writes a double's exponent bits through a
    scalar view, which the device does not compile; the device's own exp is within an ulp of it."""
    from dlsim.kernels import activations

    @cuda().jit(device=True)
    def exp(x):
        return math.exp(x)
    return {activations.exp_neg: exp}


def _py(f):
    return getattr(f, "py_func", f)


def _device(f, overrides):
    py = _py(f)
    if id(py) in overrides:
        return overrides[id(py)]
    if id(py) not in _twins:
        names = dict(vars(sys.modules[py.__module__]))
        twin = types.FunctionType(py.__code__, names, py.__name__, py.__defaults__, py.__closure__)
        _twins[id(py)] = cuda().jit(device=True)(twin)   # before its callees: they may call back
        for name in py.__code__.co_names:   # the kernels it calls, compiled for the device too
            value = names.get(name)
            if hasattr(value, "py_func") and _py(value).__module__.startswith("dlsim.kernels."):
                names[name] = _device(value, overrides)
    return _twins[id(py)]
