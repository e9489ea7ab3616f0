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


# (expm1(q) − q)/q² on [−0.625, 0] to 4e-17: Chebyshev interpolation at degree 9, fitted in 50-digit
# arithmetic (its Taylor series would need degree 14 for the same accuracy).
_P = (0.49999999999999994, 0.16666666666665753, 0.04166666666618386, 0.008333333323422376,
      0.0013888887854325077, 0.00019841207697370765, 2.479930836573593e-05, 2.7505343583558806e-06,
      2.6834098913473475e-07, 1.9348625312173605e-08)


@inline
def _expm1_small(q):
    """exp(q) − 1 for −0.625 ≤ q ≤ 0, as q + q²·P(q), to within 1.5 ulp.

    P is evaluated by Estrin's scheme (pairs, then pairs of pairs with q², q⁴, q⁸) rather than Horner's:
    the same work, but a dependency chain of 4 multiply-adds instead of 9, and tanh_into is bound by
    that latency, not by arithmetic throughput.
    """
    c = _P
    q2 = q * q
    q4 = q2 * q2
    p01, p23, p45 = c[0] + c[1] * q, c[2] + c[3] * q, c[4] + c[5] * q
    p67, p89 = c[6] + c[7] * q, c[8] + c[9] * q
    p = (p01 + p23 * q2) + (p45 + p67 * q2) * q4 + p89 * (q4 * q4)
    return q + q2 * p


@kernel
def tanh_into(x, out):
    """out = tanh(x) elementwise over 1-D arrays, to ~1e-15, vectorised.

    libm's tanh is a scalar call that cannot be vectorised (there is no SVML here) and it dominated
    the MLP's step; this uses multiplies, adds and one division. With e = expm1(−2|x|),
    tanh|x| = −e/(2 + e); e comes from expm1(q) at q = −2|x|/64 doubled six times by
    expm1(2q) = expm1(q)·(expm1(q) + 2), which never subtracts nearly equal numbers, so small x keep
    full relative precision. _expm1_small is spliced into the loop (jit.inline) because LLVM only
    vectorises a loop whose body it can see.
    """
    for k in range(x.shape[0]):
        v = x[k]
        ax = abs(v)
        ax = 20.0 if ax > 20.0 else ax          # tanh(20) rounds to 1.0; NaN stays NaN throughout
        e = _expm1_small(ax * -0.03125)
        e = e * (e + 2.0)
        e = e * (e + 2.0)
        e = e * (e + 2.0)
        e = e * (e + 2.0)
        e = e * (e + 2.0)
        e = e * (e + 2.0)
        out[k] = math.copysign(-e / (2.0 + e), v)


# exp(x) = 2^k·e^r with k = round(x/ln 2) and |r| ≤ ln 2/2; e^r by its Taylor series to r¹³ (the first
# term left out, r¹⁴/14!, is below 2^−58 there). ln 2 is split in two so that k·LN2_HI is exact.
_E = tuple(1.0 / math.factorial(n) for n in range(2, 14))   # 1/2!, 1/3!, …, 1/13!
_INV_LN2 = 1.4426950408889634
_LN2_HI = 0.6931471803691238          # ln 2 to 33 significant bits
_LN2_LO = 1.9082149292705877e-10      # ln 2 − _LN2_HI
_ROUNDER = 6755399441055744.0         # 1.5·2^52: x + it − it rounds x to an integer (|x| < 2^51)
EXP_NEG_FLOOR = -708.3                # below it e^x is under the smallest normal double: 0 here


@inline
def exp_neg(x):
    """e^x for x ≤ 0, within 1 ulp (libm's math.exp within 0.5), vectorised where libm's is a call.

    libm's exp is one value at a time (there is no SVML here) and it dominated the sigmoid layers of
    the RBM, the DBN and the LSTM's gates and the RBF's Gaussians: this is multiplies, adds, a
    rounding and an exponent written into a double's bits, which LLVM vectorises in the caller's
    loop (about 1.6 ns against 6 ns a value). 0 below EXP_NEG_FLOOR (where e^x would be subnormal);
    NaN stays NaN. Every path that calls it (stepped, batched, fused) gets the same bits."""
    kd = x * _INV_LN2 + _ROUNDER
    kd = kd - _ROUNDER
    r = (x - kd * _LN2_HI) - kd * _LN2_LO
    c = _E
    r2 = r * r
    r4 = r2 * r2
    p01, p23, p45 = c[0] + c[1] * r, c[2] + c[3] * r, c[4] + c[5] * r
    p67, p89, pab = c[6] + c[7] * r, c[8] + c[9] * r, c[10] + c[11] * r
    q = (p01 + p23 * r2) + (p45 + p67 * r2) * r4 + (p89 + pab * r2) * (r4 * r4)
    k = np.int64(kd if kd > -1100.0 else -1100.0)   # NaN's k is any: NaN·2^k stays NaN
    two_to_k = np.int64((k + 1023) << 52).view(np.float64)
    return 0.0 if x < EXP_NEG_FLOOR else (1.0 + (r + r2 * q)) * two_to_k


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
        e = exp_neg(-abs(z))   # e^−z for z ≥ 0, e^z below: one exp, and it never overflows
        return (1.0 if z >= 0 else e) / (1.0 + e)
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
    for k in range(z.shape[0]):   # apart from the sum, so that the exps vectorise
        out[k] = exp_neg(z[k] - top)
    total = 0.0
    for k in range(z.shape[0]):
        total += out[k]
    for k in range(z.shape[0]):
        out[k] = out[k] / total


@kernel
def activate_block(zT, kind, aT):
    """aT = f(zT) for a feature-major (units, B) block: one row per neuron, one column per sample."""
    if kind == SOFTMAX:  # a softmax couples the neurons of one sample: work column by column
        z, a = np.empty(zT.shape[0]), np.empty(zT.shape[0])
        for s in range(zT.shape[1]):
            z[:] = zT[:, s]
            softmax_row(z, a)
            aT[:, s] = a
    elif kind == TANH:   # the block is contiguous: one long vectorised loop
        tanh_into(zT.reshape(zT.size), aT.reshape(aT.size))
    else:
        for j in range(zT.shape[0]):
            for s in range(zT.shape[1]):
                aT[j, s] = activate(zT[j, s], kind)


@kernel
def scale_by_derivative(dT, zT, aT, kind):
    """dT ← dT·f'(zT) elementwise (not defined for softmax): the step from ∂L/∂a to δ = ∂L/∂z."""
    for j in range(dT.shape[0]):
        for s in range(dT.shape[1]):
            dT[j, s] = dT[j, s] * derivative(zT[j, s], aT[j, s], kind)
