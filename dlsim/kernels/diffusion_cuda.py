"""The diffusion model on the GPU: dlsim.kernels.diffusion's signatures, with the fused epochs on the
device. The denoiser is an MLP, so an epoch is the MLP's GPU epoch (dlsim.kernels.mlp_cuda: gather,
dense, activation, output δ and loss, weight gradients, δ below, update, one thread per number, no
atomics) run on that epoch's inputs and targets: each row's x_t and time features and its ε, made on
the CPU by the very kernel the CPU paths use (diffusion.network_inputs, the same bits), one epoch at
a time, since every epoch draws its own t and ε. The state goes to the device and back once per
epoch. Sampling, the pictures' passes and a compiled batch stay on the CPU, where stepping is.
"""
import math

import numpy as np

from dlsim.kernels import diffusion, gpu, mlp_cuda
from dlsim.kernels.diffusion import (DDIM, DDPM, SALT, SAMPLERS, denoise, embedding, feature, forward_process,
                                     network_inputs, noised, reverse, sample, train_batch)
from dlsim.kernels.mlp import backward, mean_loss

gpu.cuda()   # (a one-line error where no GPU and no simulator can be used)
CPU = (DDIM, DDPM, SALT, SAMPLERS, denoise, embedding, feature, forward_process, network_inputs, noised, reverse,
       sample, train_batch, backward, mean_loss)   # on the CPU: see above
forward = mlp_cuda.forward


def train_epochs(theta, grad, m, v, t, sizes, acts, loss_kind, opt_kind, lr, mu, beta1, beta2, eps_adam,
                 X, orders, batch_size, epoch_losses, ts, eps, sqrt_ab, sqrt_1mab, T):
    """dlsim.kernels.diffusion.train_epochs on the GPU. Returns (epochs run, optimizer steps taken)."""
    n = X.shape[0]
    rows = np.arange(n, dtype=np.int64)
    inputs, targets = np.empty((n, int(sizes[0]))), np.empty((n, 2))
    for e in range(orders.shape[0]):
        diffusion.network_inputs(X, rows, ts[e], eps[e], sqrt_ab, sqrt_1mab, T, inputs, targets)
        _, t = mlp_cuda.train_epochs(theta, grad, m, v, t, sizes, acts, loss_kind, opt_kind, lr, mu, beta1, beta2,
                                     eps_adam, inputs, targets, orders[e:e + 1], batch_size, epoch_losses[e:e + 1])
        if not math.isfinite(epoch_losses[e]):
            return e + 1, t
    return orders.shape[0], t
