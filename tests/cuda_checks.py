"""The runner and the shared checks of the CUDA tests. Each network's checks are a module
`tests/cuda_checks_<net>.py` of functions named check_*; tests/test_cuda_kernels.py runs each module
in a process of its own: under Numba's CUDA simulator where no GPU can be used (NUMBA_ENABLE_CUDASIM=1
must be set before Numba is imported, and the test process has imported it already), on the GPU
where one can.

    python tests/cuda_checks.py cuda_checks_mlp   # prints one JSON object: check -> null or what failed

Sizes are tiny: the simulator runs every GPU thread in Python. A check compares a CUDA kernel (or a
model on backend="cuda") with the NumPy reference within TOLERANCE, or the GPU with itself (the
same bits run to run).
"""
import importlib
import json
import sys
import traceback

import numpy as np

import dlsim
from dlsim.kernels import gpu

# what the cuda backend promises against the NumPy reference, after a few epochs on these sizes: the
# GPU fuses multiply-adds and has its own exp, log and tanh, each within an ulp or two
TOLERANCE = {"rtol": 1e-9, "atol": 1e-12}


def close(name, got, want):
    assert np.allclose(got, want, **TOLERANCE), f"{name}: differs by {np.max(np.abs(np.subtract(got, want))):.3g}"


def same(name, a, b):
    assert np.array_equal(a, b), f"{name}: not the same bits (by {np.max(np.abs(np.subtract(a, b))):.3g})"


# --- what every network on backend="cuda" must do (each module calls these with its options) -------

def trains_like_the_reference(name, options):
    gpu, ref = dlsim.make(name, backend="cuda", **options), dlsim.make(name, backend="numpy", **options)
    assert gpu.model.kernels.name == "cuda"
    gpu.train(epochs=2)
    ref.train(epochs=2)
    for key, value in ref.params.items():
        close(f"{name} {key}", gpu.params[key], value)
    for key, value in ref.history[-1].items():
        if value is None:   # not measured (no accuracy for a regression): not measured on the GPU either
            assert gpu.history[-1][key] is None, f"{name} {key}: measured on the GPU only"
        else:
            close(f"{name} {key}", gpu.history[-1][key], value)


def rewinds_a_gpu_run_to_the_same_state(name, options):
    sim = dlsim.make(name, backend="cuda", **options)
    sim.train(epochs=2)                    # one fused run of two epochs
    after = {k: v.copy() for k, v in sim.params.items()}
    sim.back("epoch")                      # splits the run: one epoch, then one
    sim.train(epochs=1)
    for key, value in after.items():
        same(f"{name} {key} (replayed)", sim.params[key], value)


def steps_on_the_cpu_kernels(name, options):
    """Stepping on cuda runs the CPU's compiled kernels: the CPU's numbers, to the bit."""
    gpu, cpu = dlsim.make(name, backend="cuda", **options), dlsim.make(name, **options)
    for _ in range(30):
        a, b = gpu.step("op"), cpu.step("op")
        assert (a.op, a.path) == (b.op, b.path)
    gpu.step("batch")
    cpu.step("batch")
    for key, value in cpu.params.items():
        same(f"{name} {key} (stepped)", gpu.params[key], value)


# threads per block of the element-wise launches under the simulator, which runs every thread in Python
# whether or not it has an element (128 on a GPU): eight cost a sixteenth, and put every buffer of more
# than eight numbers on several blocks, so the paths across blocks run too
SIMULATED_THREADS = 8


def fewer_threads_when_simulated() -> None:
    """The launches read gpu.THREADS when they run, and gpu.blocks's default: both change together.
    The recurrent nets' gradient clipping is one block of up to recurrent_cuda.MOST threads (read
    when it runs, as its shared array's size): with eight, each thread folds several numbers."""
    if gpu.simulated():
        from dlsim.kernels import recurrent_cuda
        gpu.THREADS = recurrent_cuda.MOST = SIMULATED_THREADS
        gpu.blocks.__defaults__ = (SIMULATED_THREADS,)


def main(module: str) -> None:
    fewer_threads_when_simulated()
    checks = {name: f for name, f in vars(importlib.import_module(module)).items()
              if name.startswith("check_") and callable(f)}
    failures = {}
    for name, run in checks.items():
        try:
            run()
            failures[name] = None
        except Exception as error:
            failures[name] = f"{type(error).__name__}: {error}" + (
                "" if isinstance(error, AssertionError) else "\n" + traceback.format_exc(limit=-3))
    print(json.dumps(failures))


if __name__ == "__main__":
    main(sys.argv[1])
