"""The MLP's CUDA twin (dlsim.kernels.mlp_cuda) against the NumPy reference: run by
tests/test_cuda_kernels.py (see tests/cuda_checks.py)."""
import numpy as np

import dlsim
from cuda_checks import close, rewinds_a_gpu_run_to_the_same_state, same, steps_on_the_cpu_kernels, \
    trains_like_the_reference
from dlsim.kernels import mlp, mlp_cuda, mlp_reference

OPTIONS = {"dataset": "xor", "hidden": (3,), "samples": 8, "test": 2, "batch": 4, "optimizer": "adam"}
CASES = {"sgd_bce_tanh": dict(optimizer="sgd", loss="bce", activation="tanh"),
         "adam_softmax_relu": dict(optimizer="adam", loss="softmax_ce", activation="relu", dataset="xor4"),
         "momentum_mse_sigmoid": dict(optimizer="momentum", loss="mse", activation="sigmoid")}


def model(**options):
    options = {"dataset": "xor", "hidden": (3, 2), "samples": 6, "test": 2, "batch": 4, **options}
    return dlsim.make("mlp", backend="numpy", **options).model


def epochs(kernels, m, count=2):
    """The state after `count` fused epochs (6 samples in batches of 4 and 2) from m's weights."""
    orders = np.stack([m.order(e) for e in range(count)]).astype(np.int64)
    theta, grad, mm, v = m.theta.copy(), np.zeros_like(m.theta), np.zeros_like(m.theta), np.zeros_like(m.theta)
    losses = np.zeros(count)
    ran, t = kernels.train_epochs(theta, grad, mm, v, 0, m.sizes, m.acts, m.loss_kind, *m.hyper(), m.X, m.Y,
                                  orders, m.batch_size, losses)
    return {"theta": theta, "grad": grad, "m": mm, "v": v, "losses": losses, "ran_steps": (ran, t)}


def check_train_epochs_every_optimizer_and_loss():
    for name, options in CASES.items():
        m = model(**options)
        gpu, ref = epochs(mlp_cuda, m), epochs(mlp_reference, m)
        assert gpu["ran_steps"] == ref["ran_steps"], f"{name}: (epochs, steps) {gpu['ran_steps']} != {ref['ran_steps']}"
        for key in ("theta", "grad", "m", "v", "losses"):
            close(f"{name} {key}", gpu[key], ref[key])


def check_train_epochs_is_deterministic():
    m = model(**CASES["adam_softmax_relu"])
    first, second = epochs(mlp_cuda, m), epochs(mlp_cuda, m)
    for key in ("theta", "grad", "m", "v", "losses"):
        same(key, first[key], second[key])


def check_train_epochs_stops_where_the_loss_is_not_finite():
    m = model(lr=1e6, loss="bce", activation="linear", hidden=(4, 4))   # NaN in the third epoch
    gpu, ref = epochs(mlp_cuda, m, 5), epochs(mlp_reference, m, 5)
    assert gpu["ran_steps"] == ref["ran_steps"] == (3, 6), f"{gpu['ran_steps']}, reference {ref['ran_steps']}"


def check_forward_over_a_grid():
    m = model(**CASES["adam_softmax_relu"])
    grid = np.stack(np.meshgrid(np.linspace(-1, 1, 3), np.linspace(-1, 1, 3)), -1).reshape(-1, 2)
    units = int(m.sizes.sum())
    (Zg, Ag), (Zr, Ar) = [(np.zeros((9, units)), np.zeros((9, units))) for _ in range(2)]
    mlp_cuda.forward(m.theta, m.sizes, m.acts, grid, Zg, Ag)
    mlp_reference.forward(m.theta, m.sizes, m.acts, grid, Zr, Ar)
    close("Z", Zg, Zr)
    close("A", Ag, Ar)


def check_trains_like_the_reference():
    trains_like_the_reference("mlp", OPTIONS)


def check_rewinds_a_gpu_run_to_the_same_state():
    rewinds_a_gpu_run_to_the_same_state("mlp", OPTIONS)


def check_steps_on_the_cpu_kernels():
    steps_on_the_cpu_kernels("mlp", OPTIONS)


def check_back_a_batch_inside_an_epoch_trained_on_the_gpu_goes_to_its_start():
    sim = dlsim.make("mlp", backend="cuda", **OPTIONS)
    sim.train(epochs=1)
    start = {k: v.copy() for k, v in sim.params.items()}
    sim.train(epochs=1)
    sim.back("batch")   # the epoch ran on the GPU: its batches are not replayed on the CPU
    for key, value in start.items():
        same(f"mlp {key}", sim.params[key], value)


def check_the_decision_surface_is_computed_on_the_gpu():
    gpu, ref = dlsim.make("mlp", backend="cuda", **OPTIONS), dlsim.make("mlp", backend="numpy", **OPTIONS)
    grid = np.stack(np.meshgrid(np.linspace(-2, 2, 4), np.linspace(-2, 2, 4)), -1).reshape(-1, 2)
    close("scores", gpu.model.scores(grid), ref.model.scores(grid))


def check_the_bench_times_both_paths():
    """`dlsim bench mlp --backend cuda`'s measurements, on a tiny net (a smoke run)."""
    from dlsim.bench import gpu_timing
    from dlsim.bench import mlp_cuda as bench
    m = dlsim.make("mlp", hidden=(3,), samples=8, test=2, batch=4).model
    (cpu, _), (gpu, step) = bench._rate(mlp, m, 1, 1), bench._rate(mlp_cuda, m, 1, 1)
    line = gpu_timing.row("mlp", cpu, gpu, bench._moved(m), step, 1e12)
    assert line.count("s/s") == 2 and "GB/s" in line and "%" in line, line
