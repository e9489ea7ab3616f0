"""Plain NumPy reference of the Elman RNN (dlsim.kernels.rnn): forward, loss, BPTT, training.

Vectorised over the batch and written layer by layer, the way a textbook would: the whole bottom
layer through time, then the next; backward from the top layer down, each through time from T to 1.
"""
import numpy as np

from dlsim.kernels import recurrent as rc
from dlsim.kernels import recurrent_reference as common

initial_theta = common.initial_theta   # the RNN adds nothing of its own


def _act(z, kind):
    return np.tanh(z) if kind == rc.TANH else np.maximum(z, 0.0)


def _derivative(z, h, kind):
    return 1.0 - h * h if kind == rc.TANH else (z > 0).astype(float)


def forward(theta, cfg, X, fixed=None):
    """zs [(B, T, H)], hs [(B, T+1, H)] per layer, logits (B, T, O).

    fixed: the hs of another forward pass; at each truncation cut the state entering the step is
    taken from it instead. With fixed from the same θ this changes no number; with θ perturbed it
    holds the carried state constant, which is what truncated BPTT differentiates.
    """
    layers, Wy, by = common.unpack(theta, cfg)
    B, T, _ = X.shape
    inputs, zs, hs = X, [], []
    for l, p in enumerate(layers):
        z = np.zeros((B, T, p["Wh"].shape[1]))
        h = np.zeros((B, T + 1, p["Wh"].shape[1]))
        h[:, 0] = p["h0"]
        for t in range(T):
            prev = fixed[l][:, t] if fixed is not None and common.is_cut(t, cfg) else h[:, t]
            z[:, t] = inputs[:, t] @ p["Wx"].T + prev @ p["Wh"].T + p["b"]
            h[:, t + 1] = _act(z[:, t], cfg[rc.ACT])
        zs.append(z)
        hs.append(h)
        inputs = h[:, 1:]
    return zs, hs, hs[-1][:, 1:] @ Wy.T + by


def loss(theta, cfg, X, Y, fixed=None) -> float:
    return common.loss_and_dy(cfg, forward(theta, cfg, X, fixed)[2], Y)[0]


def states(theta, cfg, X):
    """The hs of a forward pass: what `fixed` takes."""
    return forward(theta, cfg, X)[1]


def gradients(theta, cfg, X, Y):
    """(loss, ∂loss/∂θ, dh_norms (L, T) = ‖∂loss/∂h_t‖ over the batch)."""
    layers, Wy, _ = common.unpack(theta, cfg)
    zs, hs, logits = forward(theta, cfg, X)
    value, dy = common.loss_and_dy(cfg, logits, Y)
    grad = np.zeros_like(theta)
    glayers, gWy, gby = common.unpack(grad, cfg)
    top = hs[-1][:, 1:]
    gWy[:] = np.einsum("bto,bth->oh", dy, top)
    gby[:] = dy.sum(axis=(0, 1))
    from_above = dy @ Wy                                  # (B, T, H): ∂loss/∂h_t through the output
    B, T, _ = X.shape
    norms = np.zeros((len(layers), T))
    for l in range(len(layers) - 1, -1, -1):
        p, g = layers[l], glayers[l]
        inputs = X if l == 0 else hs[l - 1][:, 1:]
        dz = np.zeros_like(zs[l])
        carry = np.zeros((B, p["Wh"].shape[1]))
        for t in range(T - 1, -1, -1):
            if common.is_cut(t + 1, cfg):
                carry = np.zeros_like(carry)
            dh = carry + from_above[:, t]
            norms[l, t] = np.sqrt((dh ** 2).sum())
            dz[:, t] = dh * _derivative(zs[l][:, t], hs[l][:, t + 1], cfg[rc.ACT])
            carry = dz[:, t] @ p["Wh"]
        g["Wx"][:] = np.einsum("bth,bti->hi", dz, inputs)
        g["Wh"][:] = np.einsum("bth,btk->hk", dz, hs[l][:, :-1])
        g["b"][:] = dz.sum(axis=(0, 1))
        g["h0"][:] = carry.sum(axis=0)
        from_above = dz @ p["Wx"]
    common.finish(grad, cfg)
    return value, grad, norms


def batch_gradients(theta, grad, cfg, X, Y, dh_norms) -> float:
    """grad and dh_norms written in place, the loss returned (as the compiled kernel)."""
    return common.batch_gradients(gradients, theta, grad, cfg, X, Y, dh_norms)


def outputs(theta, cfg, X):
    """The logits (B, T, O) of every step."""
    return forward(theta, cfg, X)[2]


def unrolled(theta, cfg, X):
    """h (B, L, T+1, H) and the logits (B, T, O) of a forward pass (as the compiled kernel)."""
    _, hs, logits = forward(theta, cfg, X)
    return np.stack(hs, axis=1), logits


def train_batch(theta, grad, m, v, step, cfg, hyper, X, Y, dh_norms):
    """One step: (loss, norm before clipping, after), as the compiled kernel."""
    return common.train_batch(gradients, theta, grad, m, v, step, cfg, hyper, X, Y, dh_norms)


def train_epochs(theta, grad, m, v, step, cfg, hyper, X, Y, orders, batch_size, epoch_loss, epoch_norm, dh_norms):
    """The shared training loop with this cell's gradients, as the compiled kernel."""
    return common.train_epochs(gradients, theta, grad, m, v, step, cfg, hyper, X, Y, orders, batch_size,
                               epoch_loss, epoch_norm, dh_norms)
