"""The transformer's CUDA twin (dlsim.kernels.transformer_cuda) against the NumPy reference: run by
tests/test_cuda_kernels.py (see tests/cuda_checks.py)."""
import numpy as np

import dlsim
from dlsim.errors import UserError
from cuda_checks import close, rewinds_a_gpu_run_to_the_same_state, same, steps_on_the_cpu_kernels, \
    trains_like_the_reference
from dlsim.kernels import transformer_cuda, transformer_reference

# momentum for the shared checks: a key bias's gradient is zero in exact arithmetic (the softmax does
# not move when every score of a row moves alike), so its rounding noise, whose sign depends on the
# order of the sums, is what Adam divides by its own size: Adam's key biases agree to 1e-10 only
OPTIONS = {"length": 2, "d_model": 8, "heads": 2, "mlp": 4, "samples": 6, "test": 2, "batch": 4,
           "optimizer": "momentum"}
ADAM = {"rtol": 1e-9, "atol": 1e-9}
CASES = {"adam_pre_causal": dict(optimizer="adam"),
         "sgd_post_bidirectional_two_blocks": dict(optimizer="sgd", norm="post", causal="no", layers=2),
         "momentum_sinusoidal_unscaled_brackets": dict(optimizer="momentum", position="sinusoidal", scaled="no",
                                                       dataset="brackets")}


def model(**options):
    return dlsim.make("transformer", backend="numpy", **{**OPTIONS, **options}).model


def epochs(kernels, m, count=2):
    orders = np.stack([m.order(e) for e in range(count)]).astype(np.int64)
    theta, grad, mm, v = m.theta.copy(), np.zeros_like(m.theta), np.zeros_like(m.theta), np.zeros_like(m.theta)
    losses = np.zeros(count)
    ran, t = kernels.train_epochs(theta, grad, mm, v, 0, m.cfg, m.hyper(), m.X, m.Y, orders, m.batch_size, losses, 0)
    return {"theta": theta, "grad": grad, "m": mm, "v": v, "losses": losses, "ran_steps": (ran, t)}


def check_train_epochs_every_optimizer_norm_mask_and_position():
    for name, options in CASES.items():
        m = model(**options)
        gpu, ref = epochs(transformer_cuda, m), epochs(transformer_reference, m)
        assert gpu["ran_steps"] == ref["ran_steps"], f"{name}: {gpu['ran_steps']} != {ref['ran_steps']}"
        for key in ("theta", "grad", "m", "v", "losses"):
            if options["optimizer"] == "adam":
                assert np.allclose(gpu[key], ref[key], **ADAM), f"{name} {key}: differs"
            else:
                close(f"{name} {key}", gpu[key], ref[key])


def check_train_epochs_is_deterministic():
    m = model(**CASES["adam_pre_causal"])
    first, second = epochs(transformer_cuda, m), epochs(transformer_cuda, m)
    for key in ("theta", "grad", "m", "v", "losses"):
        same(key, first[key], second[key])


def check_trains_like_the_reference():
    trains_like_the_reference("transformer", OPTIONS)


def check_rewinds_a_gpu_run_to_the_same_state():
    rewinds_a_gpu_run_to_the_same_state("transformer", OPTIONS)


def check_steps_on_the_cpu_kernels():
    steps_on_the_cpu_kernels("transformer", OPTIONS)


def check_refuses_dropout_in_one_line():
    sim = dlsim.make("transformer", backend="cuda", dropout=0.1, **OPTIONS)
    try:
        sim.train(epochs=1)
    except UserError as error:
        assert "dropout" in str(error) and "\n" not in str(error)
    else:
        raise AssertionError("the GPU trained with dropout")
