"""Losses for one sample, each returning its share of the batch loss and the output-layer δ.

The batch loss is the mean over samples, so every per-sample figure is scaled by `scale` = 1/B.
"""
import math

from dlsim.kernels.jit import inline, kernel

from dlsim.kernels.activations import SIGMOID, SOFTMAX, derivative

MSE, BCE, SOFTMAX_CE = 0, 1, 2
CODES = {"mse": MSE, "bce": BCE, "softmax_ce": SOFTMAX_CE}
NAMES = {code: name for name, code in CODES.items()}
EPS = 1e-12  # keeps log() finite when a prediction saturates at exactly 0 or 1


@inline
def _weighted_log(w, x):
    """w·log(x) for 0 < x < 1, skipping the (unvectorisable) libm call when w is ±0: log(x) is then
    finite and negative, so w·log(x) is w·(−1.0) to the bit, signed zero included. A 0/1 target thus
    costs one log per sample, not two."""
    return w * math.log(x) if w != 0.0 else w * -1.0


@inline
def _term(a, y, kind):
    """One output's term of the sample loss (before the mean over outputs)."""
    if kind == MSE:
        return (a - y) ** 2
    if kind == BCE:
        p = min(max(a, EPS), 1.0 - EPS)
        return -(_weighted_log(y, p) + _weighted_log(1.0 - y, 1.0 - p))
    return -y * math.log(max(a, EPS))


@inline
def _share(total, kind, scale, n):
    """A sample's share of the batch loss, from the sum of the terms of its n outputs."""
    return scale * total if kind == SOFTMAX_CE else scale * total / n


@inline
def sample_loss(a, y, kind, scale):
    """This sample's contribution to the batch loss."""
    total = 0.0
    for k in range(a.shape[0]):
        total += _term(a[k], y[k], kind)
    return _share(total, kind, scale, a.shape[0])


@inline
def batch_loss(aT, Y, kind):
    """Mean loss of a batch with outputs aT (O, B) feature-major and targets Y (B, O), summed sample
    by sample as training does: sample_loss's arithmetic, indexing the numbers directly (an array
    view per sample cost 4× the whole loss)."""
    scale = 1.0 / max(aT.shape[1], 1)
    loss = 0.0
    for s in range(aT.shape[1]):
        total = 0.0
        for k in range(aT.shape[0]):
            total += _term(aT[k, s], Y[s, k], kind)
        loss += _share(total, kind, scale, aT.shape[0])
    return loss


# The δ formulas take numbers, not a sample's arrays, for the same reason: the fused path evaluates
# them for a whole batch.
@inline
def grad(a, y, kind, scale, n):
    """∂L/∂a of one of n outputs (for softmax cross-entropy: ∂L/∂z, the softmax folded in)."""
    if kind == MSE:
        return scale * 2.0 * (a - y) / n
    if kind == BCE:
        p = min(max(a, EPS), 1.0 - EPS)
        return scale * (p - y) / (p * (1.0 - p)) / n
    return scale * (a - y)


@inline
def simplifies(loss_kind, act_kind):
    """Cross-entropy after a sigmoid (or a softmax): σ'(z) cancels and δ = ŷ − y exactly, which also
    stays right when ŷ has saturated to exactly 0 or 1 (∂L/∂a·σ'(z) would read 0, a false stop)."""
    return act_kind == SOFTMAX or (loss_kind == BCE and act_kind == SIGMOID)


@inline
def delta(z, a, y, loss_kind, act_kind, scale, n):
    """δ = ∂L/∂z of one of n output neurons."""
    if simplifies(loss_kind, act_kind):
        return scale * (a - y) / n if loss_kind == BCE else grad(a, y, loss_kind, scale, n)
    return grad(a, y, loss_kind, scale, n) * derivative(z, a, act_kind)


@inline
def loss_grad(a, y, kind, scale, k):
    """∂L/∂a_k for output k of a sample."""
    return grad(a[k], y[k], kind, scale, a.shape[0])


@inline
def output_delta(z, a, y, loss_kind, act_kind, scale, k):
    """δ_k = ∂L/∂z_k of output neuron k of a sample."""
    return delta(z[k], a[k], y[k], loss_kind, act_kind, scale, a.shape[0])


@kernel
def mean_loss(A_out, Y, kind):
    """Mean loss over a batch (B, O), accumulated sample by sample as training does."""
    return batch_loss(A_out.T, Y, kind)
