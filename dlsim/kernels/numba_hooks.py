"""What dlsim plugs into Numba: a cache that keeps a kernel's compiled code in cache.directory(), a
dispatcher that compiles a kernel once whatever constants its callers pass, and a listener that sees
every compilation. Imported by jit.load(), together with Numba.

Numba's cache finds its directory through a locator class; ours is a subclass of its base,
`_CacheLocator` (the documented override, NUMBA_CACHE_DIR, would move every cached function in the
process, the user's own too, and is read once, when Numba is first imported). The `numba:compile`
event (Numba's event API) is broadcast when a function is compiled, never when it is loaded from
the disk cache.
"""
import time

from numba.core import event, types
from numba.core.caching import CompileResultCacheImpl, FunctionCache, _CacheLocator
from numba.core.registry import CPUDispatcher

from dlsim.kernels import cache


class _Locator(_CacheLocator):
    """Every kernel in cache.directory(); the directory's name already says which sources it holds."""

    def __init__(self, py_func, py_file):
        self._lineno = py_func.__code__.co_firstlineno
        self._py_file = py_file   # what Numba's warning names when a function cannot be cached

    def get_cache_path(self):
        return str(cache.directory())

    def get_source_stamp(self):
        return cache.key()

    def get_disambiguator(self):
        return str(self._lineno)

    @classmethod
    def from_function(cls, py_func, py_file):
        return cls(py_func, py_file) if cache.directory() is not None else None


class _Impl(CompileResultCacheImpl):
    _locator_classes = [_Locator]


class DiskCache(FunctionCache):
    """What njit(cache=True) installs, with our locator in place of Numba's."""
    _impl_class = _Impl


class KernelDispatcher(CPUDispatcher):
    """njit's dispatcher, compiling a kernel called from a kernel with a constant argument (`f(x, 0)`,
    `g(…, True)`) for the argument's type, not for its value.

    Numba types a constant as a literal and compiles the callee for that value: one more copy of
    its machine code per constant, each copy seconds of compiling, linked into every caller's module
    and compiled again there (the GAN's generator update compiled twice, for True and for False).
    Specialising buys nothing here: the kernels' branches are cheap beside their loops."""

    def get_call_template(self, args, kws):
        return super().get_call_template(tuple(types.unliteral(a) for a in args),
                                         {name: types.unliteral(a) for name, a in kws.items()})


class _Listener(event.Listener):
    def __init__(self, compiles):
        self.compiles = compiles
        self.depth = 0        # compiling a kernel compiles the kernels it calls: time the outermost
        self.since = 0.0

    def on_start(self, ev):
        if self.depth == 0:
            self.since = time.perf_counter()
        self.depth += 1
        self.compiles.started()

    def on_end(self, ev):
        self.depth -= 1
        if self.depth == 0:
            self.compiles.seconds += time.perf_counter() - self.since


def listen(compiles) -> None:
    """Report every compilation in this process to `compiles` (a jit.Compiles)."""
    event.register("numba:compile", _Listener(compiles))
