"""The GAN's compiled training: a D step, a G step (backward through the frozen D into G), and whole
iterations (k D steps, then one G step) in one call.

Both networks are MLPs in the MLP's layout (dlsim.kernels.mlp): a flat parameter buffer per network,
its layer sizes and activation codes; the discriminator D ends in one sigmoid unit (P(real)), the
generator G in two linear units (a point). Layer blocks are feature-major, as in the MLP, and every
number is summed in the order of the stepwise path's scalar kernels, so a stepped step and a compiled
one agree to the last bit.

D's loss is binary cross-entropy averaged over its batch of B real points (target 1) followed by B
fake ones (target 0): one MLP step on 2B points. G's loss, averaged over B fake points, is
−log D(x̂) (non-saturating, the default) or log(1 − D(x̂)) (saturating, the minimax original).
`hyper` is (optimizer code, lr, μ, β1, β2, ε) of one network.
"""
import math

import numpy as np

from dlsim.kernels.activations import exp_neg, scale_by_derivative
from dlsim.kernels.dense import accumulate, dense_backward_into
from dlsim.kernels.jit import glue, inline, kernel
from dlsim.kernels.losses import BCE
from dlsim.kernels.mlp import _backward_blocks, _block, _forward_blocks, _weights, _workspace, param_offsets, unit_offsets
from dlsim.kernels.optimizers import update_all

NON_SATURATING, SATURATING = 0, 1
G_LOSSES = {"non_saturating": NON_SATURATING, "saturating": SATURATING}


@inline
def g_term(z, kind):
    """One fake point's G loss from D's logit z: −log σ(z) = softplus(−z) (non-saturating), or
    log(1 − σ(z)) = −softplus(z) (saturating). From the logit, so a confident D loses no digits."""
    soft = math.log1p(exp_neg(-abs(z)))
    if kind == NON_SATURATING:
        return max(z, 0.0) - z + soft
    return -(max(z, 0.0) + soft)


@inline
def g_delta(a, kind, scale):
    """∂L_G/∂z at D's output for one fake point with D(x̂) = a: (a − 1)/B, or −a/B (saturating:
    vanishes where D is sure the point is fake, a ≈ 0, which is why it stalls early)."""
    if kind == NON_SATURATING:
        return scale * (a - 1.0)
    return -(scale * a)


@kernel
def _latent_in(Zb, sizes_g, ga):
    """Zb (B, zd) into G's input block, feature-major."""
    inputs = _block(ga, sizes_g, unit_offsets(sizes_g), Zb.shape[0], 0)
    for s in range(Zb.shape[0]):
        for f in range(Zb.shape[1]):
            inputs[f, s] = Zb[s, f]


@kernel
def _fakes_into(theta_g, sizes_g, acts_g, batch, gz, ga, sizes_d, da, d_batch, first):
    """G's forward pass on the latent batch already in ga; its points into D's input block from
    column `first` on (D's batch is d_batch wide)."""
    _forward_blocks(theta_g, sizes_g, acts_g, batch, gz, ga)
    fakes = _block(ga, sizes_g, unit_offsets(sizes_g), batch, sizes_g.shape[0] - 1)
    inputs = _block(da, sizes_d, unit_offsets(sizes_d), d_batch, 0)
    for f in range(fakes.shape[0]):
        for s in range(batch):
            inputs[f, first + s] = fakes[f, s]


@kernel
def _d_targets(batch):
    """(2B, 1): B real points (1) then B fakes (0)."""
    Y = np.zeros((2 * batch, 1))
    Y[:batch, 0] = 1.0
    return Y


@kernel
def _d_inputs(Xb, sizes_d, da):
    inputs = _block(da, sizes_d, unit_offsets(sizes_d), 2 * Xb.shape[0], 0)
    for s in range(Xb.shape[0]):
        for f in range(Xb.shape[1]):
            inputs[f, s] = Xb[s, f]


@kernel
def _d_update(theta_d, grad_d, m_d, v_d, t_d, sizes_d, acts_d, hyper_d, theta_g, sizes_g, acts_g, Xb, Zb,
              Yd, gz, ga, dz, da, dd, dscratch, update):
    """One D step's gradient into grad_d (and the update, if `update`); returns D's batch loss."""
    B = Xb.shape[0]
    _d_inputs(Xb, sizes_d, da)
    _latent_in(Zb, sizes_g, ga)
    _fakes_into(theta_g, sizes_g, acts_g, B, gz, ga, sizes_d, da, 2 * B, B)
    grad_d[:] = 0.0   # what the MLP's _step does, with the update optional
    _forward_blocks(theta_d, sizes_d, acts_d, 2 * B, dz, da)
    loss = _backward_blocks(theta_d, grad_d, sizes_d, acts_d, BCE, Yd, dz, da, dd, dscratch)
    if update:
        update_all(theta_d, grad_d, m_d, v_d, int(hyper_d[0]), hyper_d[1], hyper_d[2], hyper_d[3], hyper_d[4],
                   hyper_d[5], t_d)
    return loss


