"""The transformer on the GPU: dlsim.kernels.transformer's signatures, with the fused epochs on the
device, built from the CPU's own row kernels compiled for it (gpu.device: forward_sample,
loss_sample and backward_sample, with every row kernel they call).

One thread per sequence of the batch runs its forward, loss and backward into its own workspace and
its own row of per-sequence gradients; then one thread per parameter sums that parameter's column in
sequence order, one thread sums the losses, and one thread per parameter takes the optimizer's step
(mlp_cuda's). No atomics: the same bits run to run. A compiled batch (`train_batch`), the
evaluation, the attention pictures and the API's gradients stay on the CPU, where stepping is.
"""
import math

import numpy as np

from dlsim.kernels import gpu, mlp_cuda
from dlsim.kernels import transformer as tk
from dlsim.kernels.transformer import attention, gradients, outputs, train_batch

cuda = gpu.cuda()
CPU = (attention, gradients, outputs, train_batch)   # on the CPU: see above


def workspace_views(buf, cfg):
    """tk.workspace's arrays as views into one flat buffer (a thread's own), in WS' order."""
    V, T, D, H, F, L = cfg[tk.VOCAB], cfg[tk.CONTEXT], cfg[tk.DMODEL], cfg[tk.HEADS], cfg[tk.HIDDEN], cfg[tk.LAYERS]
    o = 0
    X = buf[o:o + (L + 1) * T * D].reshape((L + 1, T, D)); o += (L + 1) * T * D
    N1 = buf[o:o + L * T * D].reshape((L, T, D)); o += L * T * D
    Q = buf[o:o + L * T * D].reshape((L, T, D)); o += L * T * D
    K = buf[o:o + L * T * D].reshape((L, T, D)); o += L * T * D
    Vv = buf[o:o + L * T * D].reshape((L, T, D)); o += L * T * D
    C = buf[o:o + L * T * D].reshape((L, T, D)); o += L * T * D
    AO = buf[o:o + L * T * D].reshape((L, T, D)); o += L * T * D
    R1 = buf[o:o + L * T * D].reshape((L, T, D)); o += L * T * D
    N2 = buf[o:o + L * T * D].reshape((L, T, D)); o += L * T * D
    U = buf[o:o + L * T * F].reshape((L, T, F)); o += L * T * F
    G = buf[o:o + L * T * F].reshape((L, T, F)); o += L * T * F
    M = buf[o:o + L * T * D].reshape((L, T, D)); o += L * T * D
    R2 = buf[o:o + L * T * D].reshape((L, T, D)); o += L * T * D
    S = buf[o:o + L * H * T * T].reshape((L, H, T, T)); o += L * H * T * T
    A = buf[o:o + L * H * T * T].reshape((L, H, T, T)); o += L * H * T * T
    ST = buf[o:o + L * 4 * T].reshape((L, 4, T)); o += L * 4 * T
    NF = buf[o:o + T * D].reshape((T, D)); o += T * D
    STF = buf[o:o + 2 * T].reshape((2, T)); o += 2 * T
    LOG = buf[o:o + T * V].reshape((T, V)); o += T * V
    PR = buf[o:o + T * V].reshape((T, V)); o += T * V
    DOTS = buf[o:o + T]; o += T
    DROP = buf[o:o + L * 2 * T * D].reshape((L, 2, T, D)); o += L * 2 * T * D
    DU = buf[o:o + L * 2 * T * D].reshape((L, 2, T, D))
    return X, N1, Q, K, Vv, C, AO, R1, N2, U, G, M, R2, S, A, ST, NF, STF, LOG, PR, DOTS, DROP, DU


def gradient_views(buf, cfg):
    """tk.gradient_workspace's arrays as views into one flat buffer, in DWS' order."""
    V, T, D, H, F, L = cfg[tk.VOCAB], cfg[tk.CONTEXT], cfg[tk.DMODEL], cfg[tk.HEADS], cfg[tk.HIDDEN], cfg[tk.LAYERS]
    o = 0
    dX = buf[o:o + (L + 1) * T * D].reshape((L + 1, T, D)); o += (L + 1) * T * D
    dN1 = buf[o:o + L * T * D].reshape((L, T, D)); o += L * T * D
    dAIN = buf[o:o + L * T * D].reshape((L, T, D)); o += L * T * D
    dC = buf[o:o + L * T * D].reshape((L, T, D)); o += L * T * D
    dR1 = buf[o:o + L * T * D].reshape((L, T, D)); o += L * T * D
    dN2 = buf[o:o + L * T * D].reshape((L, T, D)); o += L * T * D
    dMIN = buf[o:o + L * T * D].reshape((L, T, D)); o += L * T * D
    dU = buf[o:o + L * T * F].reshape((L, T, F)); o += L * T * F
    dG = buf[o:o + L * T * F].reshape((L, T, F)); o += L * T * F
    dR2 = buf[o:o + L * T * D].reshape((L, T, D)); o += L * T * D
    dLN = buf[o:o + L * T * D].reshape((L, T, D)); o += L * T * D
    dA = buf[o:o + L * H * T * T].reshape((L, H, T, T)); o += L * H * T * T
    dS = buf[o:o + L * H * T * T].reshape((L, H, T, T)); o += L * H * T * T
    dQ = buf[o:o + L * T * D].reshape((L, T, D)); o += L * T * D
    dK = buf[o:o + L * T * D].reshape((L, T, D)); o += L * T * D
    dV = buf[o:o + L * T * D].reshape((L, T, D)); o += L * T * D
    dNF = buf[o:o + T * D].reshape((T, D)); o += T * D
    dLOG = buf[o:o + T * V].reshape((T, V)); o += T * V
    dAO = buf[o:o + L * T * D].reshape((L, T, D)); o += L * T * D
    dM = buf[o:o + L * T * D].reshape((L, T, D))
    return dX, dN1, dAIN, dC, dR1, dN2, dMIN, dU, dG, dR2, dLN, dA, dS, dQ, dK, dV, dNF, dLOG, dAO, dM


