"""Losses for one sample, each returning its share of the batch loss and the output-layer δ.

The batch loss is the mean over samples, so every per-sample figure is scaled by `scale` = 1/B.
"""
import math

from dlsim.kernels.jit import inline, kernel

from dlsim.kernels.activations import SOFTMAX, derivative

MSE, BCE, SOFTMAX_CE = 0, 1, 2
CODES = {"mse": MSE, "bce": BCE, "softmax_ce": SOFTMAX_CE}
NAMES = {code: name for name, code in CODES.items()}
EPS = 1e-12  # keeps log() finite when a prediction saturates at exactly 0 or 1


@inline
def sample_loss(a, y, kind, scale):
    """This sample's contribution to the batch loss."""
    total = 0.0
    n = a.shape[0]
    if kind == MSE:
        for k in range(n):
            total += (a[k] - y[k]) ** 2
        return scale * total / n
    if kind == BCE:
        for k in range(n):
            p = min(max(a[k], EPS), 1.0 - EPS)
            total += -(y[k] * math.log(p) + (1.0 - y[k]) * math.log(1.0 - p))
        return scale * total / n
    for k in range(n):
        total += -y[k] * math.log(max(a[k], EPS))
    return scale * total


@inline
def loss_grad(a, y, kind, scale, k):
    """∂L/∂a_k for output k (for softmax cross-entropy: ∂L/∂z_k, the softmax folded in)."""
    n = a.shape[0]
    if kind == MSE:
        return scale * 2.0 * (a[k] - y[k]) / n
    if kind == BCE:
        p = min(max(a[k], EPS), 1.0 - EPS)
        return scale * (p - y[k]) / (p * (1.0 - p)) / n
    return scale * (a[k] - y[k])


@inline
def output_delta(z, a, y, loss_kind, act_kind, scale, k):
    """δ_k = ∂L/∂z_k of output neuron k."""
    g = loss_grad(a, y, loss_kind, scale, k)
    if act_kind == SOFTMAX:
        return g
    return g * derivative(z[k], a[k], act_kind)


@kernel
def mean_loss(A_out, Y, kind):
    """Mean loss over a batch, accumulated sample by sample as training does."""
    scale = 1.0 / max(A_out.shape[0], 1)
    total = 0.0
    for s in range(A_out.shape[0]):
        total += sample_loss(A_out[s], Y[s], kind, scale)
    return total
