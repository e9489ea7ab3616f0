"""The perceptron's CUDA twin (dlsim.kernels.perceptron_cuda) against the NumPy reference: run by
tests/test_cuda_kernels.py (see tests/cuda_checks.py)."""
import numpy as np

import dlsim
from cuda_checks import close, rewinds_a_gpu_run_to_the_same_state, steps_on_the_cpu_kernels, \
    trains_like_the_reference
from dlsim.kernels import perceptron_cuda, perceptron_reference

OPTIONS = {"dataset": "blobs"}


def check_train_epochs_to_convergence():
    m = dlsim.make("perceptron", backend="numpy", **OPTIONS).model
    orders = np.stack([m.order(e) for e in range(6)]).astype(np.int64)
    results = []
    for kernels in (perceptron_cuda, perceptron_reference):
        w, errors = m.theta[:-1].copy(), np.zeros(6, np.int64)
        ran, b = kernels.train_epochs(w, float(m.theta[-1]), m.X, m.y, float(m.config["lr"]), orders, errors)
        results.append((ran, b, w, errors))
    (ran, b, w, errors), (ran_r, b_r, w_r, errors_r) = results
    assert ran == ran_r, f"epochs run {ran} != {ran_r}"
    close("b", b, b_r)
    close("w", w, w_r)
    assert np.array_equal(errors[:ran], errors_r[:ran]), f"errors per epoch {errors} != {errors_r}"


def check_trains_like_the_reference():
    trains_like_the_reference("perceptron", OPTIONS)


def check_rewinds_a_gpu_run_to_the_same_state():
    rewinds_a_gpu_run_to_the_same_state("perceptron", OPTIONS)


def check_steps_on_the_cpu_kernels():
    steps_on_the_cpu_kernels("perceptron", OPTIONS)
