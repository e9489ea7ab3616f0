"""The CNN as a whole: a sample forward and backward, batches, and fused training epochs.

The conv and pool layers are dlsim.kernels.conv's, built from one-position helpers (conv_at, pool_at,
dK_at, below_at); the dense layers come from `dense_at` and `backprop_at` here, one neuron at a time.
The stepped path calls the same helpers one at a time, so stepped, batched and fused paths give the
same bits by construction. Sums run in a fixed order, written down beside each helper.

Layouts (C-order): an image (C, H, W); kernels K (F, C, k, k), biases (F,); a dense layer's W (I, O).
A network is described by two int64 arrays:
  conv (L, 9): per conv layer its input (channels, height, width), kernels, kernel size, stride,
               padding (VALID/SAME), activation (activations.RELU/TANH) and pooling (NONE/MAX/MEAN);
  sizes (D+1,): the dense layers' widths, sizes[0] = the flattened last pooled map, sizes[-1] = classes;
               a hidden dense layer uses `dense_act`, the output layer is a softmax with cross-entropy.
Parameters sit in one flat buffer theta (see `param_offsets`); a sample's maps in one flat workspace
(see `map_offsets`), with the δ of each map at the same place in a second one.
"""
import math

import numpy as np

from dlsim.kernels.activations import SOFTMAX, activate, derivative, softmax_row
from dlsim.kernels.conv import (MAX, MEAN, NONE, PADDINGS, POOLS, SAME, VALID, conv_below,  # noqa: F401
                                conv_grads, conv_layer, mask_layer, out_size, pool_back_layer, pool_layer,
                                pooled_size)
from dlsim.kernels.jit import glue, inline, kernel
from dlsim.kernels.losses import SOFTMAX_CE, delta, sample_loss
from dlsim.kernels.optimizers import update_all

# the columns of a conv layer's row in `conv`
IN_C, IN_H, IN_W, N_KERNELS, SIZE, STRIDE, PADDING, ACT, POOL = range(9)


# ---------------------------------------------------------------- shapes
@inline
def layer_dims(conv, l):
    """Conv layer l's feature map (Ho, Wo) and pooled map (Hp, Wp)."""
    k, s, pad = conv[l, SIZE], conv[l, STRIDE], conv[l, PADDING]
    ho, wo = out_size(conv[l, IN_H], k, s, pad), out_size(conv[l, IN_W], k, s, pad)
    return ho, wo, pooled_size(ho, conv[l, POOL]), pooled_size(wo, conv[l, POOL])


@inline
def param_offsets(conv, sizes):
    """Where each layer's weights and biases start in theta: conv layer l's K at o[2l], b at o[2l+1];
    dense layer d's W at o[2(L+d)], b at o[2(L+d)+1]; o[-1] is the parameter count."""
    n_conv, n_dense = conv.shape[0], sizes.shape[0] - 1
    o = np.empty(2 * (n_conv + n_dense) + 1, np.int64)
    off = 0
    for l in range(n_conv):
        o[2 * l] = off
        off += conv[l, N_KERNELS] * conv[l, IN_C] * conv[l, SIZE] * conv[l, SIZE]
        o[2 * l + 1] = off
        off += conv[l, N_KERNELS]
    for d in range(n_dense):
        o[2 * (n_conv + d)] = off
        off += sizes[d] * sizes[d + 1]
        o[2 * (n_conv + d) + 1] = off
        off += sizes[d + 1]
    o[-1] = off
    return o


@inline
def map_offsets(conv, sizes):
    """Where each map starts in a sample's workspace: the input at o[0]; conv layer l's input at o[3l],
    its z at o[3l+1], a at o[3l+2], pooled map at o[3l+3] (the next layer's input); dense layer d's
    input (flattened) at o[3L+2d], z at o[3L+2d+1], a at o[3L+2d+2]; o[-1] is the workspace size."""
    n_conv, n_dense = conv.shape[0], sizes.shape[0] - 1
    o = np.empty(3 * n_conv + 2 * n_dense + 2, np.int64)
    o[0] = 0
    off = conv[0, IN_C] * conv[0, IN_H] * conv[0, IN_W]
    for l in range(n_conv):
        ho, wo, hp, wp = layer_dims(conv, l)
        f = conv[l, N_KERNELS]
        o[3 * l + 1] = off
        o[3 * l + 2] = off + f * ho * wo
        o[3 * l + 3] = off + 2 * f * ho * wo
        off += f * (2 * ho * wo + hp * wp)
    for d in range(n_dense):
        o[3 * n_conv + 2 * d + 1] = off
        o[3 * n_conv + 2 * d + 2] = off + sizes[d + 1]
        off += 2 * sizes[d + 1]
    o[-1] = off
    return o


