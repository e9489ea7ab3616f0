"""Plain NumPy references for what the RNN and LSTM share: the parameter layout, the output loss,
clipping, and the training loops. Written for clarity, vectorised over the batch; no Numba.

Layout and configuration as in dlsim.kernels.recurrent. The loops take the cell's reference
`gradients` as an argument (each cell's reference module binds its own), so this module imports no cell.
"""
import numpy as np

from dlsim.kernels import recurrent as rc
from dlsim.kernels.reference import update_all

STATES = ("h0", "c0")   # the initial states' names, first to last (cfg[STATES] of them per layer)


def unpack(theta: np.ndarray, cfg: np.ndarray):
    """([per layer: dict of views Wx, Wh, b, h0 (and c0, a cell's second state)], Wy, by), views into theta."""
    F, H, O, L, G = (int(cfg[i]) for i in (rc.FEATURES, rc.HIDDEN, rc.OUTPUTS, rc.LAYERS, rc.GATES))
    off = 0

    def take(*shape):
        nonlocal off
        n = int(np.prod(shape))
        view = theta[off:off + n].reshape(shape)
        off += n
        return view

    layers = []
    for l in range(L):
        layer = {"Wx": take(G * H, F if l == 0 else H), "Wh": take(G * H, H), "b": take(G * H)}
        for name in STATES[:int(cfg[rc.STATES])]:
            layer[name] = take(H)
        layers.append(layer)
    Wy, by = take(O, H), take(O)
    assert off == theta.shape[0], "theta does not match cfg"
    return layers, Wy, by


def n_params(cfg: np.ndarray) -> int:
    F, H, O, L, G, S = (int(cfg[i]) for i in (rc.FEATURES, rc.HIDDEN, rc.OUTPUTS, rc.LAYERS, rc.GATES, rc.STATES))
    per_layer = [G * H * ((F if l == 0 else H) + H + 1) + H * S for l in range(L)]
    return sum(per_layer) + O * H + O


def initial_theta(cfg: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Weights uniform in ±1/√H (PyTorch's nn.RNN / nn.LSTM default), biases and initial states 0
    (a cell may then set biases of its own: lstm_reference.initial_theta)."""
    theta = np.zeros(n_params(cfg))
    layers, Wy, _ = unpack(theta, cfg)
    bound = 1.0 / np.sqrt(cfg[rc.HIDDEN])
    for layer in layers:
        for name in ("Wx", "Wh"):
            layer[name][:] = rng.uniform(-bound, bound, layer[name].shape)
    Wy[:] = rng.uniform(-bound, bound, Wy.shape)
    return theta


def is_cut(t: int, cfg: np.ndarray) -> bool:
    """Truncated BPTT: the state entering step t (t > 0) is a constant for the gradient when t is a
    multiple of k, i.e. the sequence is cut into chunks of k steps."""
    k = int(cfg[rc.TRUNCATE])
    return k > 0 and t > 0 and t % k == 0


def loss_and_dy(cfg: np.ndarray, logits: np.ndarray, Y: np.ndarray):
    """The loss (mean over samples and loss steps; MSE also over the outputs) and ∂loss/∂logits (B, T, O)."""
    B, T, _ = logits.shape
    out = logits if cfg[rc.PER_STEP] else logits[:, -1:]
    n = B * out.shape[1]
    if cfg[rc.LOSS] == rc.MSE:
        loss = ((out - Y) ** 2).sum() / out.size
        d = 2 * (out - Y) / out.size
    else:
        top = out.max(axis=-1, keepdims=True)
        lse = top + np.log(np.exp(out - top).sum(axis=-1, keepdims=True))
        loss = (Y * (lse - out)).sum() / n
        d = (np.exp(out - lse) * Y.sum(axis=-1, keepdims=True) - Y) / n
    dy = np.zeros_like(logits)
    dy[:, T - out.shape[1]:] = d
    return loss, dy


def clip(grad: np.ndarray, threshold: float):
    before = float(np.sqrt((grad ** 2).sum()))
    if threshold > 0 and before > threshold:
        grad *= threshold / before
    return before, float(np.sqrt((grad ** 2).sum()))


def finish(grad: np.ndarray, cfg: np.ndarray) -> None:
    """Zero the initial states' gradients when they are not learned."""
    if not cfg[rc.LEARN_H0]:
        for layer in unpack(grad, cfg)[0]:
            for name in STATES:
                if name in layer:
                    layer[name][:] = 0


def batch_gradients(gradients, theta, grad, cfg, X, Y, dh_norms) -> float:
    """With the cell's `gradients(theta, cfg, X, Y) -> (loss, grad, dh_norms)`: grad and dh_norms
    written in place, the loss returned (the signature of the compiled kernels' batch_gradients)."""
    loss, grad[:], dh_norms[:] = gradients(theta, cfg, X, Y)
    return loss


def train_batch(gradients, theta, grad, m, v, step, cfg, hyper, X, Y, dh_norms):
    """One step with the cell's `gradients`: (loss, norm before clipping, after); dh_norms gets the
    batch's ‖δh_t‖."""
    loss = batch_gradients(gradients, theta, grad, cfg, X, Y, dh_norms)
    before, after = clip(grad, hyper[rc.CLIP])
    update_all(theta, grad, m, v, int(cfg[rc.OPTIMIZER]), hyper[rc.LR], hyper[rc.MU], hyper[rc.BETA1],
               hyper[rc.BETA2], hyper[rc.EPS], step)
    return loss, before, after


def train_epochs(gradients, theta, grad, m, v, step, cfg, hyper, X, Y, orders, batch_size, epoch_loss,
                 epoch_norm, dh_norms):
    """As recurrent.train_epochs_with, with the cell's reference `gradients`."""
    n = X.shape[0]
    for e in range(orders.shape[0]):
        total, norms, batches = 0.0, 0.0, 0
        for start in range(0, n, batch_size):
            idx = orders[e, start:start + batch_size]
            step += 1
            loss, before, _ = train_batch(gradients, theta, grad, m, v, step, cfg, hyper, X[idx], Y[idx], dh_norms)
            total += loss * len(idx)
            norms += before
            batches += 1
        epoch_loss[e] = total / n
        epoch_norm[e] = norms / batches
        if not np.isfinite(epoch_loss[e]):
            return e + 1, step
    return orders.shape[0], step
