"""The CUDA kernels' checks, run in a process of their own (tests/test_cuda_kernels.py starts it):
under Numba's CUDA simulator where no GPU exists (NUMBA_ENABLE_CUDASIM=1 must be set before Numba
is imported, and the test process has imported it already), on the GPU where one is.

    python tests/cuda_checks.py GROUP     # prints one JSON object: check name -> null or what failed

Sizes are tiny: the simulator runs every GPU thread in Python. Each check compares a CUDA kernel
(or a model on backend="cuda") with the NumPy reference within TOLERANCE, and the GPU with itself
(same bits run to run).
"""
import json
import sys
import traceback

import numpy as np

import dlsim
from dlsim.kernels import mlp_cuda, mlp_reference, perceptron_cuda, perceptron_reference
from dlsim.kernels import som_cuda, som_reference

# what the cuda backend promises against the NumPy reference, after a few epochs on these sizes: the
# GPU fuses multiply-adds and has its own exp, log and tanh, each within an ulp or two
TOLERANCE = {"rtol": 1e-9, "atol": 1e-12}
CHECKS = {}


def check(group):
    def register(f):
        CHECKS.setdefault(group, {})[f.__name__] = f
        return f
    return register


def close(name, got, want):
    assert np.allclose(got, want, **TOLERANCE), f"{name}: differs by {np.max(np.abs(np.subtract(got, want))):.3g}"


def same(name, a, b):
    assert np.array_equal(a, b), f"{name}: not the same bits (by {np.max(np.abs(np.subtract(a, b))):.3g})"


# --- every kernel against its reference --------------------------------------------------------

MLP_CASES = {"sgd_bce_tanh": dict(optimizer="sgd", loss="bce", activation="tanh"),
             "adam_softmax_relu": dict(optimizer="adam", loss="softmax_ce", activation="relu", dataset="xor4"),
             "momentum_mse_sigmoid": dict(optimizer="momentum", loss="mse", activation="sigmoid")}


def mlp_model(**options):
    options = {"dataset": "xor", "hidden": (3, 2), "samples": 6, "test": 2, "batch": 4, **options}
    return dlsim.make("mlp", backend="numpy", **options).model


def mlp_epochs(kernels, m, epochs=2):
    """The state after `epochs` fused epochs (6 samples in batches of 4 and 2) from m's weights."""
    orders = np.stack([m.order(e) for e in range(epochs)]).astype(np.int64)
    theta, grad, mm, v = m.theta.copy(), np.zeros_like(m.theta), np.zeros_like(m.theta), np.zeros_like(m.theta)
    losses = np.zeros(epochs)
    ran, t = kernels.train_epochs(theta, grad, mm, v, 0, m.sizes, m.acts, m.loss_kind, *m.hyper(), m.X, m.Y,
                                  orders, m.batch_size, losses)
    return {"theta": theta, "grad": grad, "m": mm, "v": v, "losses": losses, "ran_steps": (ran, t)}


@check("kernels")
def mlp_train_epochs_every_optimizer_and_loss():
    for name, options in MLP_CASES.items():
        m = mlp_model(**options)
        gpu, ref = mlp_epochs(mlp_cuda, m), mlp_epochs(mlp_reference, m)
        assert gpu["ran_steps"] == ref["ran_steps"], f"{name}: (epochs, steps) {gpu['ran_steps']} != {ref['ran_steps']}"
        for key in ("theta", "grad", "m", "v", "losses"):
            close(f"{name} {key}", gpu[key], ref[key])


@check("kernels")
def mlp_train_epochs_is_deterministic():
    m = mlp_model(**MLP_CASES["adam_softmax_relu"])
    first, second = mlp_epochs(mlp_cuda, m), mlp_epochs(mlp_cuda, m)
    for key in ("theta", "grad", "m", "v", "losses"):
        same(key, first[key], second[key])


@check("kernels")
def mlp_train_epochs_stops_where_the_loss_is_not_finite():
    m = mlp_model(lr=1e6, loss="bce", activation="linear", hidden=(4, 4))   # NaN in the third epoch
    gpu, ref = mlp_epochs(mlp_cuda, m, 5), mlp_epochs(mlp_reference, m, 5)
    assert gpu["ran_steps"] == ref["ran_steps"] == (3, 6), f"{gpu['ran_steps']}, reference {ref['ran_steps']}"


