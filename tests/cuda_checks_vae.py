"""The variational autoencoder's CUDA twin (dlsim.kernels.vae_cuda) against the NumPy reference: run
by tests/test_cuda_kernels.py (see tests/cuda_checks.py)."""
import numpy as np

import dlsim
from cuda_checks import close, rewinds_a_gpu_run_to_the_same_state, same, steps_on_the_cpu_kernels, \
    trains_like_the_reference
from dlsim.kernels import vae_cuda, vae_reference

OPTIONS = {"encoder": (3,), "code": 2, "samples": 8, "test": 2, "batch": 4, "optimizer": "adam"}
CASES = {"sgd_bce": dict(optimizer="sgd"),
         "adam_mse_beta": dict(optimizer="adam", loss="mse", beta=0.5),
         "momentum_points_relu": dict(optimizer="momentum", dataset="moons", loss="mse", activation="relu")}


def model(**options):
    return dlsim.make("vae", backend="numpy", **{**OPTIONS, "samples": 6, **options}).model


def epochs(kernels, m, count=2):
    orders = np.stack([m.order(e) for e in range(count)]).astype(np.int64)
    theta, grad, mm, v = m.theta.copy(), np.zeros_like(m.theta), np.zeros_like(m.theta), np.zeros_like(m.theta)
    losses = np.zeros(count)
    ran, t = kernels.train_epochs(theta, grad, mm, v, 0, *m._layout(), m.loss_kind, *m.hyper(),
                                  float(m.config["beta"]), m.X, orders, m.batch_size, losses, m.config["seed"], 0)
    return {"theta": theta, "grad": grad, "m": mm, "v": v, "losses": losses, "ran_steps": (ran, t)}


def check_train_epochs_every_optimizer_loss_and_beta():
    for name, options in CASES.items():
        m = model(**options)
        gpu, ref = epochs(vae_cuda, m), epochs(vae_reference, m)
        assert gpu["ran_steps"] == ref["ran_steps"], f"{name}: {gpu['ran_steps']} != {ref['ran_steps']}"
        for key in ("theta", "grad", "m", "v", "losses"):
            close(f"{name} {key}", gpu[key], ref[key])


def check_train_epochs_is_deterministic():
    m = model(**CASES["adam_mse_beta"])
    first, second = epochs(vae_cuda, m), epochs(vae_cuda, m)
    for key in ("theta", "grad", "m", "v", "losses"):
        same(key, first[key], second[key])


def check_trains_like_the_reference():
    trains_like_the_reference("vae", {**OPTIONS, "beta": 0.7})


def check_rewinds_a_gpu_run_to_the_same_state():
    rewinds_a_gpu_run_to_the_same_state("vae", OPTIONS)


def check_steps_on_the_cpu_kernels():
    steps_on_the_cpu_kernels("vae", OPTIONS)
