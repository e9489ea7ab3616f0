"""The checks the RNN's and the LSTM's CUDA twins share (tests/cuda_checks_rnn.py, cuda_checks_lstm.py
call them with their modules): fused epochs against the NumPy reference over the options that take
other branches, run to run, the stop on a non-finite loss, the forward pass."""
import numpy as np

from cuda_checks import close, same
from dlsim.kernels import recurrent as rc
from dlsim.kernels import recurrent_reference as common

F, H, O, N, T = 2, 2, 2, 3, 3
BATCH = 2   # batches of 2 and 1: a short last batch
CASES = {"adam, tanh, MSE every step": {"optimizer": "adam"},
         "momentum, ReLU, softmax-CE at the last step, clipped": {"optimizer": "momentum", "activation": "relu",
                                                                  "loss": "softmax_ce", "per_step": False},
         "sgd, two layers, learned h0, truncated to 2": {"layers": 2, "learn_h0": True, "truncate": 2}}


def epochs(kernels, cell, options, lr=0.05, count=2, clip=0.5):
    """The state after `count` fused epochs of 3 sequences in batches of 2 and 1."""
    cfg = rc.config(F, H, O, **cell, **options)
    rng = np.random.default_rng(0)
    theta = rng.normal(0.0, 0.6, common.n_params(cfg))
    X = rng.normal(size=(N, T, F))
    steps = T if cfg[rc.PER_STEP] else 1
    Y = np.eye(O)[rng.integers(0, O, (N, steps))] if cfg[rc.LOSS] == rc.SOFTMAX_CE else rng.normal(size=(N, steps, O))
    orders = np.stack([rng.permutation(N) for _ in range(count)])
    grad, m, v = np.zeros_like(theta), np.zeros_like(theta), np.zeros_like(theta)
    losses, norms, dh = np.zeros(count), np.zeros(count), np.zeros((cfg[rc.LAYERS], T))
    with np.errstate(all="ignore"):
        counts = kernels.train_epochs(theta, grad, m, v, 0, cfg, rc.hyper(lr=lr, clip=clip), X, Y, orders, BATCH, losses,
                                      norms, dh)
    return {"counts": counts, "theta": theta, "grad": grad, "m": m, "v": v, "losses": losses, "norms": norms,
            "dh_norms": dh}


def train_epochs_agree(twin, ref, cell):
    for name, options in CASES.items():
        gpu, want = epochs(twin, cell, options), epochs(ref, cell, options)
        assert gpu["counts"] == want["counts"], f"{name}: counts {gpu['counts']} != {want['counts']}"
        for key, value in want.items():
            if key != "counts":
                close(f"{name} {key}", gpu[key], value)


def train_epochs_is_deterministic(twin, cell):
    first, second = [epochs(twin, cell, CASES["adam, tanh, MSE every step"], count=1) for _ in range(2)]
    for key, value in first.items():
        if key != "counts":
            same(key, second[key], value)


def train_epochs_stops_where_the_loss_is_not_finite(twin, ref, cell):
    options = {"activation": "relu"} if cell["gates"] == 1 else {}
    gpu, want = epochs(twin, cell, options, lr=1e200, count=4, clip=0.0), \
        epochs(ref, cell, options, lr=1e200, count=4, clip=0.0)
    assert gpu["counts"] == want["counts"] and gpu["counts"][0] < 4, f"{gpu['counts']}, reference {want['counts']}"


def outputs_agree(twin, ref, cell):
    cfg = rc.config(F, H, O, **cell, layers=2)
    rng = np.random.default_rng(1)
    theta, X = rng.normal(0.0, 0.6, common.n_params(cfg)), rng.normal(size=(3, T, F))
    close("logits", twin.outputs(theta, cfg, X), ref.outputs(theta, cfg, X))
