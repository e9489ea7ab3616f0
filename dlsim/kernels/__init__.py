"""Numeric kernels: arrays in, arrays out.

Models reach their whole-batch kernels through a backend, one namespace per network
(`backend("cpu").mlp.train_epochs`), so they never know which runs: `cpu` (Numba, compiled and
cached on first use), `numpy` (the plain references, no compilation) or `cuda` (the fused path on an
NVIDIA GPU, `dlsim.kernels.<net>_cuda`, needing the `dlsim[cuda]` extra). The CPU backends promise
the same bits on the stepped and the compiled paths (`exact`); the GPU promises agreement with the
reference to a tolerance, and the same bits run to run.
"""
import importlib
from dataclasses import dataclass

from dlsim.errors import UserError

BACKENDS = ("cpu", "numpy", "cuda")   # built
RESERVED = ()                         # named, not built yet
_MODULES: dict = {}                   # module name -> module, once imported


class NoKernels(UserError, AttributeError):
    """A network asked of a backend that has no kernels for it (a GPU twin not written yet): one
    line for the user, and still an AttributeError for getattr and hasattr."""


@dataclass(frozen=True)
class Backend:
    """A model's kernels: `backend.<net>` is the module holding that network's whole-batch kernels,
    `dlsim.kernels.<net>` (compiled), `dlsim.kernels.<net>_reference` (NumPy) or
    `dlsim.kernels.<net>_cuda` (GPU), which define the same names with the same signatures. A new
    network adds its modules; nothing here changes."""
    name: str
    exact: bool                 # stepped and compiled paths agree to the bit (else: to a tolerance)
    compiles: bool              # its kernels are compiled (numpy: never; nothing to warm up)
    suffix: str                 # the module name's ending after the network's name
    # a fused run gives the bits its epochs give run as compiled batches, so the stepper may replay
    # one as the other (cuda: the run is on the GPU, the batches on the CPU)
    fused_exact: bool = True

    def __getattr__(self, net: str):
        if net.startswith("_"):
            raise AttributeError(net)
        name = f"dlsim.kernels.{net}{self.suffix}"
        found = _MODULES.get(name)
        if found is not None:   # a fused run looks its kernels up every epoch: 4 µs through importlib
            return found
        try:
            _MODULES[name] = found = importlib.import_module(name)
            return found
        except ModuleNotFoundError as missing:
            if missing.name != name:
                raise   # the module exists; something it imports does not
            raise NoKernels(f"backend '{self.name}' has no kernels for {net} yet; use --backend cpu") from None

    def scalar(self, module) -> "Scalar":
        """The scalar kernels a model calls one at a time while stepping (a kernel module's
        functions): compiled on a compiling backend (on the CPU for cuda, where a launch would cost
        more than the work), run by Python on the others."""
        if self.compiles:
            return Scalar(module)
        from dlsim.kernels.jit import interpreted
        return Scalar(interpreted(module))

    def __deepcopy__(self, memo):   # code, not state: a model's deep copy shares it
        return self


class Scalar:
    """A kernel module's functions, looked up at each call (Numba replaces its placeholders in the
    module once loaded). Code, not state: a model's deep copy shares it."""

    def __init__(self, functions):
        self._functions = functions

    def __getattr__(self, name):
        return getattr(self._functions, name)

    def __deepcopy__(self, memo):
        return self


# numpy is not exact: the MLP's vectorised reference sums in another order than the stepped scalar
# kernels (a last-bit difference); the perceptron's and the SOM's agree to the bit
_BUILT = {"cpu": Backend("cpu", True, True, ""), "numpy": Backend("numpy", False, False, "_reference"),
          "cuda": Backend("cuda", False, True, "_cuda", fused_exact=False)}


def unavailable(name: str) -> str | None:
    """Why a built backend cannot run on this machine (one line: what is missing and how to get
    it), or None."""
    if name == "cuda":
        from dlsim.kernels.gpu import missing
        return missing()
    return None


def backend(name: str) -> Backend:
    if name in _BUILT:
        problem = unavailable(name)
        if problem:
            raise UserError(problem)
        return _BUILT[name]
    if name in RESERVED:
        raise UserError(f"backend '{name}' is not built yet; use one of: {', '.join(BACKENDS)}")
    raise ValueError(f"unknown backend {name!r}")