# ---------------------------------------------------------------- dense, one neuron at a time
@inline
def dense_at(inp, W, b, j):
    """Neuron j: Σ_i inp_i·W_ij in order of i, then + b_j (as conv_at: the sum, then the bias)."""
    acc = 0.0
    for i in range(inp.shape[0]):
        acc += inp[i] * W[i, j]
    return acc + b[j]


@inline
def dense_layer(inp, W, b, z):
    """z[j] = dense_at(inp, W, b, j) for every j: each sum starts at 0 and takes inp_i·W_ij in order of
    i, then + b_j, but the loop over j is the inner one, so that the neurons' sums run side by side
    (one neuron's sum alone is a chain of adds, each waiting on the one before)."""
    z[:] = 0.0
    for i in range(inp.shape[0]):
        row, v = W[i], inp[i]
        for j in range(z.shape[0]):
            z[j] += v * row[j]
    for j in range(z.shape[0]):
        z[j] = z[j] + b[j]


@inline
def backprop_at(W, d, i):
    """Σ_j W_ij·δ_j in order of j: the δ reaching dense input i."""
    acc = 0.0
    for j in range(d.shape[0]):
        acc += W[i, j] * d[j]
    return acc


# ---------------------------------------------------------------- a whole network, one sample
@inline
def _kernels(theta, conv, po, l):
    f, ch, k = conv[l, N_KERNELS], conv[l, IN_C], conv[l, SIZE]
    return theta[po[2 * l]:po[2 * l + 1]].reshape((f, ch, k, k)), theta[po[2 * l + 1]:po[2 * l + 1] + f]


@inline
def _dense(theta, sizes, po, n_conv, d):
    at = po[2 * (n_conv + d)]
    n_in, n_out = sizes[d], sizes[d + 1]
    return theta[at:at + n_in * n_out].reshape((n_in, n_out)), theta[at + n_in * n_out:at + (n_in + 1) * n_out]


@inline
def _maps(buf, o, at, f, h, w):
    return buf[o[at]:o[at] + f * h * w].reshape((f, h, w))


@glue
def sample_forward(theta, conv, sizes, dense_act, fm, win):
    """Fill the workspace fm (input already at its start) with every map; win holds the pool winners
    at the pooled maps' offsets. The output layer's a is the softmax of its logits z."""
    _forward(theta, conv, sizes, dense_act, param_offsets(conv, sizes), map_offsets(conv, sizes), fm, win)


@kernel
def _forward(theta, conv, sizes, dense_act, po, o, fm, win):
    """sample_forward with the offsets given: batch loops compute them once, not once per sample."""
    n_conv, n_dense = conv.shape[0], sizes.shape[0] - 1
    for l in range(n_conv):
        ho, wo, hp, wp = layer_dims(conv, l)
        f = conv[l, N_KERNELS]
        K, b = _kernels(theta, conv, po, l)
        x = _maps(fm, o, 3 * l, conv[l, IN_C], conv[l, IN_H], conv[l, IN_W])
        a = _maps(fm, o, 3 * l + 2, f, ho, wo)
        conv_layer(x, K, b, conv[l, STRIDE], conv[l, PADDING], conv[l, ACT], _maps(fm, o, 3 * l + 1, f, ho, wo), a)
        pool_layer(a, conv[l, POOL], _maps(fm, o, 3 * l + 3, f, hp, wp), _maps(win, o, 3 * l + 3, f, hp, wp))
    for d in range(n_dense):
        W, b = _dense(theta, sizes, po, n_conv, d)
        at = 3 * n_conv + 2 * d
        inp = fm[o[at]:o[at] + sizes[d]]
        z, a = fm[o[at + 1]:o[at + 1] + sizes[d + 1]], fm[o[at + 2]:o[at + 2] + sizes[d + 1]]
        dense_layer(inp, W, b, z)
        if d < n_dense - 1:
            for j in range(sizes[d + 1]):
                a[j] = activate(z[j], dense_act)
        else:
            softmax_row(z, a)


@glue
def sample_backward(theta, grad, conv, sizes, dense_act, y, scale, fm, win, dm):
    """After sample_forward: every δ into dm (same layout as fm; the input gets none), the sample's
    gradients (times scale = 1/B) added into grad; returns its share of the batch loss."""
    return _backward(theta, grad, conv, sizes, dense_act, y, scale, param_offsets(conv, sizes),
                     map_offsets(conv, sizes), fm, win, dm)


