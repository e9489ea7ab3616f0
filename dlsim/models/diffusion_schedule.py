"""The noise schedule of the diffusion model: how much noise each of the T steps adds (β_t), and what
is left of the clean point after t steps (ᾱ_t = Π_{s≤t} (1 − β_s)). Computed once, in NumPy, when
the model is made; every path (stepped, batched, fused, sampling) reads these same arrays.

Index 0 is the clean data (β_0 = 0, ᾱ_0 = 1); steps 1 … T add noise, ᾱ_T close to 0 (pure noise).
- linear: β rising from 0.1/T to 10/T (Ho et al.'s 10⁻⁴ … 0.02 at T = 1000 is 0.1/T … 20/T; half
  that end, so that T = 50 ends with ᾱ_T below 1% without a step near β = 1);
- cosine: ᾱ_t = f(t)/f(0), f(t) = cos²((t/T + s)/(1 + s)·π/2), s = 0.008 (Nichol & Dhariwal):
  the noise comes more gently at both ends.
Both cap β at 0.5 (Nichol & Dhariwal cap at 0.999 and clip x̂₀ instead): a reverse step divides by
√(1 − β), and a step near β = 1 would multiply any error of ε̂ thirty times over, where a learner
would see the generated points fly off; the cap changes the maths shown nowhere else.
"""
import numpy as np

SCHEDULES = ("linear", "cosine")
MAX_BETA = 0.5
COSINE_OFFSET = 0.008


def betas(kind: str, T: int) -> np.ndarray:
    """(T + 1,): β_0 = 0, then β_1 … β_T."""
    if kind == "linear":
        beta = np.linspace(0.1 / T, 10.0 / T, T)
    else:
        f = np.cos((np.arange(T + 1) / T + COSINE_OFFSET) / (1 + COSINE_OFFSET) * np.pi / 2) ** 2
        beta = 1.0 - f[1:] / f[:-1]
    return np.concatenate([[0.0], np.minimum(beta, MAX_BETA)])


def alpha_bars(beta: np.ndarray) -> np.ndarray:
    """(T + 1,): ᾱ_t = Π_{s≤t} (1 − β_s), ᾱ_0 = 1."""
    return np.cumprod(1.0 - beta)


def sampling_steps(T: int, count: int) -> np.ndarray:
    """(count + 1,) int64: the time steps a sampler visits, T first and 0 last, `count` evenly spaced
    jumps (count = T: every step)."""
    return np.unique(np.round(np.linspace(0, T, count + 1)).astype(np.int64))[::-1].copy()
