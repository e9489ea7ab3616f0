"""The variational autoencoder on the GPU: dlsim.kernels.vae's signatures, with the fused epochs and
the forward pass on the device, built from the MLP's device kernels (dlsim.kernels.mlp_cuda: gather,
dense, activation, weight gradients, δ below, update), since its two halves are MLPs.

What it adds: each epoch's ε are drawn on the CPU by the very kernel the CPU paths use
(dlsim.kernels.vae.normals, one row at a time: the same numbers to the bit) and copied once per
epoch; on the device, one thread per sample makes z = μ + σ·ε from its row's ε, scores the
reconstruction summed over the values plus β·KL (the CPU's scalar formulas compiled for the device),
and, backward, sends ∂L/∂z and the KL's own gradient into the heads. ∂L/∂z is the MLP's δ below with
a linear derivative (1: the sum itself). A compiled batch (`train_batch`), ε's draws and the
evaluation's kernels stay on the CPU, where stepping is.
"""
import math

import numpy as np

from dlsim.kernels import activations, gpu, losses, mlp_cuda, vae
from dlsim.kernels.vae import SALT, epsilons, kl_rows, recon_loss, train_batch, ziggurat

cuda = gpu.cuda()
CPU = (SALT, epsilons, kl_rows, recon_loss, train_batch)   # on the CPU: see above
forward = mlp_cuda.forward

_reparameterise = gpu.device(vae.reparameterise)
_kl_term = gpu.device(vae.kl_term)
_kl_grad_mu = gpu.device(vae.kl_grad_mu)
_kl_grad_logvar = gpu.device(vae.kl_grad_logvar)
_through_z = gpu.device(vae.through_z)
_delta = gpu.device(losses.delta)
_sample_total = gpu.device(losses._sample_total)
_share = gpu.device(losses._share)


@cuda.jit
def _sample_z(heads, E, order, start, zT):
    """zT (C, B): z = μ + σ·ε of each sample, ε its row's (E (N, C))."""
    s = cuda.grid(1)
    c = zT.shape[0]
    if s < zT.shape[1]:
        row = order[start + s]
        for j in range(c):
            zT[j, s] = _reparameterise(heads[j, s], heads[c + j, s], E[row, j])


@cuda.jit
def _output(zT, aT, Yb, heads, loss_kind, act_kind, beta, dT, shares):
    """The output δ (the loss summed over the values) and each sample's share: reconstruction + β·KL."""
    s = cuda.grid(1)
    if s < aT.shape[1]:
        scale, c = 1.0 / aT.shape[1], heads.shape[0] // 2
        for k in range(aT.shape[0]):
            dT[k, s] = _delta(zT[k, s], aT[k, s], Yb[s, k], loss_kind, act_kind, scale, 1)
        kl = 0.0
        for j in range(c):
            kl += _kl_term(heads[j, s], heads[c + j, s])
        shares[s] = _share(_sample_total(zT, aT, Yb, s, loss_kind), loss_kind, scale, 1) + scale * (beta * kl)


@cuda.jit
def _head_deltas(dz, heads, E, order, start, beta, dh):
    """dh (2C, B): δμ = ∂L/∂z + β·μ/B, δ log σ² = ∂L/∂z·ε·½σ + β·½(σ² − 1)/B; ε gets none."""
    s = cuda.grid(1)
    c = dz.shape[0]
    if s < dz.shape[1]:
        scale, row = 1.0 / dz.shape[1], order[start + s]
        for j in range(c):
            dh[j, s] = dz[j, s] + _kl_grad_mu(heads[j, s], beta, scale)
            dh[c + j, s] = (_through_z(dz[j, s], E[row, j], heads[c + j, s])
                            + _kl_grad_logvar(heads[c + j, s], beta, scale))


def epoch_epsilons(n, c, seed_, epoch):
    """(N, C): every row's ε in epoch `epoch`, by the CPU's kernel."""
    E, tables = np.empty((n, c)), ziggurat()
    for r in range(n):
        vae.normals(seed_, epoch * n + r, SALT, E[r], *tables)
    return E