def _size(arrays) -> int:
    return int(sum(a.size for a in arrays))


_forward = gpu.device(tk.forward_sample)
_backward = gpu.device(tk.backward_sample)
_loss = gpu.device(tk.loss_sample)
_scale = gpu.device(tk.sample_scale)
_unpack = gpu.device(tk.unpack)
_ws = gpu.device(workspace_views)
_dws = gpu.device(gradient_views)


@cuda.jit
def _samples(theta, cfg, X, Y, order, start, batch, wsbuf, dwsbuf, onehots, G, shares):
    """Thread s: sequence order[start + s] forward, its loss share, backward into G[s]."""
    s = cuda.grid(1)
    if s < batch:
        row = order[start + s]
        g_flat = G[s]
        for k in range(g_flat.shape[0]):
            g_flat[k] = 0.0
        p, g = _unpack(theta, cfg), _unpack(g_flat, cfg)
        ws, dws = _ws(wsbuf[s], cfg), _dws(dwsbuf[s], cfg)
        scale = _scale(Y[row], batch)
        _forward(p, cfg, X[row], ws)
        shares[s] = _loss(cfg, Y[row], ws, scale, onehots[s])
        _backward(p, g, cfg, X[row], Y[row], scale, ws, dws)


@cuda.jit
def _sum_columns(G, batch, grad):
    """grad[k] = Σ_s G[s, k], in sequence order: thread k per parameter."""
    k = cuda.grid(1)
    if k < grad.shape[0]:
        acc = 0.0
        for s in range(batch):
            acc += G[s, k]
        grad[k] = acc


def train_epochs(theta, grad, m, v, t, cfg, hyper, X, Y, orders, batch_size, epoch_losses, first_epoch):
    """dlsim.kernels.transformer.train_epochs on the GPU, without dropout (the model refuses it here:
    its multipliers stay 1, as the workspaces start). Returns (epochs run, optimizer steps taken)."""
    n, P = X.shape[0], theta.shape[0]
    most = min(batch_size, n)
    ws0 = np.concatenate([a.reshape(-1) for a in tk.workspace(cfg)])   # dropout's multipliers 1
    dws_size = _size(tk.gradient_workspace(cfg))
    dX, dY, dorders, dcfg = (cuda.to_device(np.ascontiguousarray(a)) for a in (X, Y, orders, cfg))
    state = [cuda.to_device(buf) for buf in (theta, grad, m, v)]
    dtheta, dgrad, dm, dv = state
    wsbuf, dwsbuf = cuda.to_device(np.tile(ws0, (most, 1))), cuda.device_array((most, dws_size))
    onehots, G = cuda.device_array((most, int(cfg[tk.VOCAB]))), cuda.device_array((most, P))
    kind, lr, mu, beta1, beta2, eps = int(hyper[0]), *(float(h) for h in hyper[1:6])
    ran = orders.shape[0]
    for e in range(orders.shape[0]):
        total = cuda.to_device(np.zeros(2))
        for start in range(0, n, batch_size):
            batch = min(batch_size, n - start)
            shares = cuda.device_array(batch)
            _samples[gpu.blocks(batch), gpu.THREADS](dtheta, dcfg, dX, dY, dorders[e], start, batch, wsbuf, dwsbuf,
                                                     onehots, G, shares)
            _sum_columns[gpu.blocks(P), gpu.THREADS](G, batch, dgrad)
            mlp_cuda._add_loss[1, 1](shares, float(batch), total)
            t += 1
            mlp_cuda._update[gpu.blocks(P), gpu.THREADS](dtheta, dgrad, dm, dv, kind, lr, mu, beta1, beta2, eps,
                                                         1.0 - beta1 ** t, 1.0 - beta2 ** t)
        epoch_losses[e] = total.copy_to_host()[0] / n
        if not math.isfinite(epoch_losses[e]):
            ran = e + 1
            break
    for host, device in zip((theta, grad, m, v), state):
        device.copy_to_host(host)
    return ran, t
