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
import inspect
import json
import sys
import threading
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


def threads_in_turn_when_simulated() -> None:
    """The simulator starts an operating-system thread for every GPU thread of every launch, and its
    block waits for them by polling while holding the GIL: under the suite's load each costs
    milliseconds, most of these checks' time. A kernel that never waits for its block's other
    threads (no syncthreads in its module) runs its threads here one after another instead, in this
    thread: one schedule a GPU could choose, the same arrays with the simulator's bounds checks. The
    others (the SOM's and the recurrent nets' block reductions) keep the simulator's threads."""
    if not gpu.simulated():
        return
    from numba.cuda.simulator import kernel as simulated
    threaded = simulated.BlockManager.run
    waits = {}

    def run(manager, grid_point, *args):
        module = inspect.getmodule(manager._f)
        if module not in waits:
            waits[module] = module is None or "syncthreads" in inspect.getsource(module)
        if waits[module]:
            return threaded(manager, grid_point, *args)
        here = threading.current_thread()
        block = simulated.Dim3(*manager._block_dim)
        here.blockIdx = simulated.Dim3(*grid_point)
        for point in np.ndindex(*manager._block_dim):
            here.threadIdx = simulated.Dim3(*point)
            here.thread_id = point[0] + block.x * (point[1] + block.y * point[2])
            try:
                manager._f(*args)
            except Exception as error:
                error.add_note(f"in GPU thread {list(point)} of block {list(grid_point)}")
                raise

    simulated.BlockManager.run = run
    # and an array's attribute in a kernel (a.shape, a.size) looked up in the set of an ndarray's
    # names, not in a dir() of the array made at every read (a third of the DQN checks' time)
    from numba.cuda.simulator.cudadrv.devicearray import FakeWithinKernelCUDAArray as Within
    names, by_item = frozenset(dir(np.empty(0))), Within.__getattr__

    def attribute(array, name):
        if name in names:
            return array._FakeWithinKernelCUDAArray__wrap_if_fake(getattr(array._item._ary, name))
        return by_item(array, name)

    Within.__getattr__ = attribute


def main(module: str) -> None:
    fewer_threads_when_simulated()
    threads_in_turn_when_simulated()
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
