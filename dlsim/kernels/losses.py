"""Losses for one sample, each returning its share of the batch loss and the output-layer δ.

The batch loss is the mean over samples, so every per-sample figure is scaled by `scale` = 1/B.
"""
import math

from dlsim.kernels.jit import inline, kernel

from dlsim.kernels.activations import SIGMOID, SOFTMAX, derivative, exp_neg

MSE, BCE, SOFTMAX_CE = 0, 1, 2
CODES = {"mse": MSE, "bce": BCE, "softmax_ce": SOFTMAX_CE}
NAMES = {code: name for name, code in CODES.items()}
EPS = 1e-12  # keeps ∂L/∂a finite when a prediction saturates at exactly 0 or 1


# The cross-entropies are computed from the logits z, never from log(ŷ): once a sigmoid or softmax
# output rounds to exactly 0 or 1, log(ŷ) has lost the loss (it used to be clamped at −log(1e-12) =
# 27.6 per sample). BCE's z is the logit of a sigmoid output and softmax-CE's those of a softmax
# output: the model always pairs them so. What remains is what PyTorch's BCEWithLogitsLoss and
# cross_entropy compute.
@inline
def _term(z, a, y, kind):
    """One output's term of the sample loss (MSE, BCE; softmax-CE couples the outputs: _sample_total).

    BCE = softplus(z) − y·z = max(z, 0) − y·z + log(1 + e^−|z|): no overflow, and the first two terms
    cancel exactly where the prediction is right, so a tiny loss keeps its digits.
    """
    if kind == MSE:
        return (a - y) ** 2
    return max(z, 0.0) - y * z + math.log1p(exp_neg(-abs(z)))


@inline
def _sample_total(zT, aT, Y, s, kind):
    """Sum of the loss terms of sample s: column s of zT, aT (outputs, B), row s of Y (B, outputs).

    Softmax-CE is Σ_k y_k·(log Σ_j e^z_j − z_k), with log Σ_j e^z_j = z_top + log1p(Σ_{j≠top} e^(z_j − z_top)):
    the largest logit is taken out, so nothing overflows and a confident right answer's tiny loss
    survives instead of rounding to log(1) = 0.
    """
    n = zT.shape[0]
    total = 0.0
    if kind != SOFTMAX_CE:
        for k in range(n):
            total += _term(zT[k, s], aT[k, s], Y[s, k], kind)
        return total
    top = 0
    for k in range(1, n):
        if zT[k, s] > zT[top, s]:
            top = k
    rest = 0.0
    for k in range(n):
        if k != top:
            rest += exp_neg(zT[k, s] - zT[top, s])
    log_sum = math.log1p(rest)
    for k in range(n):
        total += Y[s, k] * ((zT[top, s] - zT[k, s]) + log_sum)
    return total


@inline
def _share(total, kind, scale, n):
    """A sample's share of the batch loss, from the sum of the terms of its n outputs."""
    return scale * total if kind == SOFTMAX_CE else scale * total / n


@inline
def sample_loss(z, a, y, kind, scale):
    """This sample's contribution to the batch loss, from its output layer's z and a (O,) and target y."""
    n = a.shape[0]
    total = _sample_total(z.reshape((n, 1)), a.reshape((n, 1)), y.reshape((1, n)), 0, kind)
    return _share(total, kind, scale, n)


@inline
def batch_loss(zT, aT, Y, kind):
    """Mean loss of a batch with output logits zT and outputs aT (O, B) feature-major and targets
    Y (B, O), summed sample by sample as training does: sample_loss's arithmetic, indexing the
    numbers directly (an array view per sample cost 4× the whole loss)."""
    scale = 1.0 / max(aT.shape[1], 1)
    loss = 0.0
    for s in range(aT.shape[1]):
        loss += _share(_sample_total(zT, aT, Y, s, kind), kind, scale, aT.shape[0])
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
def mean_loss(Z_out, A_out, Y, kind):
    """Mean loss over a batch from the output layer's z and a (B, O), accumulated sample by sample
    as training does."""
    return batch_loss(Z_out.T, A_out.T, Y, kind)
