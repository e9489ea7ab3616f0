"""Numeric kernels: arrays in, arrays out.

Models reach the whole-batch kernels through a backend namespace, so they never know which runs:
`cpu` (Numba, compiled and cached on first use) or `numpy` (the plain references, no compilation).
"""
from types import SimpleNamespace

BACKENDS = ("cpu", "numpy")


def backend(name: str) -> SimpleNamespace:
    if name == "cpu":
        from dlsim.kernels import losses, mlp
        return SimpleNamespace(name="cpu", mlp_forward=mlp.forward, mlp_backward=mlp.backward,
                               mlp_train_batch=mlp.train_batch, mlp_train_epochs=mlp.train_epochs,
                               mean_loss=losses.mean_loss)
    if name == "numpy":
        from dlsim.kernels import reference as ref
        return SimpleNamespace(name="numpy", mlp_forward=ref.mlp_forward_into,
                               mlp_backward=ref.mlp_backward_into, mlp_train_batch=ref.mlp_train_batch,
                               mlp_train_epochs=ref.mlp_train_epochs, mean_loss=ref.mean_loss)
    raise ValueError(f"unknown backend {name!r}")
