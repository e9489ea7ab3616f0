"""The RBM's CUDA twin (dlsim.kernels.rbm_cuda) against the NumPy reference and the CPU's kernels:
run by tests/test_cuda_kernels.py (see tests/cuda_checks.py)."""
import numpy as np

from cuda_checks import close, rewinds_a_gpu_run_to_the_same_state, same, steps_on_the_cpu_kernels, \
    trains_like_the_reference
from dlsim.kernels import rbm, rbm_cuda, rbm_reference

OPTIONS = {"hidden": 3, "samples": 7, "test": 2, "batch": 3}
PERSISTENT = {**OPTIONS, "method": "pcd", "k": 2, "optimizer": "adam", "lr": 0.05}


def epochs(kernels, persistent, optimizer):
    rng = np.random.default_rng(3)
    V, H, N, B = 5, 3, 7, 3
    X = (rng.random((N, V)) < 0.5).astype(float)
    theta = rng.normal(0, 0.5, V * H + V + H)
    buffers = [np.zeros_like(theta) for _ in range(5)]
    orders = np.stack([rng.permutation(N) for _ in range(2)]).astype(np.int64)
    chains, ends, losses = X[:B].copy(), X[:B].copy(), np.zeros(2)
    ran, steps = kernels.train_epochs(theta, *buffers, 0, V, H, 2, persistent, optimizer, 0.1, 0.9, 0.9, 0.999, 1e-8,
                                      X, orders, B, chains, ends, 4, 0, losses)
    return {"theta": theta, "chains": chains, "losses": losses, "ran": ran, "steps": steps}


def check_train_epochs_against_the_reference_and_the_cpu():
    for persistent, optimizer in ((False, 0), (True, 2)):
        gpu = epochs(rbm_cuda, persistent, optimizer)
        for other in (rbm_reference, rbm):
            want = epochs(other, persistent, optimizer)
            assert (gpu["ran"], gpu["steps"]) == (want["ran"], want["steps"])
            for key in ("theta", "chains", "losses"):
                close(f"persistent={persistent} {key}", gpu[key], want[key])


def check_train_epochs_is_deterministic():
    first, second = epochs(rbm_cuda, True, 2), epochs(rbm_cuda, True, 2)
    for key in ("theta", "chains", "losses"):
        same(key, first[key], second[key])


def check_trains_like_the_reference():
    trains_like_the_reference("rbm", OPTIONS)
    trains_like_the_reference("rbm", PERSISTENT)


def check_rewinds_a_gpu_run_to_the_same_state():
    rewinds_a_gpu_run_to_the_same_state("rbm", PERSISTENT)


def check_steps_on_the_cpu_kernels():
    steps_on_the_cpu_kernels("rbm", PERSISTENT)
