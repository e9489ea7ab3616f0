"""Numeric kernels: arrays in, arrays out.

Models reach their whole-batch kernels through a backend, one namespace per network
(`backend("cpu").mlp.train_epochs`), so they never know which runs: `cpu` (Numba, compiled and
cached on first use) or `numpy` (the plain references, no compilation). `cuda` is reserved: a GPU
backend will promise agreement with the reference to a tolerance, where the CPU backends promise
the same bits on the stepped and the compiled paths (`exact`).
"""
from dataclasses import dataclass
from types import SimpleNamespace

from dlsim.errors import UserError

BACKENDS = ("cpu", "numpy")   # built
RESERVED = ("cuda",)          # named, not built yet


@dataclass(frozen=True)
class Backend:
    name: str
    exact: bool                 # stepped and compiled paths agree to the bit (else: to a tolerance)
    compiles: bool              # its kernels are compiled (numpy: never; nothing to warm up)
    mlp: SimpleNamespace        # forward, backward, train_batch, train_epochs, mean_loss
    perceptron: SimpleNamespace  # train_epochs
    som: SimpleNamespace        # train_epochs, errors

    def __deepcopy__(self, memo):   # code, not state: a model's deep copy shares it
        return self

    def __getattr__(self, net: str):
        """A network without a field above: its kernel module, dlsim/kernels/<net>.py, or on a
        backend that does not compile its NumPy reference, dlsim/kernels/<net>_reference.py."""
        if net.startswith("_"):
            raise AttributeError(net)
        import importlib
        return importlib.import_module(f"dlsim.kernels.{net}" + ("" if self.compiles else "_reference"))


def _cpu() -> Backend:
    from dlsim.kernels import losses, mlp, perceptron, som
    return Backend("cpu", True, True,
                   SimpleNamespace(forward=mlp.forward, backward=mlp.backward, train_batch=mlp.train_batch,
                                   train_epochs=mlp.train_epochs, mean_loss=losses.mean_loss),
                   SimpleNamespace(train_epochs=perceptron.train_epochs),
                   SimpleNamespace(train_epochs=som.train_epochs, errors=som.errors))


def _numpy() -> Backend:
    from dlsim.kernels import reference as ref
    from dlsim.kernels import som_reference
    # not exact: the MLP's vectorised reference sums in another order than the stepped scalar kernels
    # (a last-bit difference); the perceptron's and the SOM's agree to the bit
    return Backend("numpy", False, False,
                   SimpleNamespace(forward=ref.mlp_forward_into, backward=ref.mlp_backward_into,
                                   train_batch=ref.mlp_train_batch, train_epochs=ref.mlp_train_epochs,
                                   mean_loss=ref.mean_loss),
                   SimpleNamespace(train_epochs=ref.perceptron_train_epochs),
                   SimpleNamespace(train_epochs=som_reference.train_epochs, errors=som_reference.errors))


def backend(name: str) -> Backend:
    if name == "cpu":
        return _cpu()
    if name == "numpy":
        return _numpy()
    if name in RESERVED:
        raise UserError(f"backend '{name}' is not built yet; use one of: {', '.join(BACKENDS)}")
    raise ValueError(f"unknown backend {name!r}")