@kernel
def _g_update(theta_g, grad_g, m_g, v_g, t_g, sizes_g, acts_g, hyper_g, theta_d, sizes_d, acts_d, g_kind, Zb,
              gz, ga, gd, gscratch, dz, da, dd, fake_grads, update):
    """One G step: z → G → x̂ → D (frozen) → G's loss → δ back through D to x̂ (∂L_G/∂x̂ into
    fake_grads (2, B)) → on into G's gradients; G's update if `update`. Returns G's batch loss."""
    B = Zb.shape[0]
    _latent_in(Zb, sizes_g, ga)
    _fakes_into(theta_g, sizes_g, acts_g, B, gz, ga, sizes_d, da, B, 0)
    _forward_blocks(theta_d, sizes_d, acts_d, B, dz, da)
    ud, nd = unit_offsets(sizes_d), sizes_d.shape[0] - 1
    zT, aT, dT = _block(dz, sizes_d, ud, B, nd), _block(da, sizes_d, ud, B, nd), _block(dd, sizes_d, ud, B, nd)
    scale = 1.0 / B
    for s in range(B):
        dT[0, s] = g_delta(aT[0, s], g_kind, scale)
    loss = 0.0
    for s in range(B):
        loss += scale * g_term(zT[0, s], g_kind)
    w_off, _, _ = param_offsets(sizes_d)
    for l in range(nd - 1, -1, -1):   # D is frozen: δ flows through it, nothing accumulates
        below = _block(dd, sizes_d, ud, B, l)
        below[:, :] = 0.0
        accumulate(below, _weights(theta_d, sizes_d, w_off, l), _block(dd, sizes_d, ud, B, l + 1))
        if l > 0:
            scale_by_derivative(below, _block(dz, sizes_d, ud, B, l), _block(da, sizes_d, ud, B, l), acts_d[l - 1])
    x_grad = _block(dd, sizes_d, ud, B, 0)
    fake_grads[:, :] = x_grad
    ug, ng = unit_offsets(sizes_g), sizes_g.shape[0] - 1
    out = _block(gd, sizes_g, ug, B, ng)
    out[:, :] = x_grad   # G's output δ: ∂L/∂x̂ times its activation's slope
    scale_by_derivative(out, _block(gz, sizes_g, ug, B, ng), _block(ga, sizes_g, ug, B, ng), acts_g[ng - 1])
    gw_off, gb_off, _ = param_offsets(sizes_g)
    grad_g[:] = 0.0
    for l in range(ng - 1, -1, -1):
        n_in, n_out = sizes_g[l], sizes_g[l + 1]
        dW = grad_g[gw_off[l]:gw_off[l] + n_in * n_out].reshape((n_in, n_out))
        db = grad_g[gb_off[l]:gb_off[l] + n_out]
        below = _block(gd, sizes_g, ug, B, l)[:n_in if l > 0 else 0]
        dense_backward_into(_block(ga, sizes_g, ug, B, l), _weights(theta_g, sizes_g, gw_off, l),
                            _block(gd, sizes_g, ug, B, l + 1), dW, db, below, gscratch)
        if l > 0:
            scale_by_derivative(below, _block(gz, sizes_g, ug, B, l), _block(ga, sizes_g, ug, B, l), acts_g[l - 1])
    if update:
        update_all(theta_g, grad_g, m_g, v_g, int(hyper_g[0]), hyper_g[1], hyper_g[2], hyper_g[3], hyper_g[4],
                   hyper_g[5], t_g)
    return loss


@glue
def d_step(theta_d, grad_d, m_d, v_d, t_d, sizes_d, acts_d, hyper_d, theta_g, sizes_g, acts_g, Xb, Zb):
    """One D step on real points Xb (B, 2) and latent points Zb (B, zd); returns D's loss before it."""
    B = Xb.shape[0]
    gz, ga, _, _ = _workspace(sizes_g, B)
    dz, da, dd, dscratch = _workspace(sizes_d, 2 * B)
    return _d_update(theta_d, grad_d, m_d, v_d, t_d, sizes_d, acts_d, hyper_d, theta_g, sizes_g, acts_g, Xb, Zb,
                     _d_targets(B), gz, ga, dz, da, dd, dscratch, True)


@glue
def d_gradients(theta_d, grad_d, sizes_d, acts_d, theta_g, sizes_g, acts_g, Xb, Zb):
    """D's loss, and its gradient into grad_d, on Xb and Zb; nothing else changes."""
    B = Xb.shape[0]
    gz, ga, _, _ = _workspace(sizes_g, B)
    dz, da, dd, dscratch = _workspace(sizes_d, 2 * B)
    return _d_update(theta_d, grad_d, grad_d, grad_d, 1, sizes_d, acts_d, np.zeros(6), theta_g, sizes_g,
                     acts_g, Xb, Zb, _d_targets(B), gz, ga, dz, da, dd, dscratch, False)


