"""The CNN's CUDA twin (dlsim.kernels.cnn_cuda) against the NumPy reference: run by
tests/test_cuda_kernels.py (see tests/cuda_checks.py)."""
import numpy as np

from cuda_checks import close, rewinds_a_gpu_run_to_the_same_state, same, steps_on_the_cpu_kernels, \
    trains_like_the_reference
from dlsim.kernels import cnn, cnn_cuda, cnn_reference
from dlsim.kernels.activations import RELU, TANH
from dlsim.kernels.optimizers import ADAM, MOMENTUM, SGD

OPTIONS = {"samples": 3, "test": 1, "batch": 0, "kernels": (1,), "image": 8}
# (optimizer, conv layers as (stride, padding, activation, pool), hidden units, frozen conv layers)
CASES = {"adam, valid, relu, max, hidden 3": (ADAM, [(1, cnn.VALID, RELU, cnn.MAX)], 3, 0),
         "momentum, same stride 2, tanh, mean": (MOMENTUM, [(2, cnn.SAME, TANH, cnn.MEAN)], 0, 0),
         "sgd, two layers, no pool then max, first frozen": (
             SGD, [(1, cnn.VALID, RELU, cnn.NONE), (1, cnn.SAME, RELU, cnn.MAX)], 2, 1)}


def network(layers, hidden, side=6):
    rows = [dict(kernels=2, size=3, stride=s, padding=p, act=a, pool=pool) for s, p, a, pool in layers]
    return cnn.network((1, side, side), rows, 2, hidden)


def epochs(kernels, case, lr=0.1, count=2):
    """The state after `count` fused epochs of 3 images in batches of 2 and 1."""
    opt_kind, layers, hidden, frozen_layers = case
    conv, sizes = network(layers, hidden)
    po = cnn.param_offsets.py_func(conv, sizes)
    rng = np.random.default_rng(0)
    theta = rng.normal(0.0, 0.5, po[-1])
    X, Y = rng.normal(size=(3, 1, 6, 6)), np.eye(2)[rng.integers(0, 2, 3)]
    orders = np.stack([rng.permutation(3) for _ in range(count)])
    grad, m, v, losses = np.zeros_like(theta), np.zeros_like(theta), np.zeros_like(theta), np.zeros(count)
    frozen = int(po[2 * frozen_layers])
    with np.errstate(all="ignore"):
        counts = kernels.train_epochs(theta, grad, m, v, 0, frozen, conv, sizes, layers[0][2], opt_kind, lr, 0.9, 0.9,
                                      0.999, 1e-8, X, Y, orders, 2, losses)
    return {"counts": tuple(int(c) for c in counts), "theta": theta, "grad": grad, "m": m, "v": v, "losses": losses}


def check_train_epochs_every_layer_kind_and_optimizer_and_frozen_kernels():
    for name, case in CASES.items():
        gpu, ref = epochs(cnn_cuda, case), epochs(cnn_reference, case)
        assert gpu["counts"] == ref["counts"], f"{name}: counts {gpu['counts']} != {ref['counts']}"
        for key, value in ref.items():
            if key != "counts":
                close(f"{name} {key}", gpu[key], value)
        if case[3]:   # the frozen layers' parameters (first in theta) keep their bits
            po = cnn.param_offsets.py_func(*network(case[1], case[2]))
            frozen = int(po[2 * case[3]])
            same(f"{name} frozen", gpu["theta"][:frozen], np.random.default_rng(0).normal(0.0, 0.5, po[-1])[:frozen])


def check_train_epochs_is_deterministic():
    first, second = [epochs(cnn_cuda, CASES["adam, valid, relu, max, hidden 3"], count=1) for _ in range(2)]
    for key, value in first.items():
        if key != "counts":
            same(key, second[key], value)


def check_train_epochs_stops_where_the_loss_is_not_finite():
    case = (SGD, [(1, cnn.VALID, RELU, cnn.NONE)], 0, 0)
    gpu, ref = epochs(cnn_cuda, case, lr=1e200, count=4), epochs(cnn_reference, case, lr=1e200, count=4)
    assert gpu["counts"] == ref["counts"] and gpu["counts"][0] < 4, f"{gpu['counts']}, reference {ref['counts']}"


def check_predict_and_evaluate():
    conv, sizes = network([(1, cnn.SAME, TANH, cnn.MAX)], 3)
    rng = np.random.default_rng(4)
    theta = rng.normal(0.0, 0.5, cnn.param_offsets.py_func(conv, sizes)[-1])
    X, Y = rng.normal(size=(4, 1, 6, 6)), np.eye(2)[rng.integers(0, 2, 4)]
    (Pg, Qg), (Pr, Qr) = [(np.zeros((4, 2)), np.zeros((4, 2))) for _ in range(2)]
    cnn_cuda.predict(theta, conv, sizes, TANH, X, Pg)
    cnn_reference.predict(theta, conv, sizes, TANH, X, Pr)
    close("predict", Pg, Pr)
    close("evaluate's loss", cnn_cuda.evaluate(theta, conv, sizes, TANH, X, Y, Qg),
          cnn_reference.evaluate(theta, conv, sizes, TANH, X, Y, Qr))
    close("evaluate's probabilities", Qg, Qr)


def check_trains_like_the_reference():
    trains_like_the_reference("cnn", OPTIONS)


def check_rewinds_a_gpu_run_to_the_same_state():
    rewinds_a_gpu_run_to_the_same_state("cnn", OPTIONS)


def check_steps_on_the_cpu_kernels():
    steps_on_the_cpu_kernels("cnn", OPTIONS)


def check_the_bench_times_both_paths():
    """`dlsim bench cnn --backend cuda`'s measurements, on a tiny CNN (a smoke run)."""
    import dlsim
    from dlsim.bench import cnn_cuda as bench
    from dlsim.bench import gpu_timing
    m = dlsim.make("cnn", **OPTIONS).model
    case = bench.Case(m.theta, m.conv, m.sizes, m.dense_act, m.X, m.Y, m.batch_size)
    (cpu, _), (gpu, step) = bench._rate(cnn, case, 1, 1), bench._rate(cnn_cuda, case, 1, 1)
    line = gpu_timing.row("cnn", cpu, gpu, case.moved(), step, 1e12)
    assert line.count("s/s") == 2 and "GB/s" in line and "%" in line, line
