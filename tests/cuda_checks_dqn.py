"""DQN's CUDA twin (dlsim.kernels.dqn_cuda) against the NumPy reference: run by
tests/test_cuda_kernels.py (see tests/cuda_checks.py)."""
import numpy as np

import dlsim
from cuda_checks import close, rewinds_a_gpu_run_to_the_same_state, same, steps_on_the_cpu_kernels, \
    trains_like_the_reference
from dlsim.kernels import dqn_cuda, dqn_reference

OPTIONS = {"hidden": (3,), "replay": 10, "replay_batch": 3, "learn_start": 4, "steps_per_epoch": 12,
           "target_every": 3, "epsilon_decay": 20}
CASES = {"cartpole_adam_relu": dict(),
         "gridworld_sgd_tanh_no_target": dict(dataset="gridworld", optimizer="sgd", lr=0.1, activation="tanh",
                                              target_every=0),
         "momentum_two_layers": dict(optimizer="momentum", hidden=(4, 2), train_every=2)}
STATE = ("theta", "target", "grad", "m", "v", "replay", "env_state", "counters", "floats", "recent")


def steps(kernels, options, count=30):
    m = dlsim.make("dqn", backend="numpy", **{**OPTIONS, **options}).model
    s = {k: getattr(m, k).copy() for k in STATE}
    env = m.environment
    kernels.run_steps(env.code, env.layout, env.params, m.config["seed"], s["theta"], s["target"], s["grad"], s["m"],
                      s["v"], m.sizes, m.acts, *m.optimizer_settings(), m.hyper(), s["replay"], s["env_state"],
                      s["counters"], s["floats"], s["recent"], count)
    return s


def check_run_steps_every_optimizer_activation_and_environment():
    for name, options in CASES.items():
        gpu, ref = steps(dqn_cuda, options), steps(dqn_reference, options)
        assert np.array_equal(gpu["counters"], ref["counters"]), f"{name}: {gpu['counters']} != {ref['counters']}"
        for key in STATE:
            close(f"{name} {key}", gpu[key], ref[key])


def check_run_steps_is_deterministic():
    first, second = steps(dqn_cuda, CASES["momentum_two_layers"]), steps(dqn_cuda, CASES["momentum_two_layers"])
    for key in STATE:
        same(key, first[key], second[key])


def check_trains_like_the_reference():
    trains_like_the_reference("dqn", OPTIONS)


def check_rewinds_a_gpu_run_to_the_same_state():
    rewinds_a_gpu_run_to_the_same_state("dqn", OPTIONS)


def check_steps_on_the_cpu_kernels():
    steps_on_the_cpu_kernels("dqn", OPTIONS)
