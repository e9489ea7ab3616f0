"""The GAN's CUDA twin (dlsim.kernels.gan_cuda) against the NumPy reference: run by
tests/test_cuda_kernels.py (see tests/cuda_checks.py)."""
import numpy as np

from cuda_checks import close, rewinds_a_gpu_run_to_the_same_state, same, steps_on_the_cpu_kernels, \
    trains_like_the_reference
from dlsim.kernels import activations as act
from dlsim.kernels import gan_cuda, gan_reference
from dlsim.kernels.gan import NON_SATURATING, SATURATING
from dlsim.kernels.optimizers import ADAM, MOMENTUM, SGD

OPTIONS = {"g_hidden": (3,), "d_hidden": (3,), "samples": 4, "batch": 2, "k": 1}
# (optimizer, G's loss, hidden activation)
CASES = {"adam_non_saturating_tanh": (ADAM, NON_SATURATING, act.TANH),
         "momentum_saturating_relu": (MOMENTUM, SATURATING, act.RELU),
         "sgd_non_saturating_sigmoid": (SGD, NON_SATURATING, act.SIGMOID)}


def networks(hidden_act, seed=0):
    """D (2 → 3 → 2 → 1, sigmoid out) and G (2 → 3 → 2, linear out), random weights; 5 real points."""
    rng = np.random.default_rng(seed)
    sd, ad = np.array([2, 3, 2, 1]), np.array([hidden_act, hidden_act, act.SIGMOID])
    sg, ag = np.array([2, 3, 2]), np.array([hidden_act, act.LINEAR])
    size = lambda s: int(sum(i * o + o for i, o in zip(s[:-1], s[1:])))
    return sd, ad, rng.normal(0, 0.8, size(sd)), sg, ag, rng.normal(0, 0.8, size(sg)), rng.normal(0, 1, (5, 2))


def iterations(kernels, case, d_steps=2, g_steps=1, lr=0.05, count=2):
    """The state after `count` iterations (k = 2 D steps, batch 3) from the same weights and draws."""
    opt_kind, g_kind, hidden = case
    sd, ad, td, sg, ag, tg, X = networks(hidden)
    hyper = np.array([opt_kind, lr, 0.9, 0.5, 0.999, 1e-8])
    rng = np.random.default_rng(1)
    rows, Z = rng.integers(0, len(X), (count, 2, 3)), rng.uniform(-1, 1, (count, 3, 3, 2))
    state = [a.copy() for a in (td, td * 0, td * 0, td * 0, tg, tg * 0, tg * 0, tg * 0)]
    d_losses, g_losses = np.empty(count), np.empty(count)
    counts = kernels.train_iterations(*state, 0, 0, sd, ad, sg, ag, hyper, hyper, g_kind, X, rows, Z,
                                      d_steps, g_steps, d_losses, g_losses)
    names = ("theta_d", "grad_d", "m_d", "v_d", "theta_g", "grad_g", "m_g", "v_g")
    return {"counts": counts, "d_losses": d_losses, "g_losses": g_losses, **dict(zip(names, state))}


def agree(name, gpu, ref):
    assert gpu["counts"] == ref["counts"], f"{name}: counts {gpu['counts']} != {ref['counts']}"
    for key, value in ref.items():
        if key != "counts":
            close(f"{name} {key}", gpu[key], value) if np.isfinite(value).all() else \
                same(f"{name} {key}", np.isnan(gpu[key]), np.isnan(value))


def check_train_iterations_every_optimizer_loss_and_activation():
    for name, case in CASES.items():
        agree(name, iterations(gan_cuda, case), iterations(gan_reference, case))


def check_train_d_only_and_g_only():
    case = CASES["adam_non_saturating_tanh"]
    for name, (d, g) in {"D only": (1, 0), "G only": (0, 1)}.items():
        agree(name, iterations(gan_cuda, case, d, g), iterations(gan_reference, case, d, g))


def check_train_iterations_is_deterministic():
    first, second = [iterations(gan_cuda, CASES["momentum_saturating_relu"], count=1) for _ in range(2)]
    for key, value in first.items():
        if key != "counts":
            same(key, second[key], value)


def check_train_iterations_stops_where_the_loss_is_not_finite():
    case = (SGD, NON_SATURATING, act.LINEAR)
    with np.errstate(all="ignore"):   # the overflow is the point
        gpu, ref = iterations(gan_cuda, case, lr=1e8, count=4), iterations(gan_reference, case, lr=1e8, count=4)
    assert gpu["counts"] == ref["counts"] and gpu["counts"][0] < 4, f"{gpu['counts']}, reference {ref['counts']}"


def check_generate_and_discriminate():
    sd, ad, td, sg, ag, tg, X = networks(act.TANH)
    Z = np.random.default_rng(2).uniform(-1, 1, (4, 2))
    (pg, lg, qg), (pr, lr, qr) = [(np.empty((4, 2)), np.empty(5), np.empty(5)) for _ in range(2)]
    gan_cuda.generate(tg, sg, ag, Z, pg)
    gan_reference.generate(tg, sg, ag, Z, pr)
    gan_cuda.discriminate(td, sd, ad, X, lg, qg)
    gan_reference.discriminate(td, sd, ad, X, lr, qr)
    for name, a, b in (("points", pg, pr), ("logits", lg, lr), ("probs", qg, qr)):
        close(name, a, b)


def check_the_pictures_on_the_gpu():
    """What the app draws for a GAN trained on the GPU (GAN.inspect: fakes and D's verdicts on the
    device, G's push through the CPU's kernels) against the same GAN on the NumPy references."""
    import dlsim
    sims = [dlsim.make("gan", backend=backend, **OPTIONS) for backend in ("cuda", "numpy")]
    for sim in sims:
        sim.train(epochs=2)
        while sim.step("op").op != "fake_grad":
            pass
    gpu, ref = (sim.inspect() for sim in sims)
    assert set(gpu) == set(ref) == set(sims[0].model.inspected), sorted(gpu)
    for name in ("fakes", "push", "g_map", "d_real", "d_fake", "point_xy", "point_z", "point_push"):
        close(name, gpu[name], ref[name])
    close("D over points", sims[0].model.scores(ref["fakes"]), sims[1].model.scores(ref["fakes"]))


def check_trains_like_the_reference():
    trains_like_the_reference("gan", OPTIONS)


def check_rewinds_a_gpu_run_to_the_same_state():
    rewinds_a_gpu_run_to_the_same_state("gan", OPTIONS)


def check_steps_on_the_cpu_kernels():
    steps_on_the_cpu_kernels("gan", OPTIONS)


def check_the_bench_times_both_paths():
    """`dlsim bench gan --backend cuda`'s measurements, on a tiny GAN (a smoke run)."""
    import dlsim
    from dlsim.bench import gan_cuda as bench
    from dlsim.bench import gpu_timing
    from dlsim.kernels import gan
    m = dlsim.make("gan", **OPTIONS).model
    (cpu, _), (gpu, step) = bench._rate(gan, m, 1, 1), bench._rate(gan_cuda, m, 1, 1)
    line = gpu_timing.row("gan", cpu, gpu, bench._moved(m), step, 1e12)
    assert line.count("s/s") == 2 and "GB/s" in line and "%" in line, line