@kernel
def _backward(theta, grad, conv, sizes, dense_act, y, scale, po, o, fm, win, dm):
    n_conv, n_dense = conv.shape[0], sizes.shape[0] - 1
    last = 3 * n_conv + 2 * (n_dense - 1)
    n_out = sizes[n_dense]
    zo, ao = fm[o[last + 1]:o[last + 1] + n_out], fm[o[last + 2]:o[last + 2] + n_out]
    dzo = dm[o[last + 1]:o[last + 1] + n_out]
    for k in range(n_out):
        dzo[k] = delta(zo[k], ao[k], y[k], SOFTMAX_CE, SOFTMAX, scale, n_out)
    loss = sample_loss(zo, ao, y, SOFTMAX_CE, scale)
    for d in range(n_dense - 1, -1, -1):
        W, _ = _dense(theta, sizes, po, n_conv, d)
        dW, db = _dense(grad, sizes, po, n_conv, d)
        at = 3 * n_conv + 2 * d
        inp, d_in = fm[o[at]:o[at] + sizes[d]], dm[o[at]:o[at] + sizes[d]]
        dz = dm[o[at + 1]:o[at + 1] + sizes[d + 1]]
        for i in range(sizes[d]):
            row, v = dW[i], inp[i]
            for j in range(sizes[d + 1]):
                row[j] += v * dz[j]
        for j in range(sizes[d + 1]):
            db[j] += dz[j]
        for i in range(sizes[d]):
            d_in[i] = backprop_at(W, dz, i)
        if d > 0:   # the hidden dense layer's own δ = ∂L/∂a · f'(z), at its z's place
            z_prev = fm[o[at - 1]:o[at - 1] + sizes[d]]
            dz_prev = dm[o[at - 1]:o[at - 1] + sizes[d]]
            for i in range(sizes[d]):
                dz_prev[i] = d_in[i] * derivative(z_prev[i], inp[i], dense_act)
    for l in range(n_conv - 1, -1, -1):
        ho, wo, hp, wp = layer_dims(conv, l)
        f, s, pad = conv[l, N_KERNELS], conv[l, STRIDE], conv[l, PADDING]
        K, _ = _kernels(theta, conv, po, l)
        dK, db = _kernels(grad, conv, po, l)
        da, dz = _maps(dm, o, 3 * l + 2, f, ho, wo), _maps(dm, o, 3 * l + 1, f, ho, wo)
        pool_back_layer(_maps(dm, o, 3 * l + 3, f, hp, wp), _maps(win, o, 3 * l + 3, f, hp, wp), conv[l, POOL], da)
        mask_layer(da, _maps(fm, o, 3 * l + 1, f, ho, wo), _maps(fm, o, 3 * l + 2, f, ho, wo), conv[l, ACT], dz)
        x = _maps(fm, o, 3 * l, conv[l, IN_C], conv[l, IN_H], conv[l, IN_W])
        conv_grads(x, dz, s, pad, dK, db)
        if l > 0:
            conv_below(dz, K, s, pad, _maps(dm, o, 3 * l, conv[l, IN_C], conv[l, IN_H], conv[l, IN_W]))
    return loss


# ---------------------------------------------------------------- batches and epochs
@inline
def workspace(conv, sizes):
    """A sample's maps, its δs and its pool winners (the winners indexed like the maps)."""
    n = map_offsets(conv, sizes)[-1]
    return np.zeros(n), np.zeros(n), np.zeros(n, np.int64)


@inline
def _load_input(x, fm):
    flat = x.reshape(x.size)
    for i in range(flat.shape[0]):
        fm[i] = flat[i]


@kernel
def batch_gradients(theta, grad, conv, sizes, dense_act, X, Y, fm, dm, win):
    """Add the batch's gradients (of the mean loss) into grad, sample by sample; return the mean loss."""
    po, o = param_offsets(conv, sizes), map_offsets(conv, sizes)
    scale = 1.0 / X.shape[0]
    loss = 0.0
    for s in range(X.shape[0]):
        _load_input(X[s], fm)
        _forward(theta, conv, sizes, dense_act, po, o, fm, win)
        loss += _backward(theta, grad, conv, sizes, dense_act, Y[s], scale, po, o, fm, win, dm)
    return loss


@glue
def gradients(theta, grad, conv, sizes, dense_act, X, Y):
    """batch_gradients with its workspace made here; X (B, C, H, W), Y (B, classes) one-hot."""
    fm, dm, win = workspace(conv, sizes)
    return batch_gradients(theta, grad, conv, sizes, dense_act, X, Y, fm, dm, win)


@glue
def predict(theta, conv, sizes, dense_act, X, P):
    """P (B, classes): the class probabilities of every image (evaluate_rows, its loss unused: one
    compiled loop over the images for both, as each compiled entry point costs seconds, jit.glue)."""
    evaluate_rows(theta, conv, sizes, dense_act, X, np.zeros(P.shape), P, 0.0, 0.0)


@glue
def evaluate(theta, conv, sizes, dense_act, X, Y, P):
    """P (B, classes): every image's class probabilities; returns the mean loss, summed sample by
    sample from the logits as training does (sample_loss with scale 1/B)."""
    return evaluate_rows(theta, conv, sizes, dense_act, X, Y, P, 1.0 / max(X.shape[0], 1), 0.0)


