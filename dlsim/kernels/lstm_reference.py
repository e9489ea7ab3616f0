"""Plain NumPy reference of the LSTM (dlsim.kernels.lstm): forward, loss, BPTT, training.

Vectorised over the batch, layer by layer, with the textbook's four gates as four slices of one
(B, 4H) pre-activation: f, i, o through a sigmoid, g through tanh.
"""
import numpy as np

from dlsim.kernels import recurrent_reference as common


def _sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def initial_theta(cfg: np.ndarray, rng: np.random.Generator, forget_bias: float = 1.0) -> np.ndarray:
    """recurrent_reference.initial_theta, with every layer's forget-gate bias (its first H rows) at
    forget_bias: 1 keeps the cell's memory at first, 0 halves it at every step."""
    theta = common.initial_theta(cfg, rng)
    for layer in common.unpack(theta, cfg)[0]:
        layer["b"][:layer["Wh"].shape[1]] = forget_bias
    return theta


def forward(theta, cfg, X, fixed=None):
    """Per layer: gates [(B, T, 4H) after activation], cs and hs [(B, T+1, H)]; then logits (B, T, O).

    fixed: (cs, hs) of another pass, whose states replace the carried ones at truncation cuts
    (see rnn_reference.forward).
    """
    layers, Wy, by = common.unpack(theta, cfg)
    B, T, _ = X.shape
    inputs, gates, cs, hs = X, [], [], []
    for l, p in enumerate(layers):
        H = p["Wh"].shape[1]
        a = np.zeros((B, T, 4 * H))
        c = np.zeros((B, T + 1, H))
        h = np.zeros((B, T + 1, H))
        c[:, 0], h[:, 0] = p["c0"], p["h0"]
        for t in range(T):
            if fixed is not None and common.is_cut(t, cfg):
                c_prev, h_prev = fixed[0][l][:, t], fixed[1][l][:, t]
            else:
                c_prev, h_prev = c[:, t], h[:, t]
            pre = inputs[:, t] @ p["Wx"].T + h_prev @ p["Wh"].T + p["b"]
            f, i, g, o = _sigmoid(pre[:, :H]), _sigmoid(pre[:, H:2 * H]), np.tanh(pre[:, 2 * H:3 * H]), \
                _sigmoid(pre[:, 3 * H:])
            a[:, t] = np.concatenate([f, i, g, o], axis=1)
            c[:, t + 1] = f * c_prev + i * g
            h[:, t + 1] = o * np.tanh(c[:, t + 1])
        gates.append(a)
        cs.append(c)
        hs.append(h)
        inputs = h[:, 1:]
    return gates, cs, hs, hs[-1][:, 1:] @ Wy.T + by


def loss(theta, cfg, X, Y, fixed=None) -> float:
    return common.loss_and_dy(cfg, forward(theta, cfg, X, fixed)[3], Y)[0]


def states(theta, cfg, X):
    """(cs, hs) of a forward pass: what `fixed` takes."""
    _, cs, hs, _ = forward(theta, cfg, X)
    return cs, hs


def gradients(theta, cfg, X, Y):
    """(loss, ∂loss/∂θ, dh_norms (L, T) = ‖∂loss/∂h_t‖ over the batch)."""
    layers, Wy, _ = common.unpack(theta, cfg)
    gates, cs, hs, logits = forward(theta, cfg, X)
    value, dy = common.loss_and_dy(cfg, logits, Y)
    grad = np.zeros_like(theta)
    glayers, gWy, gby = common.unpack(grad, cfg)
    gWy[:] = np.einsum("bto,bth->oh", dy, hs[-1][:, 1:])
    gby[:] = dy.sum(axis=(0, 1))
    from_above = dy @ Wy
    B, T, _ = X.shape
    norms = np.zeros((len(layers), T))
    for l in range(len(layers) - 1, -1, -1):
        p, g = layers[l], glayers[l]
        H = p["Wh"].shape[1]
        inputs = X if l == 0 else hs[l - 1][:, 1:]
        da = np.zeros_like(gates[l])
        dh_next, dc_next = np.zeros((B, H)), np.zeros((B, H))
        for t in range(T - 1, -1, -1):
            if common.is_cut(t + 1, cfg):
                dh_next, dc_next = np.zeros((B, H)), np.zeros((B, H))
            dh = dh_next + from_above[:, t]
            norms[l, t] = np.sqrt((dh ** 2).sum())
            a = gates[l][:, t]
            f, i, gg, o = a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H], a[:, 3 * H:]
            tc = np.tanh(cs[l][:, t + 1])
            dc = dc_next + dh * o * (1 - tc ** 2)
            da[:, t] = np.concatenate([dc * cs[l][:, t] * f * (1 - f), dc * gg * i * (1 - i),
                                       dc * i * (1 - gg ** 2), dh * tc * o * (1 - o)], axis=1)
            dc_next = dc * f
            dh_next = da[:, t] @ p["Wh"]
        g["Wx"][:] = np.einsum("btr,bti->ri", da, inputs)
        g["Wh"][:] = np.einsum("btr,btk->rk", da, hs[l][:, :-1])
        g["b"][:] = da.sum(axis=(0, 1))
        g["h0"][:] = dh_next.sum(axis=0)
        g["c0"][:] = dc_next.sum(axis=0)
        from_above = da @ p["Wx"]
    common.finish(grad, cfg)
    return value, grad, norms


def batch_gradients(theta, grad, cfg, X, Y, dh_norms) -> float:
    """grad and dh_norms written in place, the loss returned (as the compiled kernel)."""
    return common.batch_gradients(gradients, theta, grad, cfg, X, Y, dh_norms)


def outputs(theta, cfg, X):
    """The logits (B, T, O) of every step."""
    return forward(theta, cfg, X)[3]


def unrolled(theta, cfg, X):
    """h, c (B, L, T+1, H), the gate values (B, L, T, 4H) and the logits (B, T, O) of a forward pass
    (as the compiled kernel)."""
    gates, cs, hs, logits = forward(theta, cfg, X)
    return np.stack(hs, axis=1), np.stack(cs, axis=1), np.stack(gates, axis=1), logits


def train_batch(theta, grad, m, v, step, cfg, hyper, X, Y, dh_norms):
    """One step: (loss, norm before clipping, after), as the compiled kernel."""
    return common.train_batch(gradients, theta, grad, m, v, step, cfg, hyper, X, Y, dh_norms)


def train_epochs(theta, grad, m, v, step, cfg, hyper, X, Y, orders, batch_size, epoch_loss, epoch_norm, dh_norms):
    """The shared training loop with this cell's gradients, as the compiled kernel."""
    return common.train_epochs(gradients, theta, grad, m, v, step, cfg, hyper, X, Y, orders, batch_size,
                               epoch_loss, epoch_norm, dh_norms)