@glue
def g_step(theta_g, grad_g, m_g, v_g, t_g, sizes_g, acts_g, hyper_g, theta_d, sizes_d, acts_d, g_kind, Zb,
           fake_grads):
    """One G step on latent points Zb (B, zd); ∂L_G/∂x̂ per point into fake_grads (2, B); returns G's
    loss before the step."""
    B = Zb.shape[0]
    gz, ga, gd, gscratch = _workspace(sizes_g, B)
    dz, da, dd, _ = _workspace(sizes_d, B)
    return _g_update(theta_g, grad_g, m_g, v_g, t_g, sizes_g, acts_g, hyper_g, theta_d, sizes_d, acts_d, g_kind,
                     Zb, gz, ga, gd, gscratch, dz, da, dd, fake_grads, True)


@glue
def g_gradients(theta_g, grad_g, sizes_g, acts_g, theta_d, sizes_d, acts_d, g_kind, Zb, fake_grads):
    """G's loss, its gradient into grad_g and ∂L_G/∂x̂ into fake_grads (2, B); nothing else changes."""
    B = Zb.shape[0]
    gz, ga, gd, gscratch = _workspace(sizes_g, B)
    dz, da, dd, _ = _workspace(sizes_d, B)
    return _g_update(theta_g, grad_g, grad_g, grad_g, 1, sizes_g, acts_g, np.zeros(6), theta_d, sizes_d, acts_d,
                     g_kind, Zb, gz, ga, gd, gscratch, dz, da, dd, fake_grads, False)


@kernel
def train_iterations(theta_d, grad_d, m_d, v_d, theta_g, grad_g, m_g, v_g, t_d, t_g, sizes_d, acts_d,
                     sizes_g, acts_g, hyper_d, hyper_g, g_kind, X, rows, Z, d_steps, g_steps, d_losses, g_losses):
    """len(rows) iterations, each `d_steps` D steps then `g_steps` (0 or 1) G steps. rows (E, k, B)
    picks each D step's real points from X; Z (E, k + 1, B, zd) holds the latent points (D step j
    takes Z[e, j], the G step Z[e, k]). d_losses and g_losses (E,) receive each iteration's mean D
    loss and its G loss (NaN where none ran). Stops after an iteration whose loss is not finite.
    Returns (iterations run, D steps taken, G steps taken): Adam's step counts."""
    B, k = Z.shape[2], rows.shape[1]
    gz, ga, gd, gscratch = _workspace(sizes_g, B)
    dz, da, dd, dscratch = _workspace(sizes_d, 2 * B)
    Yd = _d_targets(B)
    Xb = np.empty((B, X.shape[1]))
    fake_grads = np.empty((sizes_g[-1], B))
    for e in range(rows.shape[0]):
        total = 0.0
        for j in range(d_steps):
            for s in range(B):
                for f in range(X.shape[1]):
                    Xb[s, f] = X[rows[e, j, s], f]
            t_d += 1
            total += _d_update(theta_d, grad_d, m_d, v_d, t_d, sizes_d, acts_d, hyper_d, theta_g, sizes_g, acts_g,
                               Xb, Z[e, j], Yd, gz, ga, dz, da, dd, dscratch, True)
        d_losses[e] = total / d_steps if d_steps > 0 else math.nan
        g_losses[e] = math.nan
        if g_steps > 0:
            t_g += 1
            g_losses[e] = _g_update(theta_g, grad_g, m_g, v_g, t_g, sizes_g, acts_g, hyper_g, theta_d, sizes_d,
                                    acts_d, g_kind, Z[e, k], gz, ga, gd, gscratch, dz, da, dd, fake_grads, True)
        if (d_steps > 0 and not math.isfinite(d_losses[e])) or (g_steps > 0 and not math.isfinite(g_losses[e])):
            return e + 1, t_d, t_g
    return rows.shape[0], t_d, t_g


@glue
def generate(theta_g, sizes_g, acts_g, Z, out):
    """out (N, 2) = G(Z) for Z (N, zd)."""
    gz, ga, _, _ = _workspace(sizes_g, Z.shape[0])
    _latent_in(Z, sizes_g, ga)
    _forward_blocks(theta_g, sizes_g, acts_g, Z.shape[0], gz, ga)
    out[:, :] = _block(ga, sizes_g, unit_offsets(sizes_g), Z.shape[0], sizes_g.shape[0] - 1).T


@glue
def discriminate(theta_d, sizes_d, acts_d, X, logits, probs):
    """D's logit and P(real) (N,) for points X (N, 2)."""
    dz, da, _, _ = _workspace(sizes_d, X.shape[0])
    inputs = _block(da, sizes_d, unit_offsets(sizes_d), X.shape[0], 0)
    inputs[:, :] = X.T
    _forward_blocks(theta_d, sizes_d, acts_d, X.shape[0], dz, da)
    u, n = unit_offsets(sizes_d), sizes_d.shape[0] - 1
    logits[:] = _block(dz, sizes_d, u, X.shape[0], n)[0]
    probs[:] = _block(da, sizes_d, u, X.shape[0], n)[0]
