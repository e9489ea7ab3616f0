"""Activation functions and their derivatives, one scalar kernel each.

Layers call the scalar kernels per neuron so that the stepwise path (one neuron at a time) and the
fused path (whole epochs in one call) run the very same arithmetic and agree to the last bit.
"""
import math

from numba import njit

LINEAR, STEP, SIGMOID, TANH, RELU, SOFTMAX = 0, 1, 2, 3, 4, 5
CODES = {"linear": LINEAR, "step": STEP, "sigmoid": SIGMOID, "tanh": TANH, "relu": RELU,
         "softmax": SOFTMAX}
NAMES = {code: name for name, code in CODES.items()}
HIDDEN = ("tanh", "sigmoid", "relu", "linear", "step")


@njit(cache=True, nogil=True)
def activate(z, kind):
    """f(z) for one neuron (softmax is a whole-layer operation: see softmax_row)."""
    if kind == SIGMOID:
        return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
    if kind == TANH:
        return math.tanh(z)
    if kind == RELU:
        return z if z > 0.0 else 0.0
    if kind == STEP:
        return 1.0 if z >= 0.0 else 0.0
    return z


@njit(cache=True, nogil=True)
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


@njit(cache=True, nogil=True)
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


@njit(cache=True, nogil=True)
def activate_rows(Z, kind, A):
    """A = f(Z) for a (B, O) block of pre-activations."""
    for s in range(Z.shape[0]):
        if kind == SOFTMAX:
            softmax_row(Z[s], A[s])
        else:
            for j in range(Z.shape[1]):
                A[s, j] = activate(Z[s, j], kind)


@njit(cache=True, nogil=True)
def derivative_rows(Z, A, kind, D):
    """D = f'(Z) elementwise for a (B, O) block (not defined for softmax)."""
    for s in range(Z.shape[0]):
        for j in range(Z.shape[1]):
            D[s, j] = derivative(Z[s, j], A[s, j], kind)

