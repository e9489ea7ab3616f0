"""The autoencoder's CUDA twin (dlsim.kernels.ae_cuda) against the NumPy reference: run by
tests/test_cuda_kernels.py (see tests/cuda_checks.py)."""
import numpy as np

import dlsim
from cuda_checks import close, rewinds_a_gpu_run_to_the_same_state, same, steps_on_the_cpu_kernels, \
    trains_like_the_reference
from dlsim.kernels import ae_cuda, ae_reference

OPTIONS = {"encoder": (3,), "code": 2, "samples": 8, "test": 2, "batch": 4, "optimizer": "adam"}
CASES = {"sgd_mse": dict(optimizer="sgd", loss="mse"),
         "adam_bce_tied_denoise": dict(optimizer="adam", loss="bce", tied="yes", denoise=0.3),
         "momentum_points_relu": dict(optimizer="momentum", dataset="moons", activation="relu", denoise=0.2)}


def model(**options):
    return dlsim.make("ae", backend="numpy", **{**OPTIONS, "samples": 6, **options}).model


def epochs(kernels, m, count=2):
    orders = np.stack([m.order(e) for e in range(count)]).astype(np.int64)
    theta, grad, mm, v = m.theta.copy(), np.zeros_like(m.theta), np.zeros_like(m.theta), np.zeros_like(m.theta)
    losses = np.zeros(count)
    ran, t = kernels.train_epochs(theta, grad, mm, v, 0, m.sizes, m.acts, m.loss_kind, *m.hyper(), m.tied, m.X,
                                  orders, m.batch_size, losses, float(m.config["denoise"]), m.config["seed"], 0)
    return {"theta": theta, "grad": grad, "m": mm, "v": v, "losses": losses, "ran_steps": (ran, t)}


def check_train_epochs_every_optimizer_loss_tying_and_corruption():
    for name, options in CASES.items():
        m = model(**options)
        gpu, ref = epochs(ae_cuda, m), epochs(ae_reference, m)
        assert gpu["ran_steps"] == ref["ran_steps"], f"{name}: {gpu['ran_steps']} != {ref['ran_steps']}"
        for key in ("theta", "grad", "m", "v", "losses"):
            close(f"{name} {key}", gpu[key], ref[key])


def check_train_epochs_is_deterministic_and_keeps_the_tie():
    m = model(**CASES["adam_bce_tied_denoise"])
    first, second = epochs(ae_cuda, m), epochs(ae_cuda, m)
    for key in ("theta", "grad", "m", "v", "losses"):
        same(key, first[key], second[key])
    layers = ae_reference.unpack(first["theta"], m.sizes)
    same("tied W", layers[0][0], layers[-1][0].T)


def check_trains_like_the_reference():
    trains_like_the_reference("ae", {**OPTIONS, "denoise": 0.25, "tied": "yes"})


def check_rewinds_a_gpu_run_to_the_same_state():
    rewinds_a_gpu_run_to_the_same_state("ae", OPTIONS)


def check_steps_on_the_cpu_kernels():
    steps_on_the_cpu_kernels("ae", {**OPTIONS, "denoise": 0.25})
