"""The RBM on the GPU: dlsim.kernels.rbm's signatures, its fused epochs on the device.

Per batch, one thread per sample runs that sample's CD-k (the CPU's own cd_sample, compiled for the
device) into a row of statistics of its own; then one thread per parameter sums the rows in sample
order (the CPU's additions, in its order: no atomics, the same bits run to run), forms its gradient
(neg − pos)/batch and takes the optimizer's step; a persistent chain takes its end. The uniform numbers
are drawn on the CPU by the very kernel the CPU paths use (an epoch's rows at a time: the same draws
to the bit) and copied once per epoch. A compiled batch, stepping, the measures and the pictures stay
on the CPU, where a launch would cost more than their work.
"""
import math

import numpy as np

from dlsim.kernels import gpu, rbm
from dlsim.kernels.optimizers import update_element
from dlsim.kernels.rbm import (SALT, draws, free_energy, gibbs, hidden_probs, log_partition, train_batch, uniforms,
                               visible_probs)
from dlsim.kernels.recurrent_cuda import OVERRIDES

__all__ = ["train_epochs", "free_energy", "gibbs", "hidden_probs", "log_partition", "train_batch", "uniforms",
           "visible_probs"]

cuda = gpu.cuda()
_cd_sample = gpu.device(rbm.cd_sample, OVERRIDES)
_gradient = gpu.device(rbm.cd_gradient)
_update = gpu.device(update_element)


@cuda.jit
def _transpose(theta, V, H, WT):
    """Thread (i·H + j): WT[j·V + i] = W_ij (as dlsim.kernels.rbm.transpose)."""
    q = cuda.grid(1)
    if q < V * H:
        WT[(q % H) * V + q // H] = theta[q]


@cuda.jit
def _samples(X, order, start, chains, ends, theta, WT, V, H, k, persistent, U, pos, neg, h, ph, pv, v, errors):
    """Thread s: sample order[start + s]'s CD-k into its own rows of pos and neg (zeroed first)."""
    s = cuda.grid(1)
    if s < errors.shape[0]:
        for q in range(pos.shape[1]):
            pos[s, q] = 0.0
            neg[s, q] = 0.0
        r = order[start + s]
        errors[s] = _cd_sample(X[r], chains[s], ends[s], theta, WT, V, H, k, persistent, U[r], pos[s], neg[s], h[s],
                               ph[s], pv[s], v[s])


@cuda.jit
def _update_all(theta, grad, m, mv, pos, neg, batch, opt_kind, lr, mu, beta1, beta2, eps, t):
    """Thread q: parameter q's statistics summed over the batch's samples in order, then its step."""
    q = cuda.grid(1)
    if q < theta.shape[0]:
        p_sum, n_sum = 0.0, 0.0
        for s in range(batch):
            p_sum += pos[s, q]
            n_sum += neg[s, q]
        totals = cuda.local.array(2, np.float64)   # cd_gradient reads them as arrays: (pos, neg) at index 0, 1
        totals[0], totals[1] = p_sum, n_sum
        grad[q] = _gradient(totals[0:1], totals[1:2], 0, 1.0 / batch)
        _update(theta, grad, m, mv, q, opt_kind, lr, mu, beta1, beta2, eps, t)


@cuda.jit
def _chains_and_loss(chains, ends, persistent, errors, batch, total):
    """The persistent chains take their ends; one thread adds the batch's loss (in sample order)."""
    i = cuda.grid(1)
    if persistent and i < batch * chains.shape[1]:
        chains[i // chains.shape[1], i % chains.shape[1]] = ends[i // chains.shape[1], i % chains.shape[1]]
    if i == 0:
        scale, loss = 1.0 / batch, 0.0
        for s in range(batch):
            loss += errors[s] * scale
        total[0] += loss * batch


def _epoch_uniforms(seed_, epoch, n, count):
    """(N, count): every row's uniform numbers for the epoch, by the CPU's kernel."""
    U, u = np.empty((n, count)), np.empty(count)
    for r in range(n):
        uniforms(seed_, epoch * n + r, SALT, u)
        U[r] = u
    return U


def train_epochs(theta, grad, m, mv, pos, neg, t, V, H, k, persistent, opt_kind, lr, mu, beta1, beta2, eps, X,
                 orders, batch_size, chains, ends, seed_, first_epoch, epoch_losses):
    """dlsim.kernels.rbm.train_epochs on the GPU. Returns (epochs run, optimizer steps taken)."""
    n = X.shape[0]
    B, P = min(batch_size, n), theta.shape[0]
    dX, dorders = cuda.to_device(X), cuda.to_device(orders)
    state = [cuda.to_device(buf) for buf in (theta, grad, m, mv, chains, ends)]
    dtheta, dgrad, dm, dmv, dchains, dends = state
    dpos, dneg = cuda.device_array((B, P)), cuda.device_array((B, P))
    h, ph, pv, v = (cuda.device_array((B, size)) for size in (H, H, V, V))
    errors, dWT = cuda.device_array(B), cuda.device_array(V * H)
    ran = orders.shape[0]
    for e in range(orders.shape[0]):
        dU = cuda.to_device(_epoch_uniforms(seed_, first_epoch + e, n, draws(V, H, k, persistent)))
        total = cuda.to_device(np.zeros(1))
        for start in range(0, n, batch_size):
            batch = min(batch_size, n - start)
            _transpose[gpu.blocks(V * H), gpu.THREADS](dtheta, V, H, dWT)
            _samples[gpu.blocks(batch), gpu.THREADS](dX, dorders[e], start, dchains, dends, dtheta, dWT, V, H, k,
                                                     persistent, dU, dpos, dneg, h, ph, pv, v, errors[:batch])
            t += 1
            _update_all[gpu.blocks(P), gpu.THREADS](dtheta, dgrad, dm, dmv, dpos, dneg, batch, opt_kind, lr, mu, beta1,
                                                    beta2, eps, t)
            _chains_and_loss[gpu.blocks(max(batch * V, 1)), gpu.THREADS](dchains, dends, persistent, errors, batch,
                                                                         total)
        epoch_losses[e] = total.copy_to_host()[0] / n
        if not math.isfinite(epoch_losses[e]):
            ran = e + 1
            break
    for host, device in zip((theta, grad, m, mv, chains, ends), state):
        device.copy_to_host(host)
    pos[:], neg[:] = dpos.copy_to_host()[:batch].sum(axis=0), dneg.copy_to_host()[:batch].sum(axis=0)
    return ran, t
