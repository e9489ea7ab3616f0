"""Q-learning's CUDA twin (dlsim.kernels.qlearn_cuda) against the compiled CPU kernels and the NumPy
reference: run by tests/test_cuda_kernels.py (see tests/cuda_checks.py)."""
import numpy as np

import dlsim
from cuda_checks import rewinds_a_gpu_run_to_the_same_state, same, steps_on_the_cpu_kernels, trains_like_the_reference
from dlsim.kernels import qlearn, qlearn_cuda, qlearn_reference

OPTIONS = {"steps_per_epoch": 40, "epsilon": 0.3}
CASES = {"q_gridworld": dict(), "sarsa_gridworld": dict(rule="sarsa"),
         "q_cliff": dict(dataset="cliff", gamma=1.0), "sarsa_cliff_rewards": dict(dataset="cliff", rule="sarsa", pit_reward=-5.0)}


def epochs(kernels, options, count=3):
    """(Q, state, counters, sums, metrics) after `count` fused epochs on `kernels`."""
    m = dlsim.make("qlearn", backend="numpy", **{**OPTIONS, **options}).model
    Q, state, counters, sums = m.Q.copy(), m.env_state.copy(), m.counters.copy(), m.sums.copy()
    metrics = np.zeros((count, qlearn.METRICS))
    c = m.config
    kernels.train_epochs(Q, m.env.code, m.layout, m.env_params(), int(c["seed"]), qlearn.RULES[c["rule"]],
                         float(c["lr"]), float(c["gamma"]), float(c["epsilon"]), int(c["steps_per_epoch"]),
                         state, counters, sums, metrics)
    return Q, state, counters, sums, metrics


def check_fused_epochs_are_the_cpus_to_the_bit():
    """Under the simulator the device's arithmetic is Python's: the CPU's bits, every rule and world."""
    for name, options in CASES.items():
        for got, want, what in zip(epochs(qlearn_cuda, options), epochs(qlearn, options),
                                   ("Q", "state", "counters", "sums", "metrics")):
            same(f"{name} {what}", got, want)


def check_the_draws_read_on_the_device_are_the_steps_own():
    u, a = np.empty(50), np.empty(50, np.int64)
    qlearn.step_draws(7, 100, 4, u, a)
    for i in range(50):
        assert (u[i], a[i]) == qlearn_reference.draws(7, 100 + i, 4)


def check_trains_like_the_reference():
    trains_like_the_reference("qlearn", OPTIONS)


def check_rewinds_a_gpu_run_to_the_same_state():
    rewinds_a_gpu_run_to_the_same_state("qlearn", OPTIONS)


def check_steps_on_the_cpu_kernels():
    steps_on_the_cpu_kernels("qlearn", OPTIONS)
