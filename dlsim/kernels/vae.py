"""The variational autoencoder's compiled training path.

Two MLPs (dlsim.kernels.mlp's blocks, the very sums in the very order): the encoder, sizes
(F, …, 2C), whose last, linear layer is the two heads — rows 0 … C−1 of its block are μ, rows C … 2C−1
are log σ²; and the decoder, sizes (C, …, F). Between them the VAE's own step: ε drawn for each
sample from a generator seeded by (seed, epoch·N + row, SALT) — a sample's ε is a function of its
place alone, so any path, or a rewind, draws it again to the bit — and z = μ + σ·ε, σ = e^(½·log σ²).

The loss of one sample is the reconstruction summed over its F values (the MLP's loss terms, with
n = 1 where the MLP takes their mean) plus β·KL(N(μ, σ²) ‖ N(0, 1)), KL = −½ Σ_j (1 + log σ²_j − μ_j² −
σ²_j). Backward, the decoder's δ flows into z and from there into μ (∂z/∂μ = 1) and log σ² (∂z/∂log σ²
= ½σε); ε is a drawn constant and gets none. The KL term adds its own gradient to the heads (β·μ and
β·½(σ² − 1), per sample's share). The scalar formulas below serve the stepped path one number at a
time and the batch loops here alike, so the two agree to the last bit.
"""
import math

import numpy as np

from dlsim.kernels.activations import scale_by_derivative
from dlsim.kernels.dense import dense_backward_into
from dlsim.kernels.jit import glue, inline, kernel
from dlsim.kernels.losses import _sample_total, _share, delta
from dlsim.kernels.mlp import _block, _forward_blocks, _weights, forward, param_offsets, unit_offsets
from dlsim.kernels.optimizers import update_all
from dlsim.kernels.seeded import STATE_WORDS, seed, standard_normal

SALT = 29   # ε's stream, apart from the orders' (17) and the autoencoder's corruption (23)

SHARED = (forward,)   # the MLP's, as this backend's vae.forward (each half on its own)


# --- the scalar formulas (stepped path and batch loops alike) -------------------------------------
@inline
def reparameterise(mu, logvar, eps):
    """z = μ + σ·ε with σ = e^(½·log σ²)."""
    return mu + math.exp(0.5 * logvar) * eps


@inline
def kl_term(mu, logvar):
    """One code unit's KL(N(μ, σ²) ‖ N(0, 1)) = −½(1 + log σ² − μ² − σ²)."""
    return -0.5 * (1.0 + logvar - mu * mu - math.exp(logvar))


@inline
def kl_grad_mu(mu, beta, scale):
    """∂(β·KL)/∂μ of one sample's share (scale = 1/B): β·μ/B."""
    return beta * scale * mu


@inline
def kl_grad_logvar(logvar, beta, scale):
    """∂(β·KL)/∂log σ² of one sample's share: β·½(σ² − 1)/B."""
    return beta * scale * 0.5 * (math.exp(logvar) - 1.0)


@inline
def through_z(dz, eps, logvar):
    """What reaches log σ² from z: ∂L/∂z · ∂z/∂log σ² = ∂L/∂z · ε·½σ."""
    return dz * eps * 0.5 * math.exp(0.5 * logvar)


@inline
def recon_share(z, a, y, kind, scale):
    """One sample's reconstruction loss summed over its values, times scale (= 1/B)."""
    n = a.shape[0]
    return _share(_sample_total(z.reshape((n, 1)), a.reshape((n, 1)), y.reshape((1, n)), 0, kind), kind, scale, 1)


@inline
def recon_delta(z, a, y, loss_kind, act_kind, scale, k):
    """δ_k = ∂L/∂z_k of output k, the loss summed (not averaged) over the values."""
    return delta(z[k], a[k], y[k], loss_kind, act_kind, scale, 1)


# --- ε -----------------------------------------------------------------------------------------
@kernel
def normals(seed_, key, salt, out, wi, ki, fi, r_tail, inv_r):
    """out[:] = np.random.default_rng([seed_, key, salt]).standard_normal(len(out))."""
    st = np.zeros(STATE_WORDS, np.uint64)
    seed(st, seed_, key, salt)
    for j in range(out.shape[0]):
        out[j] = standard_normal(st, wi, ki, fi, r_tail, inv_r)