def _backward(layers, grads, acts, z, a, d, batch, to_input):
    """The MLP's backward launches from d[-1] down; d[0] too where `to_input` (linear: the sum)."""
    for l in range(len(layers) - 1, -1, -1):
        (W, _), (dW, db) = layers[l], grads[l]
        blocks, threads = mlp_cuda._grid(W.shape[1], W.shape[0] + 1)
        mlp_cuda._weight_grads[blocks, threads](a[l], d[l + 1], dW, db)
        if l > 0 or to_input:
            blocks, threads = mlp_cuda._grid(batch, W.shape[0])
            kind = int(acts[l - 1]) if l > 0 else activations.LINEAR
            mlp_cuda._below[blocks, threads](W, d[l + 1], z[l], a[l], kind, d[l])


def train_epochs(theta, grad, m, v, t, es, eacts, ds, dacts, loss_kind, opt_kind, lr, mu, beta1, beta2, eps, beta,
                 X, orders, batch_size, epoch_losses, seed_, first_epoch):
    """dlsim.kernels.vae.train_epochs on the GPU. Returns (epochs run, optimizer steps taken)."""
    n, c = X.shape[0], int(ds[0])
    pe = sum(int(i * o + o) for i, o in zip(es[:-1], es[1:]))
    dX, dorders = cuda.to_device(X), cuda.to_device(orders)
    state = [cuda.to_device(buf) for buf in (theta, grad, m, v)]
    dtheta, dgrad, dm, dv = state
    enc, dec = mlp_cuda._layers(dtheta[:pe], es), mlp_cuda._layers(dtheta[pe:], ds)
    g_enc, g_dec = mlp_cuda._layers(dgrad[:pe], es), mlp_cuda._layers(dgrad[pe:], ds)
    spaces = {}
    ran = orders.shape[0]
    for e in range(orders.shape[0]):
        dE = cuda.to_device(epoch_epsilons(n, c, seed_, first_epoch + e))
        total = cuda.to_device(np.zeros(2))
        for start in range(0, n, batch_size):
            batch = min(batch_size, n - start)
            if batch not in spaces:
                spaces[batch] = (mlp_cuda._buffers(es, batch), mlp_cuda._buffers(ds, batch),
                                 cuda.device_array((batch, X.shape[1])), cuda.device_array(batch))
            (ze, ae, de), (zd, ad, dd), Yb, shares = spaces[batch]
            mlp_cuda._gather[gpu.blocks(batch), gpu.THREADS](dX, dX, dorders[e], start, ae[0], Yb)
            mlp_cuda._forward(enc, eacts, ze, ae)
            _sample_z[gpu.blocks(batch), gpu.THREADS](ae[-1], dE, dorders[e], start, ad[0])
            mlp_cuda._forward(dec, dacts, zd, ad)
            _output[gpu.blocks(batch), gpu.THREADS](zd[-1], ad[-1], Yb, ae[-1], loss_kind, int(dacts[-1]), beta,
                                                   dd[-1], shares)
            mlp_cuda._add_loss[1, 1](shares, float(batch), total)
            _backward(dec, g_dec, dacts, zd, ad, dd, batch, True)
            _head_deltas[gpu.blocks(batch), gpu.THREADS](dd[0], ae[-1], dE, dorders[e], start, beta, de[-1])
            _backward(enc, g_enc, eacts, ze, ae, de, batch, False)
            t += 1
            mlp_cuda._update[gpu.blocks(theta.shape[0]), gpu.THREADS](
                dtheta, dgrad, dm, dv, opt_kind, lr, mu, beta1, beta2, eps, 1.0 - beta1 ** t, 1.0 - beta2 ** t)
        epoch_losses[e] = total.copy_to_host()[0] / n
        if not math.isfinite(epoch_losses[e]):
            ran = e + 1
            break
    for host, device in zip((theta, grad, m, v), state):
        device.copy_to_host(host)
    return ran, t