@check("kernels")
def mlp_forward_over_a_grid():
    m = mlp_model(**MLP_CASES["adam_softmax_relu"])
    grid = np.stack(np.meshgrid(np.linspace(-1, 1, 3), np.linspace(-1, 1, 3)), -1).reshape(-1, 2)
    units = int(m.sizes.sum())
    (Zg, Ag), (Zr, Ar) = [(np.zeros((9, units)), np.zeros((9, units))) for _ in range(2)]
    mlp_cuda.forward(m.theta, m.sizes, m.acts, grid, Zg, Ag)
    mlp_reference.forward(m.theta, m.sizes, m.acts, grid, Zr, Ar)
    close("Z", Zg, Zr)
    close("A", Ag, Ar)


SOM_CASES = {"gaussian_exponential_rectangular": (0, 0, False), "mexican_hat_linear_hexagonal": (3, 1, True),
             "bubble_asymptotic": (1, 2, False), "triangle_exponential": (2, 0, True)}


def som_epochs(kernels, kind, decay, hexagonal, epochs=2):
    rng = np.random.default_rng(3)
    X, W = rng.random((10, 3)), rng.random((6, 3))
    pos = som_reference.grid_positions(2, 3, hexagonal)
    orders = np.stack([rng.permutation(10) for _ in range(epochs)])
    qe, te = np.zeros(epochs), np.zeros(epochs)
    t = kernels.train_epochs(W, pos, X, orders, 5, 30.0, 0.5, 1.5, decay, kind, qe, te)
    return {"W": W, "qe": qe, "te": te, "t": t}


@check("kernels")
def som_train_epochs_every_neighbourhood_and_decay():
    for name, case in SOM_CASES.items():
        gpu, ref = som_epochs(som_cuda, *case), som_epochs(som_reference, *case)
        assert gpu["t"] == ref["t"], f"{name}: sample count {gpu['t']} != {ref['t']}"
        for key in ("W", "qe", "te"):
            close(f"{name} {key}", gpu[key], ref[key])


@check("kernels")
def som_train_epochs_is_deterministic():
    first, second = som_epochs(som_cuda, 0, 0, False), som_epochs(som_cuda, 0, 0, False)
    for key in ("W", "qe", "te"):
        same(key, first[key], second[key])


@check("kernels")
def som_errors():
    rng = np.random.default_rng(4)
    X, W, pos = rng.random((7, 2)), rng.random((6, 2)), som_reference.grid_positions(2, 3, False)
    close("errors", som_cuda.errors(X, W, pos), som_reference.errors(X, W, pos))


@check("kernels")
def som_a_tied_distance_goes_to_the_lower_node():
    """Nodes 1 and 4 as near to every sample: node 1 is the BMU (as on the CPU), so the pull centres
    on it; the threads' pairs are merged across the tree, where the tie is decided."""
    rng = np.random.default_rng(5)
    X, W, pos = rng.random((5, 2)), rng.random((6, 2)), som_reference.grid_positions(2, 3, False)
    W[4] = W[1]
    X[0] = W[1] + 0.01   # the first sample's BMU is one of the two
    orders = np.arange(5)[None, :]
    results = []
    for kernels in (som_cuda, som_reference):
        w = W.copy()
        kernels.train_epochs(w, pos, X, orders, 0, 50.0, 0.5, 0.8, 0, 0, np.zeros(1), np.zeros(1))
        results.append(w)
    close("W", *results)


@check("kernels")
def perceptron_train_epochs_to_convergence():
    m = dlsim.make("perceptron", backend="numpy", dataset="blobs").model
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


