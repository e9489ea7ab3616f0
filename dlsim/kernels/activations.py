"""Activation functions and their derivatives, one scalar kernel each.

Layers call the scalar kernels per neuron so that the stepwise path (one neuron at a time) and the
fused path (whole epochs in one call) run the very same arithmetic and agree to the last bit.
"""
import math

import numpy as np

from dlsim.kernels.jit import inline, kernel

LINEAR, STEP, SIGMOID, TANH, RELU, SOFTMAX = 0, 1, 2, 3, 4, 5
CODES = {"linear": LINEAR, "step": STEP, "sigmoid": SIGMOID, "tanh": TANH, "relu": RELU,
         "softmax": SOFTMAX}
NAMES = {code: name for name, code in CODES.items()}
HIDDEN = ("tanh", "sigmoid", "relu", "linear", "step")


@kernel
def _expm1_small(q):
    """exp(q) − 1 by its Taylor series to q^13 (Horner, constants 1/k!): exact to rounding for |q| ≤ 0.32."""
    return q * (1.0 + q * (0.5 + q * (0.16666666666666666 + q * (0.041666666666666664 + q * (0.008333333333333333 + q * (0.001388888888888889 + q * (0.0001984126984126984 + q * (2.48015873015873e-05 + q * (2.7557319223985893e-06 + q * (2.755731922398589e-07 + q * (2.505210838544172e-08 + q * (2.08767569878681e-09 + q * (1.6059043836821613e-10)))))))))))))


@kernel
def tanh_into(x, out):
    """out = tanh(x) elementwise over 1-D arrays, to ~1e-15, vectorised.

    libm's tanh is a scalar call that cannot be vectorised (there is no SVML here) and it dominated
    the MLP's step; this uses multiplies, adds and one division. With e = expm1(−2|x|),
    tanh|x| = −e/(2 + e); e comes from expm1(q) at q = −2|x|/128 doubled seven times by
    expm1(2q) = expm1(q)·(expm1(q) + 2), which never subtracts nearly equal numbers, so small x keep
    full relative precision. NaN stays NaN. The body sits in the loop, not in a scalar helper,
    because LLVM only vectorises a loop whose body it can see.
    """
    for k in range(x.shape[0]):
        v = x[k]
        ax = abs(v)
        ax = ax if ax < 20.0 else 20.0          # tanh(20) rounds to 1.0; NaN becomes 20 here…
        e = _expm1_small(ax * -0.015625)
        e = e * (e + 2.0)
        e = e * (e + 2.0)
        e = e * (e + 2.0)
        e = e * (e + 2.0)
        e = e * (e + 2.0)
        e = e * (e + 2.0)
        e = e * (e + 2.0)
        r = math.copysign(-e / (2.0 + e), v)
        out[k] = r if v == v else v             # …and is given back here


@kernel
def tanh(x):
    """tanh of one number, by the same code (and so to the same bits) as tanh_into."""
    cell = np.empty(2)
    cell[0] = x
    tanh_into(cell[:1], cell[1:])
    return cell[1]


@inline
def activate(z, kind):
    """f(z) for one neuron (softmax is a whole-layer operation: see softmax_row)."""
    if kind == SIGMOID:
        return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
    if kind == TANH:
        return tanh(z)
    if kind == RELU:
        return z if z > 0.0 else 0.0
    if kind == STEP:
        return 1.0 if z >= 0.0 else 0.0
    return z


@inline
def derivative(z, a, kind):
    """f'(z), using the already computed a = f(z) where that is cheaper."""
    if kind == SIGMOID:
        return a * (1.0 - a)
    if kind == TANH:
        return 1.0 - a * a
    if kind == RELU:
        return 1.0 if z > 0.0 else 0.0
    if kind == STEP:
        return 0.0  # flat everywhere but the jump: no gradient flows through a step
    return 1.0


@kernel
def softmax_row(z, out):
    """out = softmax(z) for one sample; the max is subtracted so exp never overflows."""
    top = z[0]
    for k in range(1, z.shape[0]):
        if z[k] > top:
            top = z[k]
    total = 0.0
    for k in range(z.shape[0]):
        out[k] = math.exp(z[k] - top)
        total += out[k]
    for k in range(z.shape[0]):
        out[k] = out[k] / total


@kernel
def activate_rows(Z, kind, A):
    """A = f(Z) for a (B, O) block of pre-activations (softmax: each row is one sample)."""
    for s in range(Z.shape[0]):
        if kind == SOFTMAX:
            softmax_row(Z[s], A[s])
        elif kind == TANH:
            tanh_into(Z[s], A[s])
        else:
            for j in range(Z.shape[1]):
                A[s, j] = activate(Z[s, j], kind)


@kernel
def derivative_rows(Z, A, kind, D):
    """D = f'(Z) elementwise for a (B, O) block (not defined for softmax)."""
    for s in range(Z.shape[0]):
        for j in range(Z.shape[1]):
            D[s, j] = derivative(Z[s, j], A[s, j], kind)

