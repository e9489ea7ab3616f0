"""Plain NumPy references of every kernel: slow where they must be, obviously correct, vectorised.

Tests compare each compiled kernel with these; the `numpy` backend runs models on them, which needs
no compilation at all. Signatures match the compiled kernels.
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


def unpack(theta, sizes):
    """[(W, b), ...] as views into the flat buffer."""
    layers, off = [], 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        W = theta[off:off + n_in * n_out].reshape(n_in, n_out)
        off += n_in * n_out
        layers.append((W, theta[off:off + n_out]))
        off += n_out
    return layers


def mlp_forward(theta, sizes, acts, X):
    """Pre-activations and activations of every layer: ([Z1..ZL], [X, A1..AL])."""
    zs, as_ = [], [np.asarray(X, dtype=np.float64)]
    for (W, b), kind in zip(unpack(theta, sizes), acts):
        zs.append(as_[-1] @ W + b)
        as_.append(activate(zs[-1], kind))
    return zs, as_


def mlp_gradients(theta, sizes, acts, loss_kind, X, Y):
    """(loss, flat gradient) by textbook backpropagation."""
    zs, as_ = mlp_forward(theta, sizes, acts, X)
    grad = np.zeros_like(theta)
    delta = output_deltas(zs[-1], as_[-1], Y, loss_kind, acts[-1])
    layers, glayers = unpack(theta, sizes), unpack(grad, sizes)
    for l in range(len(layers) - 1, -1, -1):
        glayers[l][0][:] = as_[l].T @ delta
        glayers[l][1][:] = delta.sum(axis=0)
        if l > 0:
            delta = (delta @ layers[l][0].T) * derivative(zs[l - 1], as_[l], acts[l - 1])
    return batch_loss(zs[-1], as_[-1], Y, loss_kind), grad


def mlp_train_epochs(theta, grad, m, v, t, sizes, acts, loss_kind, opt_kind, lr, mu, beta1, beta2,
                     eps, X, Y, orders, batch_size, epoch_losses):
    n = X.shape[0]
    for e in range(orders.shape[0]):
        total = 0.0
        for start in range(0, n, batch_size):
            idx = orders[e, start:start + batch_size]
            loss, grad[:] = mlp_gradients(theta, sizes, acts, loss_kind, X[idx], Y[idx])
            t += 1
            update_all(theta, grad, m, v, opt_kind, lr, mu, beta1, beta2, eps, t)
            total += loss * len(idx)
        epoch_losses[e] = total / n
        if not np.isfinite(epoch_losses[e]):
            return e + 1, t
    return orders.shape[0], t


def perceptron_train_epochs(w, b, X, y, lr, orders, errors_out):
    for e in range(orders.shape[0]):
        errors = 0
        for s in orders[e]:
            error = y[s] - (1.0 if X[s] @ w + b >= 0 else 0.0)
            errors += error != 0
            w += lr * error * X[s]
            b += lr * error
        errors_out[e] = errors
        if errors == 0:
            return e + 1, b
    return orders.shape[0], b


# --- the `numpy` backend: the compiled MLP kernels' signatures over the references above ---------

def mlp_forward_into(theta, sizes, acts, X, Z, A):
    zs, as_ = mlp_forward(theta, list(sizes), list(acts), X)
    Z[:, sizes[0]:] = np.concatenate(zs, axis=1)
    A[:] = np.concatenate(as_, axis=1)


def mlp_backward_into(theta, grad, sizes, acts, loss_kind, Y, Z, A, D):
    loss, g = mlp_gradients(theta, list(sizes), list(acts), loss_kind, A[:, :sizes[0]], Y)
    grad += g
    return loss


def mlp_train_batch(theta, grad, m, v, t, sizes, acts, loss_kind, opt_kind, lr, mu, beta1, beta2,
                    eps, Xb, Yb):
    loss, grad[:] = mlp_gradients(theta, list(sizes), list(acts), loss_kind, Xb, Yb)
    update_all(theta, grad, m, v, opt_kind, lr, mu, beta1, beta2, eps, t)
    return loss


def mean_loss(Z_out, A_out, Y, kind):
    return batch_loss(Z_out, A_out, Y, kind)
