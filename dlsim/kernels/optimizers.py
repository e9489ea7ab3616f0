"""Optimizers, one parameter element at a time, over flat parameter buffers.

`update_element` is the one place a parameter changes; the stepwise path calls it per weight and the
fused path loops it over the buffer, so both write the same bits.
"""
import math

from numba import njit

SGD, MOMENTUM, ADAM = 0, 1, 2
CODES = {"sgd": SGD, "momentum": MOMENTUM, "adam": ADAM}
NAMES = {code: name for name, code in CODES.items()}


@njit(cache=True, nogil=True)
def update_element(theta, grad, m, v, k, kind, lr, mu, beta1, beta2, eps, t):
    """Apply one optimizer step to theta[k]; m and v hold velocity / moments; t counts steps from 1."""
    g = grad[k]
    if kind == SGD:
        theta[k] -= lr * g
    elif kind == MOMENTUM:
        m[k] = mu * m[k] + g
        theta[k] -= lr * m[k]
    else:
        m[k] = beta1 * m[k] + (1.0 - beta1) * g
        v[k] = beta2 * v[k] + (1.0 - beta2) * g * g
        m_hat = m[k] / (1.0 - beta1 ** t)
        v_hat = v[k] / (1.0 - beta2 ** t)
        theta[k] -= lr * m_hat / (math.sqrt(v_hat) + eps)


@njit(cache=True, nogil=True)
def update_all(theta, grad, m, v, kind, lr, mu, beta1, beta2, eps, t):
    for k in range(theta.shape[0]):
        update_element(theta, grad, m, v, k, kind, lr, mu, beta1, beta2, eps, t)


@njit(cache=True, nogil=True)
def sgd(theta, grad, lr):
    update_all(theta, grad, grad, grad, SGD, lr, 0.0, 0.0, 0.0, 0.0, 1)


@njit(cache=True, nogil=True)
def momentum(theta, grad, velocity, lr, mu):
    update_all(theta, grad, velocity, velocity, MOMENTUM, lr, mu, 0.0, 0.0, 0.0, 1)


@njit(cache=True, nogil=True)
def adam(theta, grad, m, v, lr, beta1, beta2, eps, t):
    update_all(theta, grad, m, v, ADAM, lr, 0.0, beta1, beta2, eps, t)
