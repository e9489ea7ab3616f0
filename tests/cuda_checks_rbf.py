"""The RBF network's CUDA twin (dlsim.kernels.rbf_cuda) against the NumPy reference: run by
tests/test_cuda_kernels.py (see tests/cuda_checks.py)."""
import numpy as np

from cuda_checks import close, rewinds_a_gpu_run_to_the_same_state, same, steps_on_the_cpu_kernels, \
    trains_like_the_reference
from dlsim.kernels import rbf, rbf_cuda, rbf_reference

# k-means passes, the solve; the delta rule with every parameter learned
OPTIONS = {"centres": 3, "samples": 6, "test": 2, "kmeans": 1}
LEARNED = {"centres": 3, "samples": 6, "test": 2, "placement": "learned", "fit": "delta", "batch": 4,
           "optimizer": "adam", "lr": 0.05}


def epochs(kernels, stage, learned=True, optimizer=2):
    rng = np.random.default_rng(3)
    K, D, N = 3, 2, 7
    X, T = rng.normal(0, 1, (N, D)), rng.normal(0, 1, N)
    theta = np.concatenate([rng.normal(0, 1, K), [0.3], rng.normal(0, 1, K * D), rng.uniform(0.5, 1.5, K)])
    grad, m, v = np.zeros_like(theta), np.zeros_like(theta), np.zeros_like(theta)
    orders = np.stack([rng.permutation(N) for _ in range(2)]).astype(np.int64)
    losses = np.zeros(2)
    ran, steps = kernels.train_epochs(theta, grad, m, v, 0, K, D, learned, np.full(2, stage, np.int64), 3,
                                      optimizer, 0.05, 0.9, 0.9, 0.999, 1e-8, 1e-8, X, T, orders,
                                      np.zeros((K, D)), np.zeros(K), np.zeros((K + 1, K + 1)), np.zeros(K + 1),
                                      losses)
    return {"theta": theta, "losses": losses, "ran": ran, "steps": steps}


def check_every_stage_against_the_reference():
    for stage, learned, optimizer in ((rbf.KMEANS, False, 0), (rbf.SOLVE, False, 0), (rbf.DELTA, False, 1),
                                      (rbf.DELTA, True, 2)):
        gpu, ref = epochs(rbf_cuda, stage, learned, optimizer), epochs(rbf_reference, stage, learned, optimizer)
        assert (gpu["ran"], gpu["steps"]) == (ref["ran"], ref["steps"]), f"stage {stage}: {gpu['steps']} steps"
        for key in ("theta", "losses"):
            close(f"stage {stage} {key}", gpu[key], ref[key])


def check_train_epochs_is_deterministic():
    first, second = epochs(rbf_cuda, rbf.DELTA), epochs(rbf_cuda, rbf.DELTA)
    for key in ("theta", "losses"):
        same(key, first[key], second[key])


def check_trains_like_the_reference():
    trains_like_the_reference("rbf", OPTIONS)
    trains_like_the_reference("rbf", LEARNED)


def check_rewinds_a_gpu_run_to_the_same_state():
    rewinds_a_gpu_run_to_the_same_state("rbf", LEARNED)


def check_steps_on_the_cpu_kernels():
    steps_on_the_cpu_kernels("rbf", LEARNED)


def check_the_bench_times_both_paths():
    """`dlsim bench rbf --backend cuda`'s measurements, on a tiny network (a smoke run)."""
    import dlsim
    from dlsim.bench import rbf_cuda as bench
    m = dlsim.make("rbf", **OPTIONS).model
    (cpu, _), (gpu, per_sample) = bench._rate(rbf, m, 1), bench._rate(rbf_cuda, m, 1)
    assert cpu > 0 and gpu > 0 and per_sample > 0
