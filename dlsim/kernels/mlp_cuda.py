"""The MLP on the GPU: dlsim.kernels.mlp's signatures, with the fused epochs and the forward pass on
the device.

`train_epochs` copies the parameters, the optimizer state, the data and the sample orders to the
device once for the chunk, runs every batch there and copies the state back at its end; one number
(the epoch's loss) comes back per epoch, to stop on a non-finite one as the CPU does. `forward` (the
decision surface, the neuron maps, evaluation) runs a whole grid of points at once. A compiled batch
(`train_batch`) and `backward` stay on the CPU, where stepping is.

Activations sit feature-major, (units, B) per layer, as on the CPU. One thread computes one number:
a z (its sum over the inputs in order), a weight's gradient (its sum over the samples in order), a
δ flowing back; the loss is summed by one thread in sample order. No atomics: the same bits every
run. The formulas are the CPU's scalar kernels compiled for the device (activations, loss, δ,
optimizer step), tanh excepted (the CPU's is vectorised over arrays; the device uses its own).
"""
import math

import numpy as np

from dlsim.kernels import activations, gpu, losses, optimizers
from dlsim.kernels.mlp import backward, mean_loss, train_batch  # noqa: F401 (on the CPU: see above)

cuda = gpu.cuda()
SOFTMAX = activations.SOFTMAX


@cuda.jit(device=True)
def _tanh(z):
    return math.tanh(z)


_activate = gpu.device(activations.activate, {activations.tanh: _tanh})
_derivative = gpu.device(activations.derivative)
_softmax = gpu.device(activations.softmax_row)
_delta = gpu.device(losses.delta)
_sample_total = gpu.device(losses._sample_total)
_share = gpu.device(losses._share)
_update_one = gpu.device(optimizers._step)


@cuda.jit
def _gather(X, Y, order, start, aT, Yb):
    """The batch's inputs into aT (I, B) and its targets into Yb (B, O): one thread per sample."""
    s = cuda.grid(1)
    if s < Yb.shape[0]:
        row = order[start + s]
        for f in range(X.shape[1]):
            aT[f, s] = X[row, f]
        for k in range(Y.shape[1]):
            Yb[s, k] = Y[row, k]


@cuda.jit
def _dense(aT, W, b, zT):
    """zT (O, B) = (A·W + b)ᵀ: thread (s, j) sums z_j of sample s over the inputs in order."""
    s, j = cuda.grid(2)
    if s < zT.shape[1] and j < zT.shape[0]:
        acc = b[j]
        for i in range(aT.shape[0]):
            acc += aT[i, s] * W[i, j]
        zT[j, s] = acc


@cuda.jit
def _activate_block(zT, kind, aT):
    s = cuda.grid(1)
    if s < zT.shape[1]:
        if kind == SOFTMAX:
            _softmax(zT[:, s], aT[:, s])
        else:
            for j in range(zT.shape[0]):
                aT[j, s] = _activate(zT[j, s], kind)


@cuda.jit
def _output(zT, aT, Yb, loss_kind, act_kind, dT, shares):
    """The output layer's δ (O, B) and each sample's share of the batch loss."""
    s = cuda.grid(1)
    if s < aT.shape[1]:
        n, scale = aT.shape[0], 1.0 / aT.shape[1]
        for k in range(n):
            dT[k, s] = _delta(zT[k, s], aT[k, s], Yb[s, k], loss_kind, act_kind, scale, n)
        shares[s] = _share(_sample_total(zT, aT, Yb, s, loss_kind), loss_kind, scale, n)


@cuda.jit
def _add_loss(shares, batch, total):
    """total[1] = the batch loss (shares summed in sample order), total[0] += it × the batch size."""
    if cuda.grid(1) == 0:
        loss = 0.0
        for s in range(shares.shape[0]):
            loss += shares[s]
        total[1] = loss
        total[0] += loss * batch


@cuda.jit
def _weight_grads(aT, dT, dW, db):
    """dW (I, O) = A·δᵀ and db = Σ δ, each summed over the samples in order (row I of the grid: db)."""
    j, i = cuda.grid(2)
    if j < dT.shape[0] and i <= aT.shape[0]:
        acc = 0.0
        if i < aT.shape[0]:
            for s in range(dT.shape[1]):
                acc += aT[i, s] * dT[j, s]
            dW[i, j] = acc
        else:
            for s in range(dT.shape[1]):
                acc += dT[j, s]
            db[j] = acc


@cuda.jit
def _below(W, dT, zT, aT, kind, belowT):
    """δ of the layer below, (I, B): (Σ_j W_ij·δ_j) · f'(z_i), summed over j in order."""
    s, i = cuda.grid(2)
    if s < dT.shape[1] and i < W.shape[0]:
        acc = 0.0
        for j in range(W.shape[1]):
            acc += W[i, j] * dT[j, s]
        belowT[i, s] = acc * _derivative(zT[i, s], aT[i, s], kind)


