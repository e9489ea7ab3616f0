"""The kernels' dispatcher (dlsim.kernels.numba_hooks.KernelDispatcher): a kernel that other kernels
call with constants compiles once, for the constants' types. Numba's own compiles one copy per
constant value, each seconds of a learner's first start, linked into every caller and compiled again
there."""
from numba.core.registry import CPUDispatcher

from dlsim.kernels import jit

jit.load()
from dlsim.kernels.numba_hooks import KernelDispatcher  # noqa: E402  (after Numba is loaded, as jit does)

OPTIONS = {"nopython": True, **jit.OPTIONS}


def _scaled(x, k):
    return x * k


def _compiled(cls):
    """A kernel calling `scaled` with two int constants and a bool: its value, and scaled's copies."""
    scaled = cls(py_func=_scaled, locals={}, targetoptions=OPTIONS)

    def callers(x):
        return scaled(x, 2) + scaled(x, 3) + scaled(x, True)
    return cls(py_func=callers, locals={}, targetoptions=OPTIONS)(1.5), scaled.signatures


def test_constants_passed_by_kernels_compile_one_copy_for_their_type():
    value, signatures = _compiled(KernelDispatcher)
    assert value == 1.5 * 2 + 1.5 * 3 + 1.5 * True
    assert [str(s) for s in signatures] == ["(float64, int64)", "(float64, bool)"]


def test_numbas_own_dispatcher_compiles_a_copy_per_constant():
    """What the dispatcher is there for (if Numba stops specialising, it is no longer needed)."""
    _, signatures = _compiled(CPUDispatcher)
    assert len(signatures) == 3
