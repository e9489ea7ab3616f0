"""Plain NumPy references of the building blocks every network shares (activations, dense layers,
losses, optimizer updates): obviously correct, vectorised. Each network's own references are in
`<net>_reference.py`, with the compiled kernels' names and signatures, so that the `numpy` backend
runs a model on them with no compilation at all; tests compare each compiled kernel with them.
"""
import numpy as np

from dlsim.kernels.activations import LINEAR, RELU, SIGMOID, SOFTMAX, STEP, TANH
from dlsim.kernels.losses import BCE, EPS, MSE
from dlsim.kernels.optimizers import ADAM, MOMENTUM, SGD


def activate(z, kind):
    z = np.asarray(z, dtype=np.float64)
    if kind == SIGMOID:
        return 1.0 / (1.0 + np.exp(-z))
    if kind == TANH:
        return np.tanh(z)
    if kind == RELU:
        return np.maximum(z, 0.0)
    if kind == STEP:
        return (z >= 0).astype(np.float64)
    if kind == SOFTMAX:
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
    assert kind == LINEAR
    return z.copy()


def derivative(z, a, kind):
    z = np.asarray(z, dtype=np.float64)
    if kind == SIGMOID:
        return a * (1.0 - a)
    if kind == TANH:
        return 1.0 - a * a
    if kind == RELU:
        return (z > 0).astype(np.float64)
    if kind == STEP:
        return np.zeros_like(z)
    return np.ones_like(z)


def dense_forward(A, W, b, Z):
    Z[:] = A @ W + b


def dense_backward(A, W, dZ, dW, db, dA):
    dW += A.T @ dZ
    db += dZ.sum(axis=0)
    dA[:] = dZ @ W.T


def batch_loss(Z_out, A_out, Y, kind):
    """Mean over samples of the per-sample loss; the cross-entropies from the logits Z_out, as
    PyTorch's BCEWithLogitsLoss and cross_entropy compute them."""
    if kind == MSE:
        return np.mean(np.mean((A_out - Y) ** 2, axis=1))
    if kind == BCE:   # softplus(z) − y·z
        return np.mean(np.mean(np.logaddexp(0.0, Z_out) - Y * Z_out, axis=1))
    top = Z_out.max(axis=1, keepdims=True)
    log_softmax = Z_out - top - np.log(np.exp(Z_out - top).sum(axis=1, keepdims=True))
    return np.mean(-(Y * log_softmax).sum(axis=1))


def output_deltas(Z_out, A_out, Y, loss_kind, act_kind):
    """δ = ∂L/∂z of the output layer for a whole batch."""
    B, O = A_out.shape
    if loss_kind == MSE:
        g = 2.0 * (A_out - Y) / (B * O)
    elif loss_kind == BCE and act_kind == SIGMOID:
        return (A_out - Y) / (B * O)            # σ'(z) cancels against the loss's denominator
    elif loss_kind == BCE:
        p = np.clip(A_out, EPS, 1 - EPS)
        g = (p - Y) / (p * (1 - p)) / (B * O)
    else:
        return (A_out - Y) / B
    return g * derivative(Z_out, A_out, act_kind)


def update_all(theta, grad, m, v, kind, lr, mu, beta1, beta2, eps, t):
    if kind == SGD:
        theta -= lr * grad
    elif kind == MOMENTUM:
        m[:] = mu * m + grad
        theta -= lr * m
    else:
        assert kind == ADAM
        m[:] = beta1 * m + (1 - beta1) * grad
        v[:] = beta2 * v + (1 - beta2) * grad ** 2
        theta -= lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)