@check("kernels")
def the_gpu_benches_time_both_paths():
    """`dlsim bench NET --backend cuda`'s measurements, on a tiny net and map (a smoke run)."""
    from dlsim.bench import gpu_timing
    from dlsim.bench import mlp_cuda as mlp_bench
    from dlsim.bench import som_cuda as som_bench
    from dlsim.kernels import mlp, som
    m = dlsim.make("mlp", hidden=(3,), samples=8, test=2, batch=4).model
    (cpu, _), (gpu, step) = mlp_bench._rate(mlp, m, 1, 1), mlp_bench._rate(mlp_cuda, m, 1, 1)
    line = gpu_timing.row("mlp", cpu, gpu, mlp_bench._moved(m), step, 1e12)
    assert line.count("s/s") == 2 and "GB/s" in line and "%" in line, line
    s = dlsim.make("som", rows=2, cols=3, samples=8).model
    (cpu, _), (gpu, per_sample) = som_bench._rate(som, s, 1), som_bench._rate(som_cuda, s, 1)
    assert cpu > 0 and gpu > 0 and per_sample > 0


# --- the backend behind the API ----------------------------------------------------------------

MODELS = {"perceptron": {"dataset": "blobs"}, "som": {"rows": 2, "cols": 3, "samples": 8},
          "mlp": {"dataset": "xor", "hidden": (3,), "samples": 8, "test": 2, "batch": 4, "optimizer": "adam"}}


@check("models")
def every_network_trains_on_cuda_like_the_reference():
    for name, options in MODELS.items():
        gpu, ref = dlsim.make(name, backend="cuda", **options), dlsim.make(name, backend="numpy", **options)
        assert gpu.model.kernels.name == "cuda"
        gpu.train(epochs=2)
        ref.train(epochs=2)
        for key, value in ref.params.items():
            close(f"{name} {key}", gpu.params[key], value)
        for key, value in ref.history[-1].items():
            close(f"{name} {key}", gpu.history[-1][key], value)


@check("models")
def rewinding_a_run_trained_on_the_gpu_lands_on_the_same_state():
    for name, options in MODELS.items():
        sim = dlsim.make(name, backend="cuda", **options)
        sim.train(epochs=3)                    # one fused run of three epochs
        after = {k: v.copy() for k, v in sim.params.items()}
        sim.back("epoch")                      # splits the run: two epochs, then one
        sim.train(epochs=1)
        for key, value in after.items():
            same(f"{name} {key} (replayed)", sim.params[key], value)


@check("models")
def back_a_batch_inside_an_epoch_trained_on_the_gpu_goes_to_its_start():
    options = MODELS["mlp"]
    sim = dlsim.make("mlp", backend="cuda", **options)
    sim.train(epochs=1)
    start = {k: v.copy() for k, v in sim.params.items()}
    sim.train(epochs=1)
    sim.back("batch")   # the epoch ran on the GPU: its batches are not replayed on the CPU
    for key, value in start.items():
        same(f"mlp {key}", sim.params[key], value)


@check("models")
def stepping_on_cuda_runs_the_cpu_kernels_to_their_bits():
    for name, options in MODELS.items():
        gpu, cpu = dlsim.make(name, backend="cuda", **options), dlsim.make(name, **options)
        for _ in range(30):
            a, b = gpu.step("op"), cpu.step("op")
            assert (a.op, a.path) == (b.op, b.path)
        gpu.step("batch")
        cpu.step("batch")
        for key, value in cpu.params.items():
            same(f"{name} {key} (stepped)", gpu.params[key], value)


@check("models")
def the_mlp_decision_surface_is_computed_on_the_gpu():
    options = MODELS["mlp"]
    gpu, ref = dlsim.make("mlp", backend="cuda", **options), dlsim.make("mlp", backend="numpy", **options)
    grid = np.stack(np.meshgrid(np.linspace(-2, 2, 4), np.linspace(-2, 2, 4)), -1).reshape(-1, 2)
    close("scores", gpu.model.scores(grid), ref.model.scores(grid))


def main(group: str) -> None:
    failures = {}
    for name, run in CHECKS[group].items():
        try:
            run()
            failures[name] = None
        except Exception as error:
            failures[name] = f"{type(error).__name__}: {error}" + (
                "" if isinstance(error, AssertionError) else "\n" + traceback.format_exc(limit=-3))
    print(json.dumps(failures))


if __name__ == "__main__":
    main(sys.argv[1])