@cuda.jit
def _update(theta, grad, m, v, kind, lr, mu, beta1, beta2, eps, c1, c2):
    k = cuda.grid(1)
    if k < theta.shape[0]:
        _update_one(theta, grad, m, v, k, kind, lr, mu, beta1, beta2, eps, c1, c2)


def _grid(nx, ny):
    """(blocks, threads) of a 2-D launch over nx × ny numbers (x fastest)."""
    tx = gpu.block_size(nx, 32)
    ty = gpu.block_size(ny, 256 // tx)
    return (gpu.blocks(nx, tx), gpu.blocks(ny, ty)), (tx, ty)


def _layers(buf, sizes):
    """[(W (I, O), b (O,)), ...] as views into a device buffer of theta's layout."""
    out, off = [], 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        W = buf[off:off + n_in * n_out].reshape(n_in, n_out)
        off += n_in * n_out
        out.append((W, buf[off:off + n_out]))
        off += n_out
    return out


def _forward(layers, acts, z, a):
    """Every layer's zT and aT, from the inputs already in a[0]."""
    batch = a[0].shape[1]
    for l, (W, b) in enumerate(layers):
        blocks, threads = _grid(batch, W.shape[1])
        _dense[blocks, threads](a[l], W, b, z[l + 1])
        _activate_block[gpu.blocks(batch), gpu.THREADS](z[l + 1], int(acts[l]), a[l + 1])


def _buffers(sizes, batch):
    """z, a, d: one (units, B) device array per layer (z[0] and d[0] unused: the inputs)."""
    return tuple([cuda.device_array((int(units), batch)) for units in sizes] for _ in range(3))


def forward(theta, sizes, acts, X, Z, A):
    """Fill A (B, U) with every layer's activations (the input first) and Z with pre-activations."""
    z, a, _ = _buffers(sizes, X.shape[0])
    a[0] = cuda.to_device(np.ascontiguousarray(X.T))
    _forward(_layers(cuda.to_device(theta), sizes), acts, z, a)
    start = int(sizes[0])
    A[:, :start] = X
    for l in range(1, len(sizes)):
        end = start + int(sizes[l])
        Z[:, start:end], A[:, start:end] = z[l].copy_to_host().T, a[l].copy_to_host().T
        start = end


def train_epochs(theta, grad, m, v, t, sizes, acts, loss_kind, opt_kind, lr, mu, beta1, beta2, eps,
                 X, Y, orders, batch_size, epoch_losses):
    """dlsim.kernels.mlp.train_epochs on the GPU. Returns (epochs run, optimizer steps taken)."""
    n, n_layers = X.shape[0], len(sizes) - 1
    dX, dY, dorders = cuda.to_device(X), cuda.to_device(Y), cuda.to_device(orders)
    state = [cuda.to_device(buf) for buf in (theta, grad, m, v)]
    dtheta, dgrad, dm, dv = state
    layers, grads = _layers(dtheta, sizes), _layers(dgrad, sizes)
    spaces = {}   # batch size -> its buffers (a chunk has at most two sizes: full and the rest)
    ran = orders.shape[0]
    for e in range(orders.shape[0]):
        total = cuda.to_device(np.zeros(2))
        for start in range(0, n, batch_size):
            batch = min(batch_size, n - start)
            if batch not in spaces:
                spaces[batch] = (*_buffers(sizes, batch), cuda.device_array((batch, Y.shape[1])),
                                 cuda.device_array(batch))
            z, a, d, Yb, shares = spaces[batch]
            _gather[gpu.blocks(batch), gpu.THREADS](dX, dY, dorders[e], start, a[0], Yb)
            _forward(layers, acts, z, a)
            _output[gpu.blocks(batch), gpu.THREADS](z[-1], a[-1], Yb, loss_kind, int(acts[-1]), d[-1], shares)
            _add_loss[1, 1](shares, float(batch), total)
            for l in range(n_layers - 1, -1, -1):
                (W, _), (dW, db) = layers[l], grads[l]
                blocks, threads = _grid(W.shape[1], W.shape[0] + 1)
                _weight_grads[blocks, threads](a[l], d[l + 1], dW, db)
                if l > 0:
                    blocks, threads = _grid(batch, W.shape[0])
                    _below[blocks, threads](W, d[l + 1], z[l], a[l], int(acts[l - 1]), d[l])
            t += 1
            _update[gpu.blocks(theta.shape[0]), gpu.THREADS](
                dtheta, dgrad, dm, dv, opt_kind, lr, mu, beta1, beta2, eps, 1.0 - beta1 ** t, 1.0 - beta2 ** t)
        epoch_losses[e] = total.copy_to_host()[0] / n
        if not math.isfinite(epoch_losses[e]):
            ran = e + 1
            break
    for host, device in zip((theta, grad, m, v), state):
        device.copy_to_host(host)
    return ran, t
