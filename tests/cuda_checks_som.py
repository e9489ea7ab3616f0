"""The SOM's CUDA twin (dlsim.kernels.som_cuda) against the NumPy reference: run by
tests/test_cuda_kernels.py (see tests/cuda_checks.py)."""
import numpy as np

import dlsim
from cuda_checks import close, rewinds_a_gpu_run_to_the_same_state, same, steps_on_the_cpu_kernels, \
    trains_like_the_reference
from dlsim.kernels import som, som_cuda, som_reference

OPTIONS = {"rows": 2, "cols": 2, "samples": 4}
# (neighbourhood, decay, hexagonal)
CASES = {"gaussian_exponential_rectangular": (0, 0, False), "mexican_hat_linear_hexagonal": (3, 1, True),
         "bubble_asymptotic": (1, 2, False), "triangle_exponential": (2, 0, True)}


def epochs(kernels, kind, decay, hexagonal, count=2):
    rng = np.random.default_rng(3)
    X, W = rng.random((6, 3)), rng.random((6, 3))
    pos = som_reference.grid_positions(2, 3, hexagonal)
    orders = np.stack([rng.permutation(6) for _ in range(count)])
    qe, te = np.zeros(count), np.zeros(count)
    t = kernels.train_epochs(W, pos, X, orders, 5, 30.0, 0.5, 1.5, decay, kind, qe, te)
    return {"W": W, "qe": qe, "te": te, "t": t}


def check_train_epochs_every_neighbourhood_and_decay():
    """One epoch a case (the decay runs over its samples); the first case two, where the second
    epoch starts its clock at t0 + n (as trains_like_the_reference's fused run of two does)."""
    for i, (name, case) in enumerate(CASES.items()):
        count = 2 if i == 0 else 1
        gpu, ref = epochs(som_cuda, *case, count), epochs(som_reference, *case, count)
        assert gpu["t"] == ref["t"], f"{name}: sample count {gpu['t']} != {ref['t']}"
        for key in ("W", "qe", "te"):
            close(f"{name} {key}", gpu[key], ref[key])


def check_train_epochs_is_deterministic():
    first, second = epochs(som_cuda, 0, 0, False, 1), epochs(som_cuda, 0, 0, False, 1)
    for key in ("W", "qe", "te"):
        same(key, first[key], second[key])


def check_errors():
    rng = np.random.default_rng(4)
    X, W, pos = rng.random((7, 2)), rng.random((6, 2)), som_reference.grid_positions(2, 3, False)
    close("errors", som_cuda.errors(X, W, pos), som_reference.errors(X, W, pos))


def check_a_tied_distance_goes_to_the_lower_node():
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


def check_a_thread_with_several_nodes():
    """More nodes than threads (12 on 4: each thread folds three, strided), and a first sample tied
    between two nodes of one thread (0 and 8), or of two threads (1 and 2): the lower index wins."""
    rng = np.random.default_rng(6)
    X, W, pos = rng.random((6, 2)), rng.random((12, 2)), som_reference.grid_positions(3, 4, True)
    W[8], W[2] = W[0], W[1]
    most, som_cuda.MOST = som_cuda.MOST, 4
    try:
        for tied in (0, 1):
            X[0] = W[tied] + 0.01   # the update after it breaks the tie: it must be the first sample
            results = []
            for kernels in (som_cuda, som_reference):
                w = W.copy()
                kernels.train_epochs(w, pos, X, np.arange(6)[None, :], 0, 50.0, 0.5, 1.0, 0, 0, np.zeros(1),
                                     np.zeros(1))
                results.append(w)
            close(f"W (tie at node {tied})", *results)
    finally:
        som_cuda.MOST = most


def check_trains_like_the_reference():
    trains_like_the_reference("som", OPTIONS)


def check_rewinds_a_gpu_run_to_the_same_state():
    rewinds_a_gpu_run_to_the_same_state("som", OPTIONS)


def check_steps_on_the_cpu_kernels():
    steps_on_the_cpu_kernels("som", OPTIONS)


def check_the_bench_times_both_paths():
    """`dlsim bench som --backend cuda`'s measurements, on a tiny map (a smoke run)."""
    from dlsim.bench import som_cuda as bench
    s = dlsim.make("som", **OPTIONS).model
    (cpu, _), (gpu, per_sample) = bench._rate(som, s, 1), bench._rate(som_cuda, s, 1)
    assert cpu > 0 and gpu > 0 and per_sample > 0


def check_pictures_and_public_steps_after_a_gpu_run():
    """On backend="cuda" the pictures (SOM.inspect) and the public steps run the CPU's kernels on the
    weights the GPU trained: the same numbers as the reference's on those weights."""
    sim = dlsim.make("som", backend="cuda", **OPTIONS)
    sim.train(epochs=2)
    sim.step("sample")
    m = sim.model
    shown = m.inspect(sim.last, sim.trace.events)
    ref = dlsim.make("som", backend="numpy", **OPTIONS).model
    ref.set_state(m.state())   # the weights, the cursor and the sample count (the rates)
    assert ref.kernels.name == "numpy"
    want = ref.inspect(sim.last, sim.trace.events)
    assert shown.keys() == want.keys() and "umatrix" in shown and "bmu" in shown, sorted(shown)
    for key, value in want.items():
        close(key, shown[key], value)
    x = m.X[0]
    assert m.winner(x) == ref.winner(x)
    close("update", m.update(x), ref.update(x))
