"""The MLP in plain NumPy: textbook backpropagation, vectorised over the batch. The `numpy` backend
runs the MLP on these (same names and signatures as dlsim.kernels.mlp); tests compare the compiled
kernels with them."""
import numpy as np

from dlsim.kernels.reference import activate, batch_loss, derivative, output_deltas, update_all


def unpack(theta, sizes):
    """[(W, b), ...] as views into the flat buffer."""
    layers, off = [], 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        W = theta[off:off + n_in * n_out].reshape(n_in, n_out)
        off += n_in * n_out
        layers.append((W, theta[off:off + n_out]))
        off += n_out
    return layers


def layer_values(theta, sizes, acts, X):
    """Pre-activations and activations of every layer: ([Z1..ZL], [X, A1..AL])."""
    zs, as_ = [], [np.asarray(X, dtype=np.float64)]
    for (W, b), kind in zip(unpack(theta, sizes), acts):
        zs.append(as_[-1] @ W + b)
        as_.append(activate(zs[-1], kind))
    return zs, as_


def gradients(theta, sizes, acts, loss_kind, X, Y):
    """(loss, flat gradient) by textbook backpropagation."""
    zs, as_ = layer_values(theta, sizes, acts, X)
    grad = np.zeros_like(theta)
    delta = output_deltas(zs[-1], as_[-1], Y, loss_kind, acts[-1])
    layers, glayers = unpack(theta, sizes), unpack(grad, sizes)
    for l in range(len(layers) - 1, -1, -1):
        glayers[l][0][:] = as_[l].T @ delta
        glayers[l][1][:] = delta.sum(axis=0)
        if l > 0:
            delta = (delta @ layers[l][0].T) * derivative(zs[l - 1], as_[l], acts[l - 1])
    return batch_loss(zs[-1], as_[-1], Y, loss_kind), grad


def train_epochs(theta, grad, m, v, t, sizes, acts, loss_kind, opt_kind, lr, mu, beta1, beta2,
          eps, X, Y, orders, batch_size, epoch_losses):
    n = X.shape[0]
    for e in range(orders.shape[0]):
        total = 0.0
        for start in range(0, n, batch_size):
            idx = orders[e, start:start + batch_size]
            loss, grad[:] = gradients(theta, sizes, acts, loss_kind, X[idx], Y[idx])
            t += 1
            update_all(theta, grad, m, v, opt_kind, lr, mu, beta1, beta2, eps, t)
            total += loss * len(idx)
        epoch_losses[e] = total / n
        if not np.isfinite(epoch_losses[e]):
            return e + 1, t
    return orders.shape[0], t


# --- the compiled kernels' signatures (dlsim.kernels.mlp), over the references above ------------

def forward(theta, sizes, acts, X, Z, A):
    zs, as_ = layer_values(theta, list(sizes), list(acts), X)
    Z[:, sizes[0]:] = np.concatenate(zs, axis=1)
    A[:] = np.concatenate(as_, axis=1)


def backward(theta, grad, sizes, acts, loss_kind, Y, Z, A, D):
    loss, g = gradients(theta, list(sizes), list(acts), loss_kind, A[:, :sizes[0]], Y)
    grad += g
    return loss


def train_batch(theta, grad, m, v, t, sizes, acts, loss_kind, opt_kind, lr, mu, beta1, beta2,
                eps, Xb, Yb):
    loss, grad[:] = gradients(theta, list(sizes), list(acts), loss_kind, Xb, Yb)
    update_all(theta, grad, m, v, opt_kind, lr, mu, beta1, beta2, eps, t)
    return loss


def mean_loss(Z_out, A_out, Y, kind):
    return batch_loss(Z_out, A_out, Y, kind)