def ziggurat():
    """NumPy's ziggurat tables, as dlsim.kernels.seeded.standard_normal takes them."""
    from numba.np.random import _constants as zig
    return zig.wi_double, zig.ki_double, zig.fi_double, zig.ziggurat_nor_r, zig.ziggurat_nor_inv_r


def epsilons(seed_, key, out):
    """One sample's ε (C,): np.random.default_rng([seed_, key, SALT]).standard_normal(C)."""
    normals(seed_, key, SALT, out, *ziggurat())


# --- whole batches -------------------------------------------------------------------------------
@kernel
def _backprop(theta, grad, sizes, acts, batch, z, a, d, scratch, to_input):
    """Gradients of an MLP's layers from the δ in d's top block down (the MLP's loop); the δ of the
    input too where `to_input` (the decoder's input is z, linear: no derivative to apply)."""
    w_off, b_off, _ = param_offsets(sizes)
    u = unit_offsets(sizes)
    for l in range(sizes.shape[0] - 2, -1, -1):
        n_in, n_out = sizes[l], sizes[l + 1]
        below = _block(d, sizes, u, batch, l)[:n_in if l > 0 or to_input else 0]
        dense_backward_into(_block(a, sizes, u, batch, l), _weights(theta, sizes, w_off, l),
                            _block(d, sizes, u, batch, l + 1), grad[w_off[l]:w_off[l] + n_in * n_out].reshape((n_in, n_out)),
                            grad[b_off[l]:b_off[l] + n_out], below, scratch)
        if l > 0:
            scale_by_derivative(below, _block(z, sizes, u, batch, l), _block(a, sizes, u, batch, l), acts[l - 1])


@inline
def _space(es, ds, batch):
    """The encoder's z, a, d blocks, the decoder's, and dense_backward_into's scratch."""
    ne, nd = batch * unit_offsets(es)[-1], batch * unit_offsets(ds)[-1]
    return (np.empty(ne), np.empty(ne), np.empty(ne), np.empty(nd), np.empty(nd), np.empty(nd),
            np.empty(batch * max(es.max(), ds.max())))


@kernel
def _step(theta, grad, m, v, t, es, eacts, ds, dacts, loss_kind, opt_kind, lr, mu, beta1, beta2, eps, beta,
          Yb, E, ze, ae, de, zd, ad, dd, scratch):
    """One optimizer step on the batch whose inputs are in ae's first block, targets in Yb (B, F)
    and ε in E (C, B); returns the batch loss measured before the step."""
    batch, c = Yb.shape[0], E.shape[0]
    pe = param_offsets(es)[2]
    th_e, th_d, g_e, g_d = theta[:pe], theta[pe:], grad[:pe], grad[pe:]
    ue, ud = unit_offsets(es), unit_offsets(ds)
    top, n_dec = es.shape[0] - 1, ds.shape[0] - 1
    grad[:] = 0.0
    _forward_blocks(th_e, es, eacts, batch, ze, ae)
    heads = _block(ae, es, ue, batch, top)      # (2C, B): μ, then log σ²
    zin = _block(ad, ds, ud, batch, 0)          # (C, B)
    for j in range(c):
        for s in range(batch):
            zin[j, s] = reparameterise(heads[j, s], heads[c + j, s], E[j, s])
    _forward_blocks(th_d, ds, dacts, batch, zd, ad)
    # the reconstruction's δ and loss, the KL, sample by sample
    zT, aT, dT = _block(zd, ds, ud, batch, n_dec), _block(ad, ds, ud, batch, n_dec), _block(dd, ds, ud, batch, n_dec)
    scale = 1.0 / batch
    for k in range(aT.shape[0]):
        for s in range(batch):
            dT[k, s] = delta(zT[k, s], aT[k, s], Yb[s, k], loss_kind, dacts[n_dec - 1], scale, 1)
    loss = 0.0
    for s in range(batch):
        kl = 0.0
        for j in range(c):
            kl += kl_term(heads[j, s], heads[c + j, s])
        loss += _share(_sample_total(zT, aT, Yb, s, loss_kind), loss_kind, scale, 1) + scale * (beta * kl)
    _backprop(th_d, g_d, ds, dacts, batch, zd, ad, dd, scratch, True)
    dz, dh = _block(dd, ds, ud, batch, 0), _block(de, es, ue, batch, top)
    for j in range(c):
        for s in range(batch):
            dh[j, s] = dz[j, s] + kl_grad_mu(heads[j, s], beta, scale)
            dh[c + j, s] = through_z(dz[j, s], E[j, s], heads[c + j, s]) + kl_grad_logvar(heads[c + j, s], beta, scale)
    _backprop(th_e, g_e, es, eacts, batch, ze, ae, de, scratch, False)
    update_all(theta, grad, m, v, opt_kind, lr, mu, beta1, beta2, eps, t)
    return loss


