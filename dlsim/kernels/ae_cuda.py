"""The autoencoder on the GPU: dlsim.kernels.ae's signatures, with the fused epochs and the forward
pass on the device, built from the MLP's device kernels (dlsim.kernels.mlp_cuda: gather, dense,
activation, output δ and loss, weight gradients, δ below, update), since its layers are an MLP's.

What it adds: the inputs a denoising autoencoder gets are corrupted on the CPU by the very kernel the
CPU paths use (dlsim.kernels.ae.corrupt_row, one epoch's rows at a time: the same mask to the bit),
copied once per epoch, and gathered as the batch's inputs while the clean rows are its targets; tied
weights have their two gradients summed on the device (one thread per weight) before the update.
The corruption and a compiled batch (`train_batch`) and the scalar draws stay on the CPU, where
stepping is.
"""
import math

import numpy as np

from dlsim.kernels import ae, gpu, mlp_cuda
from dlsim.kernels.ae import SALT, corrupt, corrupt_row, nearest_rows, tie_gradients, train_batch, uniforms
from dlsim.kernels.mlp import backward, mean_loss

cuda = gpu.cuda()
CPU = (SALT, corrupt, corrupt_row, nearest_rows, tie_gradients, train_batch, uniforms, backward, mean_loss)   # on the CPU: see above
forward = mlp_cuda.forward


@cuda.jit
def _tie(enc, dec):
    """enc[i, j] = dec[j, i] = enc[i, j] + dec[j, i]: thread (i, j) per tied weight."""
    i, j = cuda.grid(2)
    if i < enc.shape[0] and j < enc.shape[1]:
        g = enc[i, j] + dec[j, i]
        enc[i, j] = g
        dec[j, i] = g


def corrupted_epoch(X, p, seed_, epoch):
    """Every row of X as epoch `epoch` corrupts it (N, F), by the CPU's kernel."""
    if p <= 0.0:
        return X
    n, f = X.shape
    out, u = np.empty_like(X), np.empty(f)
    for r in range(n):
        ae.corrupt_row(seed_, epoch * n + r, p, X[r], u, out[r])
    return out


def train_epochs(theta, grad, m, v, t, sizes, acts, loss_kind, opt_kind, lr, mu, beta1, beta2, eps, tied,
                 X, orders, batch_size, epoch_losses, p, seed_, first_epoch):
    """dlsim.kernels.ae.train_epochs on the GPU. Returns (epochs run, optimizer steps taken)."""
    n, n_layers = X.shape[0], len(sizes) - 1
    dX, dorders = cuda.to_device(X), cuda.to_device(orders)
    state = [cuda.to_device(buf) for buf in (theta, grad, m, v)]
    dtheta, dgrad, dm, dv = state
    layers, grads = mlp_cuda._layers(dtheta, sizes), mlp_cuda._layers(dgrad, sizes)
    spaces = {}
    ran = orders.shape[0]
    for e in range(orders.shape[0]):
        dinputs = dX if p <= 0.0 else cuda.to_device(corrupted_epoch(X, p, seed_, first_epoch + e))
        total = cuda.to_device(np.zeros(2))
        for start in range(0, n, batch_size):
            batch = min(batch_size, n - start)
            if batch not in spaces:
                spaces[batch] = (*mlp_cuda._buffers(sizes, batch), cuda.device_array((batch, X.shape[1])),
                                 cuda.device_array(batch))
            z, a, d, Yb, shares = spaces[batch]
            mlp_cuda._gather[gpu.blocks(batch), gpu.THREADS](dinputs, dX, dorders[e], start, a[0], Yb)
            mlp_cuda._forward(layers, acts, z, a)
            mlp_cuda._output[gpu.blocks(batch), gpu.THREADS](z[-1], a[-1], Yb, loss_kind, int(acts[-1]), d[-1],
                                                            shares)
            mlp_cuda._add_loss[1, 1](shares, float(batch), total)
            for l in range(n_layers - 1, -1, -1):
                (W, _), (dW, db) = layers[l], grads[l]
                blocks, threads = mlp_cuda._grid(W.shape[1], W.shape[0] + 1)
                mlp_cuda._weight_grads[blocks, threads](a[l], d[l + 1], dW, db)
                if l > 0:
                    blocks, threads = mlp_cuda._grid(batch, W.shape[0])
                    mlp_cuda._below[blocks, threads](W, d[l + 1], z[l], a[l], int(acts[l - 1]), d[l])
            if tied:
                for l in range(n_layers // 2):
                    enc, dec = grads[l][0], grads[n_layers - 1 - l][0]
                    blocks, threads = mlp_cuda._grid(enc.shape[0], enc.shape[1])
                    _tie[blocks, threads](enc, dec)
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
