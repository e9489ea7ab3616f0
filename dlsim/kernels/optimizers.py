"""Optimizers, one parameter element at a time, over flat parameter buffers.

`update_element` is the one place a parameter changes; the stepwise path calls it per weight and the
fused path loops it over the buffer, so both write the same bits.
"""
import math

from dlsim.kernels.jit import inline, kernel

SGD, MOMENTUM, ADAM = 0, 1, 2
CODES = {"sgd": SGD, "momentum": MOMENTUM, "adam": ADAM}
NAMES = {code: name for name, code in CODES.items()}


@inline
def _step(theta, grad, m, v, k, kind, lr, mu, beta1, beta2, eps, c1, c2):
    """theta[k] after one step; c1 = 1 − β1^t and c2 = 1 − β2^t are Adam's bias corrections."""
    g = grad[k]
    if kind == SGD:
        theta[k] -= lr * g
    elif kind == MOMENTUM:
        m[k] = mu * m[k] + g
        theta[k] -= lr * m[k]
    else:
        m[k] = beta1 * m[k] + (1.0 - beta1) * g
        v[k] = beta2 * v[k] + (1.0 - beta2) * g * g
        theta[k] -= lr * (m[k] / c1) / (math.sqrt(v[k] / c2) + eps)


@kernel
def update_element(theta, grad, m, v, k, kind, lr, mu, beta1, beta2, eps, t):
    """Apply one optimizer step to theta[k]; m and v hold velocity / moments; t counts steps from 1."""
    _step(theta, grad, m, v, k, kind, lr, mu, beta1, beta2, eps, 1.0 - beta1 ** t, 1.0 - beta2 ** t)


@kernel
def update_all(theta, grad, m, v, kind, lr, mu, beta1, beta2, eps, t):
    c1, c2 = 1.0 - beta1 ** t, 1.0 - beta2 ** t  # once per step, not once per weight
    for k in range(theta.shape[0]):
        _step(theta, grad, m, v, k, kind, lr, mu, beta1, beta2, eps, c1, c2)


@kernel
def sgd(theta, grad, lr):
    update_all(theta, grad, grad, grad, SGD, lr, 0.0, 0.0, 0.0, 0.0, 1)


@kernel
def momentum(theta, grad, velocity, lr, mu):
    update_all(theta, grad, velocity, velocity, MOMENTUM, lr, mu, 0.0, 0.0, 0.0, 1)


@kernel
def adam(theta, grad, m, v, lr, beta1, beta2, eps, t):
    update_all(theta, grad, m, v, ADAM, lr, 0.0, beta1, beta2, eps, t)
