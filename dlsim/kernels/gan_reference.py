"""Plain NumPy references of the GAN's kernels (dlsim/kernels/gan.py), same names and signatures:
textbook backpropagation over whole batches, built on the MLP's references. The `numpy` backend runs
the GAN on these (no compilation); tests compare the compiled kernels with them."""
import math

import numpy as np

from dlsim.kernels.gan import NON_SATURATING   # a constant: importing compiles nothing
from dlsim.kernels.losses import BCE
from dlsim.kernels.mlp_reference import gradients as mlp_gradients
from dlsim.kernels.mlp_reference import layer_values as mlp_forward
from dlsim.kernels.mlp_reference import unpack
from dlsim.kernels.reference import derivative, update_all


def _hyper(h):
    return int(h[0]), float(h[1]), float(h[2]), float(h[3]), float(h[4]), float(h[5])


def _fakes(theta_g, sizes_g, acts_g, Z):
    zs, as_ = mlp_forward(theta_g, list(sizes_g), list(acts_g), Z)
    return zs, as_


def g_loss(logits, kind):
    """Mean G loss from D's logits on the fakes: −log D(x̂) or log(1 − D(x̂))."""
    softplus = np.logaddexp(0.0, logits)
    return float(np.mean(softplus - logits if kind == NON_SATURATING else -softplus))


def d_gradients(theta_d, grad_d, sizes_d, acts_d, theta_g, sizes_g, acts_g, Xb, Zb):
    fakes = _fakes(theta_g, sizes_g, acts_g, Zb)[1][-1]
    B = Xb.shape[0]
    Y = np.concatenate([np.ones((B, 1)), np.zeros((B, 1))])
    loss, grad_d[:] = mlp_gradients(theta_d, list(sizes_d), list(acts_d), BCE, np.concatenate([Xb, fakes]), Y)
    return loss


def d_step(theta_d, grad_d, m_d, v_d, t_d, sizes_d, acts_d, hyper_d, theta_g, sizes_g, acts_g, Xb, Zb):
    loss = d_gradients(theta_d, grad_d, sizes_d, acts_d, theta_g, sizes_g, acts_g, Xb, Zb)
    update_all(theta_d, grad_d, m_d, v_d, *_hyper(hyper_d), t_d)
    return loss


def _backprop(theta, sizes, acts, zs, as_, delta):
    """(flat gradient, ∂L/∂input) from the output layer's δ, by the chain rule layer by layer."""
    layers = unpack(theta, sizes)
    grad = np.zeros_like(theta)
    glayers = unpack(grad, sizes)
    for l in range(len(layers) - 1, -1, -1):
        glayers[l][0][:] = as_[l].T @ delta
        glayers[l][1][:] = delta.sum(axis=0)
        delta = delta @ layers[l][0].T
        if l > 0:
            delta = delta * derivative(zs[l - 1], as_[l], acts[l - 1])
    return grad, delta


def g_gradients(theta_g, grad_g, sizes_g, acts_g, theta_d, sizes_d, acts_d, g_kind, Zb, fake_grads):
    sizes_g, acts_g, sizes_d, acts_d = list(sizes_g), list(acts_g), list(sizes_d), list(acts_d)
    gzs, gas = _fakes(theta_g, sizes_g, acts_g, Zb)
    dzs, das = mlp_forward(theta_d, sizes_d, acts_d, gas[-1])
    B = Zb.shape[0]
    p = das[-1]
    delta = (p - 1.0) / B if g_kind == NON_SATURATING else -p / B   # ∂L_G/∂z at D's output
    _, x_grad = _backprop(theta_d, sizes_d, acts_d, dzs, das, delta)   # D frozen: its gradient unused
    fake_grads[:, :] = x_grad.T
    out_delta = x_grad * derivative(gzs[-1], gas[-1], acts_g[-1])
    grad_g[:] = _backprop(theta_g, sizes_g, acts_g, gzs, gas, out_delta)[0]
    return g_loss(dzs[-1][:, 0], g_kind)


def g_step(theta_g, grad_g, m_g, v_g, t_g, sizes_g, acts_g, hyper_g, theta_d, sizes_d, acts_d, g_kind, Zb,
           fake_grads):
    loss = g_gradients(theta_g, grad_g, sizes_g, acts_g, theta_d, sizes_d, acts_d, g_kind, Zb, fake_grads)
    update_all(theta_g, grad_g, m_g, v_g, *_hyper(hyper_g), t_g)
    return loss


def train_iterations(theta_d, grad_d, m_d, v_d, theta_g, grad_g, m_g, v_g, t_d, t_g, sizes_d, acts_d,
                     sizes_g, acts_g, hyper_d, hyper_g, g_kind, X, rows, Z, d_steps, g_steps, d_losses, g_losses):
    k, B = rows.shape[1], Z.shape[2]
    fake_grads = np.empty((int(sizes_g[-1]), B))
    for e in range(rows.shape[0]):
        total = 0.0
        for j in range(d_steps):
            t_d += 1
            total += d_step(theta_d, grad_d, m_d, v_d, t_d, sizes_d, acts_d, hyper_d, theta_g, sizes_g, acts_g,
                            X[rows[e, j]], Z[e, j])
        d_losses[e] = total / d_steps if d_steps > 0 else math.nan
        g_losses[e] = math.nan
        if g_steps > 0:
            t_g += 1
            g_losses[e] = g_step(theta_g, grad_g, m_g, v_g, t_g, sizes_g, acts_g, hyper_g, theta_d, sizes_d,
                                 acts_d, g_kind, Z[e, k], fake_grads)
        if (d_steps > 0 and not math.isfinite(d_losses[e])) or (g_steps > 0 and not math.isfinite(g_losses[e])):
            return e + 1, t_d, t_g
    return rows.shape[0], t_d, t_g


def generate(theta_g, sizes_g, acts_g, Z, out):
    out[:, :] = _fakes(theta_g, sizes_g, acts_g, Z)[1][-1]


def discriminate(theta_d, sizes_d, acts_d, X, logits, probs):
    zs, as_ = mlp_forward(theta_d, list(sizes_d), list(acts_d), X)
    logits[:] = zs[-1][:, 0]
    probs[:] = as_[-1][:, 0]