@glue
def train_batch(theta, grad, m, v, t, es, eacts, ds, dacts, loss_kind, opt_kind, lr, mu, beta1, beta2, eps, beta,
                Xb, Eb):
    """One optimizer step on inputs Xb (B, F) (their own targets) with ε Eb (B, C)."""
    ze, ae, de, zd, ad, dd, scratch = _space(es, ds, Xb.shape[0])
    _block(ae, es, unit_offsets(es), Xb.shape[0], 0)[:, :] = Xb.T
    return _step(theta, grad, m, v, t, es, eacts, ds, dacts, loss_kind, opt_kind, lr, mu, beta1, beta2, eps, beta,
                 Xb, np.ascontiguousarray(Eb.T), ze, ae, de, zd, ad, dd, scratch)


@kernel
def _train_epochs(theta, grad, m, v, t, es, eacts, ds, dacts, loss_kind, opt_kind, lr, mu, beta1, beta2, eps, beta,
                  X, orders, batch_size, epoch_losses, seed_, first_epoch, wi, ki, fi, r_tail, inv_r):
    n, f = X.shape
    c = ds[0]
    ze, ae, de, zd, ad, dd, scratch = _space(es, ds, min(batch_size, n))
    Yb, E, e_row = np.empty((min(batch_size, n), f)), np.empty((c, min(batch_size, n))), np.empty(c)
    ue = unit_offsets(es)
    for e in range(orders.shape[0]):
        total = 0.0
        for start in range(0, n, batch_size):
            idx = orders[e, start:min(start + batch_size, n)]
            batch = idx.shape[0]
            inputs = _block(ae, es, ue, batch, 0)
            Eb = E[:, :batch]
            for s in range(batch):
                for k in range(f):
                    inputs[k, s] = X[idx[s], k]
                    Yb[s, k] = X[idx[s], k]
                normals(seed_, (first_epoch + e) * n + idx[s], SALT, e_row, wi, ki, fi, r_tail, inv_r)
                for j in range(c):
                    Eb[j, s] = e_row[j]
            t += 1
            loss = _step(theta, grad, m, v, t, es, eacts, ds, dacts, loss_kind, opt_kind, lr, mu, beta1, beta2, eps,
                         beta, Yb[:batch], np.ascontiguousarray(Eb), ze, ae, de, zd, ad, dd, scratch)
            total += loss * batch
        epoch_losses[e] = total / n
        if not math.isfinite(epoch_losses[e]):
            return e + 1, t
    return orders.shape[0], t


def train_epochs(theta, grad, m, v, t, es, eacts, ds, dacts, loss_kind, opt_kind, lr, mu, beta1, beta2, eps, beta,
                 X, orders, batch_size, epoch_losses, seed_, first_epoch):
    """Train len(orders) epochs (orders (E, N): each epoch's sample order), ε drawn per sample. Stops
    after an epoch whose loss is not finite. Returns (epochs run, optimizer steps taken)."""
    return _train_epochs(theta, grad, m, v, t, es, eacts, ds, dacts, loss_kind, opt_kind, lr, mu, beta1, beta2,
                         eps, beta, X, orders, batch_size, epoch_losses, seed_, first_epoch, *ziggurat())


# --- evaluation and pictures -----------------------------------------------------------------------
@kernel
def recon_loss(Z_out, A_out, Y, kind):
    """Mean over rows of each row's reconstruction loss summed over its values, (B, F) each."""
    zT, aT = np.ascontiguousarray(Z_out.T), np.ascontiguousarray(A_out.T)
    total, scale = 0.0, 1.0 / max(Y.shape[0], 1)
    for s in range(Y.shape[0]):
        total += _share(_sample_total(zT, aT, Y, s, kind), kind, scale, 1)
    return total


@kernel
def kl_rows(heads, out):
    """Each row's KL summed over its code units, from the heads' outputs (B, 2C): μ, then log σ²."""
    c = heads.shape[1] // 2
    for s in range(heads.shape[0]):
        kl = 0.0
        for j in range(c):
            kl += kl_term(heads[s, j], heads[s, c + j])
        out[s] = kl
