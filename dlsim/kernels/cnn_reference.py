"""Plain NumPy twins of dlsim.kernels.conv and dlsim.kernels.cnn, vectorised over the batch (windows by
stride tricks).

Obviously correct rather than fast or bit-identical: tests compare the compiled kernels with these to
a tolerance, and dlsim/bench/cnn.py times the compiled training step against `train_step`.
Same layouts and codes as the compiled kernels; activations by name ("relu", "tanh").
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from dlsim.kernels import cnn
from dlsim.kernels.activations import NAMES as ACT_NAMES
from dlsim.kernels.optimizers import MOMENTUM, SGD


def pad_width(k, pad):
    return (k - 1) // 2 if pad == cnn.SAME else 0


def windows(X, k, stride, pad):
    """(B, C, Ho, Wo, k, k): the window under the kernel at every position, padding zeros included."""
    p = pad_width(k, pad)
    Xp = np.pad(X, ((0, 0), (0, 0), (p, p), (p, p)))
    return sliding_window_view(Xp, (k, k), axis=(2, 3))[:, :, ::stride, ::stride]


def conv_forward(X, K, b, stride, pad):
    """Z (B, F, Ho, Wo) = Σ window·K + b."""
    return np.einsum("bchwij,fcij->bfhw", windows(X, K.shape[2], stride, pad), K) + b[None, :, None, None]


def act(z, kind):
    name = ACT_NAMES[kind]
    return np.maximum(z, 0.0) if name == "relu" else np.tanh(z)


def act_derivative(z, a, kind):
    return (z > 0).astype(float) if ACT_NAMES[kind] == "relu" else 1.0 - a * a


def pool_forward(A, kind):
    """P (B, F, Hp, Wp) and each window's winner (2·row + column, first maximum; 0 for mean/none)."""
    if kind == cnn.NONE:
        return A.copy(), np.zeros(A.shape, np.int64)
    B, F, H, W = A.shape
    blocks = A[:, :, :H // 2 * 2, :W // 2 * 2].reshape(B, F, H // 2, 2, W // 2, 2)
    cells = blocks.transpose(0, 1, 2, 4, 3, 5).reshape(B, F, H // 2, W // 2, 4)
    if kind == cnn.MEAN:
        return cells.mean(axis=-1), np.zeros(cells.shape[:-1], np.int64)
    return cells.max(axis=-1), cells.argmax(axis=-1)


def pool_backward(dP, win, kind, shape):
    """dA of the given shape: each pooled δ to its winner (max), a quarter each (mean), or as is."""
    if kind == cnn.NONE:
        return dP.copy()
    B, F, Hp, Wp = dP.shape
    share = np.eye(4)[win] * dP[..., None] if kind == cnn.MAX else np.repeat(dP[..., None] / 4, 4, -1)
    dA = np.zeros(shape)
    dA[:, :, :2 * Hp, :2 * Wp] = share.reshape(B, F, Hp, Wp, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(
        B, F, 2 * Hp, 2 * Wp)
    return dA


def conv_backward(X, dZ, K, stride, pad):
    """∂K, ∂b summed over the batch, and dX: each window's share K·δ added back where it came from."""
    k = K.shape[2]
    dK = np.einsum("bchwij,bfhw->fcij", windows(X, k, stride, pad), dZ)
    db = dZ.sum(axis=(0, 2, 3))
    p = pad_width(k, pad)
    B, C, H, W = X.shape
    Ho, Wo = dZ.shape[2:]
    dXp = np.zeros((B, C, H + 2 * p, W + 2 * p))
    for i in range(k):
        for j in range(k):
            dXp[:, :, i:i + stride * (Ho - 1) + 1:stride, j:j + stride * (Wo - 1) + 1:stride] += np.einsum(
                "bfhw,fc->bchw", dZ, K[:, :, i, j])
    return dK, db, dXp[:, :, p:p + H, p:p + W]


def softmax_ce(Z, Y):
    """Mean cross-entropy of logits Z (B, O) against one-hot Y, by log-sum-exp; and the softmax."""
    shifted = Z - Z.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return -(Y * log_p).sum() / Z.shape[0], np.exp(log_p)


def unpack(theta, conv, sizes):
    """Views of theta, in its order: [(K, b) per conv layer], [(W, b) per dense layer]."""
    at = 0

    def take(*shape):
        nonlocal at
        n = int(np.prod(shape))
        at += n
        return theta[at - n:at].reshape(shape)
    convs = [(take(row[cnn.N_KERNELS], row[cnn.IN_C], row[cnn.SIZE], row[cnn.SIZE]), take(row[cnn.N_KERNELS]))
             for row in conv]
    dense = [(take(sizes[d], sizes[d + 1]), take(sizes[d + 1])) for d in range(len(sizes) - 1)]
    return convs, dense


def forward(theta, conv, sizes, dense_act, X):
    """Every layer's maps, for gradients(): a list of (input, z, a, pooled, winners) per conv layer and
    of (input, z, a) per dense layer."""
    convs, dense = unpack(theta, conv, sizes)
    conv_maps, dense_maps = [], []
    x = X
    for (K, b), row in zip(convs, conv):
        z = conv_forward(x, K, b, row[cnn.STRIDE], row[cnn.PADDING])
        a = act(z, row[cnn.ACT])
        p, win = pool_forward(a, row[cnn.POOL])
        conv_maps.append((x, z, a, p, win))
        x = p
    h = x.reshape(len(X), -1)
    for d, (W, b) in enumerate(dense):
        z = h @ W + b
        a = act(z, dense_act) if d < len(dense) - 1 else None
        dense_maps.append((h, z, a))
        h = a
    return conv_maps, dense_maps


def probabilities(theta, conv, sizes, dense_act, X):
    return softmax_ce(forward(theta, conv, sizes, dense_act, X)[1][-1][1], np.zeros((len(X), sizes[-1])))[1]


def loss(theta, conv, sizes, dense_act, X, Y):
    return softmax_ce(forward(theta, conv, sizes, dense_act, X)[1][-1][1], Y)[0]


def loss_and_gradients(theta, conv, sizes, dense_act, X, Y):
    """The mean loss and its gradient, in theta's layout."""
    conv_maps, dense_maps = forward(theta, conv, sizes, dense_act, X)
    grad = np.zeros_like(theta)
    g_conv, g_dense = unpack(grad, conv, sizes)
    convs, dense = unpack(theta, conv, sizes)
    value, probs = softmax_ce(dense_maps[-1][1], Y)
    dz = (probs - Y) / len(X)
    for d in range(len(dense) - 1, -1, -1):
        h, _, _ = dense_maps[d]
        g_dense[d][0][...] = h.T @ dz
        g_dense[d][1][...] = dz.sum(axis=0)
        dh = dz @ dense[d][0].T
        if d > 0:
            _, z_prev, a_prev = dense_maps[d - 1]
            dz = dh * act_derivative(z_prev, a_prev, dense_act)
    dp = dh.reshape(conv_maps[-1][3].shape)
    for l in range(len(conv) - 1, -1, -1):
        x, z, a, p, win = conv_maps[l]
        row = conv[l]
        dz = pool_backward(dp, win, row[cnn.POOL], a.shape) * act_derivative(z, a, row[cnn.ACT])
        dK, db, dp = conv_backward(x, dz, convs[l][0], row[cnn.STRIDE], row[cnn.PADDING])
        g_conv[l][0][...] = dK
        g_conv[l][1][...] = db
    return value, grad


def train_step(theta, state, conv, sizes, dense_act, X, Y, optimizer, lr, mu=0.9, beta1=0.9, beta2=0.999,
               eps=1e-8):
    """One optimizer step in place; state = {"m", "v", "t"}; returns the loss before the step."""
    value, g = loss_and_gradients(theta, conv, sizes, dense_act, X, Y)
    if optimizer == "sgd":
        theta -= lr * g
    elif optimizer == "momentum":
        state["m"] = mu * state["m"] + g
        theta -= lr * state["m"]
    else:
        state["t"] += 1
        state["m"] = beta1 * state["m"] + (1 - beta1) * g
        state["v"] = beta2 * state["v"] + (1 - beta2) * g * g
        m_hat, v_hat = state["m"] / (1 - beta1 ** state["t"]), state["v"] / (1 - beta2 ** state["t"])
        theta -= lr * m_hat / (np.sqrt(v_hat) + eps)
    return value


# ---------------------------------------------------------------- the compiled module's signatures
# What a model calls through `backend.cnn`: the same names and arguments as dlsim.kernels.cnn, so
# `backend=numpy` runs the model without compiling anything (to a tolerance, not to the bit).
def predict(theta, conv, sizes, dense_act, X, P):
    P[...] = probabilities(theta, conv, sizes, dense_act, X)


def evaluate(theta, conv, sizes, dense_act, X, Y, P):
    value, probs = softmax_ce(forward(theta, conv, sizes, dense_act, X)[1][-1][1], Y)
    P[...] = probs
    return value


def gradients(theta, grad, conv, sizes, dense_act, X, Y):
    value, g = loss_and_gradients(theta, conv, sizes, dense_act, X, Y)
    grad += g
    return value


def _update(theta, grad, m, v, frozen, opt_kind, lr, mu, beta1, beta2, eps, t):
    """optimizers.update_all on all but the first `frozen` parameters, vectorised."""
    th, g, m, v = theta[frozen:], grad[frozen:], m[frozen:], v[frozen:]
    if opt_kind == SGD:
        th -= lr * g
    elif opt_kind == MOMENTUM:
        m[...] = mu * m + g
        th -= lr * m
    else:
        m[...] = beta1 * m + (1.0 - beta1) * g
        v[...] = beta2 * v + (1.0 - beta2) * g * g
        th -= lr * (m / (1.0 - beta1 ** t)) / (np.sqrt(v / (1.0 - beta2 ** t)) + eps)


def train_batch(theta, grad, m, v, t, frozen, conv, sizes, dense_act, opt_kind, lr, mu, beta1, beta2, eps, X, Y):
    grad[:] = 0.0
    value = gradients(theta, grad, conv, sizes, dense_act, X, Y)
    _update(theta, grad, m, v, frozen, opt_kind, lr, mu, beta1, beta2, eps, t)
    return value


def train_epochs(theta, grad, m, v, t, frozen, conv, sizes, dense_act, opt_kind, lr, mu, beta1, beta2, eps,
                 X, Y, orders, batch_size, epoch_losses):
    n = X.shape[0]
    for e in range(orders.shape[0]):
        total = 0.0
        for start in range(0, n, batch_size):
            idx = orders[e, start:min(start + batch_size, n)]
            t += 1
            total += train_batch(theta, grad, m, v, t, frozen, conv, sizes, dense_act, opt_kind, lr, mu, beta1,
                                 beta2, eps, X[idx], Y[idx]) * len(idx)
        epoch_losses[e] = total / n
        if not np.isfinite(epoch_losses[e]):
            return e + 1, t
    return orders.shape[0], t
