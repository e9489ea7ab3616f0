"""The decorators of the CPU kernels; Numba itself is loaded on the first call of a kernel.

kernel: njit(nogil=True, error_model="numpy"), compiled code kept on disk (dlsim.kernels.cache), a
  constant argument compiled for its type, not its value (numba_hooks.KernelDispatcher).
  nogil=True: a kernel running in a worker thread never freezes the app's event loop.
  error_model="numpy": a division by zero gives inf/NaN as in NumPy instead of raising, which also
  removes the per-division checks that stop LLVM from vectorising loops.
inline: the same with inline="always", for small scalar helpers called once per weight or per neuron
  inside the batch loops: Numba compiles each function on its own and LLVM never sees across, so an
  ordinary call costs tens of ns there; inline="always" splices the helper into its caller's IR.
glue: not compiled at all, for an entry point that only makes buffers and calls kernels (see glue()).

Importing Numba takes about a third of a second, which the app's first frame should not wait for,
and the constants and NumPy references beside the kernels need no compiler. So kernel and inline
return a `Lazy` placeholder; the first call of any kernel (or `load()`) imports Numba and replaces
every placeholder by its dispatcher, in the kernel modules' globals too, where Numba looks up the
kernels a kernel calls. A placeholder imported elsewhere forwards to its dispatcher.
"""
import math
import sys
import threading
import types
from functools import update_wrapper

import numpy as np

OPTIONS = {"nogil": True, "error_model": "numpy"}


class Compiles:
    """What Numba compiled in this process (loading from the disk cache is not compiling)."""

    def __init__(self):
        self.seconds = 0.0        # wall time spent compiling
        self.watchers = []        # called (in the compiling thread) when a compilation starts

    def started(self) -> None:
        for watcher in list(self.watchers):
            watcher()


compiles = Compiles()
_lock = threading.RLock()
_waiting: list["Lazy"] = []   # placeholders made before Numba was loaded
_loaded = False               # whether Numba is imported and the placeholders replaced


class Lazy:
    """A kernel whose dispatcher is made on first use; calls and attributes go to the dispatcher."""

    def __init__(self, py_func, options: dict):
        update_wrapper(self, py_func)
        self.py_func, self.options, self.dispatcher = py_func, options, None

    def __call__(self, *args):
        return (self.dispatcher or self._load())(*args)

    def __getattr__(self, name):   # .stats, .signatures, …: only reached for what Lazy lacks
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.dispatcher or self._load(), name)

    def _load(self):
        load()
        return self.dispatcher

    def __deepcopy__(self, memo):   # code, not state: a model's deep copy shares it
        return self

    def __repr__(self):
        return f"<kernel {self.__module__}.{self.__qualname__}>"


def _decorator(**options):
    def decorate(py_func):
        with _lock:
            if _loaded:
                return _dispatcher(py_func, options)
            lazy = Lazy(py_func, options)
            _waiting.append(lazy)
            return lazy
    return decorate


kernel = _decorator()
inline = _decorator(inline="always")


def glue(py_func):
    """An entry point that only makes buffers and calls kernels: run by Python, never compiled.

    Numba links a copy of every kernel a kernel calls into the caller's module, where LLVM optimises
    it and emits its machine code again: a thin compiled wrapper (a workspace, then one call) took
    as long to compile as everything under it, 2–3 s each on a 2-core machine. Run by Python it
    costs microseconds a call, and the kernel it calls compiles once, shared with the fused path.
    The `numpy` backend runs it as it runs a kernel (`interpreted`): its calls reach the twins.
    """
    py_func.glue = True
    return py_func


def _python_twin_needed(value) -> bool:
    return (isinstance(value, Lazy) or getattr(value, "glue", False) is True
            or (hasattr(value, "py_func") and hasattr(value, "signatures")))


def _dispatcher(py_func, options: dict):
    from dlsim.kernels import cache, numba_hooks
    dispatcher = numba_hooks.KernelDispatcher(py_func=py_func, locals={},
                                              targetoptions={"nopython": True, **OPTIONS, **options})
    if cache.directory() is not None:
        dispatcher._cache = numba_hooks.DiskCache(py_func)   # as njit(cache=True) does, elsewhere
    return dispatcher


def load() -> None:
    """Import Numba and turn every placeholder into its dispatcher (once; any thread may call it)."""
    global _loaded
    with _lock:
        if _loaded:
            return
        from dlsim.kernels import numba_hooks
        numba_hooks.listen(compiles)
        _loaded = True
        made = {id(lazy): _dispatcher(lazy.py_func, lazy.options) for lazy in _waiting}
        for module in list(sys.modules.values()):   # before any kernel can compile: see above
            if getattr(module, "__name__", "").startswith("dlsim.kernels."):
                for name, value in list(vars(module).items()):
                    if isinstance(value, Lazy):
                        setattr(module, name, made[id(value)])
        for lazy in _waiting:
            lazy.dispatcher = made[id(lazy)]
        _waiting.clear()


def toolchain() -> str:
    """What compiled code depends on besides the sources: the Python and Numba versions."""
    load()
    import numba
    return f"python {sys.version.split()[0]} numba {numba.__version__}"


# --- the same kernels without Numba (the `numpy` backend's op-by-op stepping) -----------------------

class _Math:
    """`math` for interpreted kernels: NumPy's functions, so that an overflow gives inf (and a
    division by zero inf or NaN) as the compiled kernels' error_model="numpy" does, not an exception."""
    exp, log, log1p, sqrt, tanh, copysign, isfinite = np.exp, np.log, np.log1p, np.sqrt, np.tanh, np.copysign, np.isfinite
    sin, cos = np.sin, np.cos
    inf, pi, e = math.inf, math.pi, math.e


_twins: dict[int, object] = {}
_globals: dict[str, dict] = {}


def _twin(f):
    """The Python function of a kernel, whose calls of other kernels reach their twins too."""
    py = getattr(f, "py_func", f)
    if id(py) not in _twins:
        _twins[id(py)] = types.FunctionType(py.__code__, _python_globals(py.__module__), py.__name__,
                                            py.__defaults__, py.__closure__)
    return _twins[id(py)]


def _python_globals(module_name: str) -> dict:
    if module_name not in _globals:
        names = dict(vars(sys.modules[module_name]))
        _globals[module_name] = names   # before filling it: kernels may call each other
        for name, value in list(names.items()):
            if _python_twin_needed(value):
                names[name] = _twin(value)
            elif value is math:
                names[name] = _Math
            elif isinstance(value, types.ModuleType) and value.__name__.startswith("dlsim.kernels."):
                names[name] = interpreted(value)   # `env.step(…)` inside a kernel: the twin too
    return _globals[module_name]


_namespaces: dict[str, types.SimpleNamespace] = {}


def interpreted(module) -> types.SimpleNamespace:
    """A kernel module's kernels run by Python, never compiled: for a model on the `numpy` backend,
    whose stepping calls the scalar kernels one at a time. Floating-point warnings are silenced as
    in the compiled code (inf and NaN are results, which the divergence watchdog reports)."""
    def quiet(f):
        def call(*args):
            with np.errstate(all="ignore"):
                return f(*args)
        return update_wrapper(call, f)
    if module.__name__ not in _namespaces:
        space = _namespaces[module.__name__] = types.SimpleNamespace()   # before filling: modules may refer to each other
        for name, value in list(vars(module).items()):
            if not name.startswith("__"):
                setattr(space, name, quiet(_twin(value)) if _python_twin_needed(value) else value)
    return _namespaces[module.__name__]
