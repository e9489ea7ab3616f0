"""The diffusion model's CUDA twin (dlsim.kernels.diffusion_cuda) against the NumPy reference: run by
tests/test_cuda_kernels.py (see tests/cuda_checks.py)."""
import numpy as np

import dlsim
from cuda_checks import close, rewinds_a_gpu_run_to_the_same_state, same, steps_on_the_cpu_kernels, \
    trains_like_the_reference
from dlsim.kernels import diffusion_cuda, diffusion_reference

OPTIONS = {"hidden": (3,), "embed": 1, "samples": 8, "batch": 4, "T": 10, "generated": 4, "optimizer": "adam"}
CASES = {"sgd_tanh": dict(optimizer="sgd", activation="tanh"),
         "adam_relu_cosine": dict(optimizer="adam", schedule="cosine"),
         "momentum_full_batch": dict(optimizer="momentum", batch=0, hidden=(4, 2))}


def model(**options):
    return dlsim.make("diffusion", backend="numpy", **{**OPTIONS, "samples": 6, **options}).model


def epochs(kernels, m, count=2):
    orders = np.stack([m.order(e) for e in range(count)]).astype(np.int64)
    ts, eps = m.epoch_draws(0, count)
    theta, grad, mm, v = m.theta.copy(), np.zeros_like(m.theta), np.zeros_like(m.theta), np.zeros_like(m.theta)
    losses = np.zeros(count)
    ran, t = kernels.train_epochs(theta, grad, mm, v, 0, m.sizes, m.acts, m.loss_kind, *m.hyper(), m.X, orders,
                                  m.batch_size, losses, ts, eps, m.sqrt_ab, m.sqrt_1mab, m.T)
    return {"theta": theta, "grad": grad, "m": mm, "v": v, "losses": losses, "ran_steps": (ran, t)}


def check_train_epochs_every_optimizer_activation_and_schedule():
    for name, options in CASES.items():
        m = model(**options)
        gpu, ref = epochs(diffusion_cuda, m), epochs(diffusion_reference, m)
        assert gpu["ran_steps"] == ref["ran_steps"], f"{name}: {gpu['ran_steps']} != {ref['ran_steps']}"
        for key in ("theta", "grad", "m", "v", "losses"):
            close(f"{name} {key}", gpu[key], ref[key])


def check_train_epochs_is_deterministic():
    m = model(**CASES["adam_relu_cosine"])
    first, second = epochs(diffusion_cuda, m), epochs(diffusion_cuda, m)
    for key in ("theta", "grad", "m", "v", "losses"):
        same(key, first[key], second[key])


def check_trains_like_the_reference():
    trains_like_the_reference("diffusion", OPTIONS)


def check_rewinds_a_gpu_run_to_the_same_state():
    rewinds_a_gpu_run_to_the_same_state("diffusion", OPTIONS)


def check_steps_on_the_cpu_kernels():
    steps_on_the_cpu_kernels("diffusion", OPTIONS)