@kernel
def evaluate_rows(theta, conv, sizes, dense_act, X, Y, P, scale, loss):
    """evaluate() over consecutive rows of a set: `loss` is the running total of the rows before
    them and `scale` 1/(rows in the whole set). A set evaluated slice by slice (a stop looked at
    between two: dlsim.models.chunked) adds the same numbers in the same order, bit for bit."""
    fm, _, win = workspace(conv, sizes)
    po, o = param_offsets(conv, sizes), map_offsets(conv, sizes)
    n_out = P.shape[1]
    zo, ao = o[o.shape[0] - 3], o[o.shape[0] - 2]
    for s in range(X.shape[0]):
        _load_input(X[s], fm)
        _forward(theta, conv, sizes, dense_act, po, o, fm, win)
        loss += sample_loss(fm[zo:zo + n_out], fm[ao:ao + n_out], Y[s], SOFTMAX_CE, scale)
        for k in range(n_out):
            P[s, k] = fm[ao + k]
    return loss


@inline
def _update(theta, grad, m, v, frozen, opt_kind, lr, mu, beta1, beta2, eps, t):
    """The optimizer step on every parameter but the first `frozen` (kernels a teacher froze lie
    first in theta): they keep their bits, whatever their gradient."""
    n = theta.shape[0]
    update_all(theta[frozen:n], grad[frozen:n], m[frozen:n], v[frozen:n], opt_kind, lr, mu, beta1, beta2, eps, t)


@glue
def train_batch(theta, grad, m, v, t, frozen, conv, sizes, dense_act, opt_kind, lr, mu, beta1, beta2, eps, X, Y):
    """One optimizer step (t counts steps from 1) on all but the first `frozen` parameters; returns
    the batch loss measured before the step."""
    fm, dm, win = workspace(conv, sizes)
    grad[:] = 0.0
    loss = batch_gradients(theta, grad, conv, sizes, dense_act, X, Y, fm, dm, win)
    _update(theta, grad, m, v, frozen, opt_kind, lr, mu, beta1, beta2, eps, t)
    return loss


@kernel
def train_epochs(theta, grad, m, v, t, frozen, conv, sizes, dense_act, opt_kind, lr, mu, beta1, beta2, eps,
                 X, Y, orders, batch_size, epoch_losses):
    """Train len(orders) epochs, orders (E, N) giving each epoch's sample order; t = steps taken so far;
    the first `frozen` parameters never change.

    The same arithmetic as train_batch on each batch in turn. Stops early after an epoch whose loss is
    not finite. Returns (epochs run, optimizer steps taken).
    """
    n = X.shape[0]
    fm, dm, win = workspace(conv, sizes)
    po, o = param_offsets(conv, sizes), map_offsets(conv, sizes)
    for e in range(orders.shape[0]):
        total = 0.0
        for start in range(0, n, batch_size):
            idx = orders[e, start:min(start + batch_size, n)]
            scale = 1.0 / idx.shape[0]
            grad[:] = 0.0
            loss = 0.0
            for s in range(idx.shape[0]):
                _load_input(X[idx[s]], fm)
                _forward(theta, conv, sizes, dense_act, po, o, fm, win)
                loss += _backward(theta, grad, conv, sizes, dense_act, Y[idx[s]], scale, po, o, fm, win, dm)
            t += 1
            _update(theta, grad, m, v, frozen, opt_kind, lr, mu, beta1, beta2, eps, t)
            total += loss * idx.shape[0]
        epoch_losses[e] = total / n
        if not math.isfinite(epoch_losses[e]):
            return e + 1, t
    return orders.shape[0], t


def network(image, layers, classes, hidden=0):
    """The `conv` and `sizes` arrays for an image (C, H, W), conv layers given as dicts with keys
    kernels, size, stride, padding, act, pool (codes), `classes` outputs and an optional hidden dense
    layer of `hidden` neurons. Raises ValueError where a kernel does not fit its input."""
    conv = np.zeros((len(layers), 9), np.int64)
    c, h, w = image
    for l, layer in enumerate(layers):
        conv[l] = (c, h, w, layer["kernels"], layer["size"], layer["stride"], layer["padding"],
                   layer["act"], layer["pool"])
        ho, wo, hp, wp = layer_dims(conv, l)
        if min(hp, wp) < 1:
            raise ValueError(f"conv layer {l + 1}: a {layer['size']}×{layer['size']} kernel at stride "
                             f"{layer['stride']} does not fit a {h}×{w} input")
        c, h, w = layer["kernels"], hp, wp
    sizes = np.array([c * h * w] + ([hidden] if hidden else []) + [classes], np.int64)
    return conv, sizes
