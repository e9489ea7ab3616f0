"""The CNN on the GPU: dlsim.kernels.cnn's signatures, with the fused epochs and the evaluation
(`predict`, `evaluate`) on the device.

A batch's maps sit one array per layer, (B, F, H, W), and the dense part feature-major, (units, B),
the MLP twin's layout (its dense kernels serve here: activations, softmax, the output δ and loss
share, weight gradients, δ flowing back, the optimizer step). One thread computes one number with
the CPU's own one-position helpers compiled for the device: a feature-map cell (`conv_at`), a
pooled cell and its winner (`pool_at`), a window's routed δ (`pool_back_at`), the δ reaching an
input cell (`below_at`). Each kernel's gradient cell is one thread's sum over the samples in order,
each over the positions in order (the CPU's order); the batch loss is summed by one thread in sample
order. No atomics: the same bits every run.

`train_epochs` copies the parameters, the optimizer state, the images, the targets and the sample
orders to the device once for the chunk and the state back at its end; one number (the epoch's loss)
comes back per epoch, to stop on a non-finite one as the CPU does. A batch per call (`train_batch`)
and the API's `gradients` stay on the CPU, where stepping is.
"""
import math

import numpy as np

from dlsim.kernels import activations, cnn, conv, gpu, losses, mlp_cuda
from dlsim.kernels.cnn import (ACT, IN_C, IN_H, IN_W, N_KERNELS, PADDING, POOL, SIZE, STRIDE,  # noqa: F401
                               gradients, network, train_batch)   # (on the CPU: see above)

cuda = gpu.cuda()
SOFTMAX_CE, SOFTMAX, LINEAR = losses.SOFTMAX_CE, activations.SOFTMAX, activations.LINEAR
_conv_at = gpu.device(conv.conv_at)
_pool_at = gpu.device(conv.pool_at)
_pool_back_at = gpu.device(conv.pool_back_at)
_below_at = gpu.device(conv.below_at)
_padding = gpu.device(conv.padding)
_activate, _derivative = mlp_cuda._activate, mlp_cuda._derivative
_share, _sample_total = mlp_cuda._share, mlp_cuda._sample_total
_grid, _blocks = mlp_cuda._grid, gpu.blocks
CHUNK = 1024   # images per launch of the evaluation (its maps are allocated per image)


@cuda.jit
def _gather(X, Y, order, start, x, Yb):
    """Images order[start:start + B] into x (B, C·H·W) and their targets into Yb (B, O)."""
    s, i = cuda.grid(2)
    if s < x.shape[0]:
        row = order[start + s]
        if i < x.shape[1]:
            x[s, i] = X[row, i]
        if i < Yb.shape[1]:
            Yb[s, i] = Y[row, i]


@cuda.jit
def _conv(x, K, b, stride, pad, act, z, a):
    """z (B, F, Ho, Wo) = conv_at at every cell, a = act(z): thread (s, cell)."""
    s, q = cuda.grid(2)
    F, Ho, Wo = z.shape[1], z.shape[2], z.shape[3]
    if s < z.shape[0] and q < F * Ho * Wo:
        f, r, c = q // (Ho * Wo), (q // Wo) % Ho, q % Wo
        z[s, f, r, c] = _conv_at(x[s], K, b, f, r, c, stride, pad)
        a[s, f, r, c] = _activate(z[s, f, r, c], act)


@cuda.jit
def _pool(a, kind, p, win):
    s, q = cuda.grid(2)
    F, Hp, Wp = p.shape[1], p.shape[2], p.shape[3]
    if s < p.shape[0] and q < F * Hp * Wp:
        f, r, c = q // (Hp * Wp), (q // Wp) % Hp, q % Wp
        p[s, f, r, c], win[s, f, r, c] = _pool_at(a[s], f, r, c, kind)


@cuda.jit
def _transpose(src, dst):
    """dst (n, B) = srcᵀ: the flattened pooled maps into the dense part's feature-major block (and
    back, for their δ)."""
    i, j = cuda.grid(2)
    if i < dst.shape[0] and j < dst.shape[1]:
        dst[i, j] = src[j, i]


@cuda.jit
def _dense(aT, W, b, zT):
    """zT (O, B): Σ_i a_i·W_ij in order of i, then + b_j (cnn.dense_at's order)."""
    s, j = cuda.grid(2)
    if s < zT.shape[1] and j < zT.shape[0]:
        acc = 0.0
        for i in range(aT.shape[0]):
            acc += aT[i, s] * W[i, j]
        zT[j, s] = acc + b[j]


@cuda.jit
def _zero(flat):
    k = cuda.grid(1)
    if k < flat.shape[0]:
        flat[k] = 0.0


@cuda.jit
def _pool_back(dp, win, kind, da):
    s, q = cuda.grid(2)
    F, Hp, Wp = dp.shape[1], dp.shape[2], dp.shape[3]
    if s < dp.shape[0] and q < F * Hp * Wp:
        f, r, c = q // (Hp * Wp), (q // Wp) % Hp, q % Wp
        _pool_back_at(dp[s], win[s], f, r, c, kind, da[s])


@cuda.jit
def _mask(da, z, a, act, dz):
    """δ = ∂L/∂a · f'(z) at every cell (cnn's mask_layer)."""
    s, q = cuda.grid(2)
    F, Ho, Wo = dz.shape[1], dz.shape[2], dz.shape[3]
    if s < dz.shape[0] and q < F * Ho * Wo:
        f, r, c = q // (Ho * Wo), (q // Wo) % Ho, q % Wo
        dz[s, f, r, c] = da[s, f, r, c] * _derivative(z[s, f, r, c], a[s, f, r, c], act)


@cuda.jit
def _conv_grads(x, dz, stride, pad, dK, db):
    """dK (F, C, k, k): thread per cell, summing window·δ over the samples in order, each over the
    positions in order (dK_at's terms, padding cells skipped); the last F threads: db."""
    q = cuda.grid(1)
    F, C, k = dK.shape[0], dK.shape[1], dK.shape[2]
    B, Ho, Wo = dz.shape[0], dz.shape[2], dz.shape[3]
    p = _padding(k, pad)
    if q < F * C * k * k:
        f, ch, i, j = q // (C * k * k), (q // (k * k)) % C, (q // k) % k, q % k
        acc = 0.0
        for s in range(B):
            for r in range(Ho):
                y = r * stride - p + i
                if 0 <= y < x.shape[2]:
                    for c in range(Wo):
                        xx = c * stride - p + j
                        if 0 <= xx < x.shape[3]:
                            acc += x[s, ch, y, xx] * dz[s, f, r, c]
        dK[f, ch, i, j] = acc
    elif q < F * C * k * k + F:
        f = q - F * C * k * k
        acc = 0.0
        for s in range(B):
            for r in range(Ho):
                for c in range(Wo):
                    acc += dz[s, f, r, c]
        db[f] = acc


@cuda.jit
def _conv_below(dz, K, stride, pad, dx):
    """The δ reaching every input cell (below_at): thread (s, cell)."""
    s, q = cuda.grid(2)
    C, H, W = dx.shape[1], dx.shape[2], dx.shape[3]
    if s < dx.shape[0] and q < C * H * W:
        ch, y, xx = q // (H * W), (q // W) % H, q % W
        dx[s, ch, y, xx] = _below_at(dz[s], K, ch, y, xx, stride, pad)


@cuda.jit
def _shares(zT, aT, Y, scale, shares):
    """Each sample's share of the loss, with the scale given (cnn.evaluate: 1/N over every chunk)."""
    s = cuda.grid(1)
    if s < aT.shape[1]:
        shares[s] = _share(_sample_total(zT, aT, Y, s, SOFTMAX_CE), SOFTMAX_CE, scale, aT.shape[0])


class Net:
    """The network on the device for a chunk: theta (and grad, m, v) with each layer's views, and per
    batch width the maps and their δs."""

    def __init__(self, buffers, conv_, sizes, dense_act):
        self.state = [cuda.to_device(np.ascontiguousarray(b)) for b in buffers]
        self.conv, self.sizes, self.dense_act = conv_, sizes, int(dense_act)
        self.po = cnn.param_offsets.py_func(conv_, sizes)
        self.params = [self._views(buf) for buf in self.state[:2]]
        self._spaces = {}

    def _views(self, buf):
        """([(K, b) per conv layer], [(W, b) per dense layer]) as views into a device buffer."""
        po, L = self.po, self.conv.shape[0]
        convs = []
        for l in range(L):
            f, c, k = (int(self.conv[l, i]) for i in (N_KERNELS, IN_C, SIZE))
            convs.append((buf[po[2 * l]:po[2 * l + 1]].reshape(f, c, k, k), buf[po[2 * l + 1]:po[2 * l + 1] + f]))
        dense = []
        for d in range(self.sizes.shape[0] - 1):
            at, n_in, n_out = po[2 * (L + d)], int(self.sizes[d]), int(self.sizes[d + 1])
            W, b = buf[at:at + n_in * n_out], buf[at + n_in * n_out:at + (n_in + 1) * n_out]
            dense.append((W.reshape(n_in, n_out), b))
        return convs, dense

    def space(self, B):
        if B not in self._spaces:
            w = {"x": [], "z": [], "a": [], "win": [], "dx": [], "dz": [], "da": []}
            for l in range(self.conv.shape[0]):
                ho, wo, hp, wp = cnn.layer_dims.py_func(self.conv, l)
                c, h, wd, f = (int(self.conv[l, i]) for i in (IN_C, IN_H, IN_W, N_KERNELS))
                for key, shape in (("x", (B, c, h, wd)), ("z", (B, f, ho, wo)), ("a", (B, f, ho, wo)),
                                   ("dx", (B, c, h, wd)), ("dz", (B, f, ho, wo)), ("da", (B, f, ho, wo))):
                    w[key].append(cuda.device_array(shape))
                w["win"].append(cuda.device_array((B, f, hp, wp), np.int64))
            f = int(self.conv[-1, N_KERNELS])
            w["x"].append(cuda.device_array((B, f, hp, wp)))    # the last pooled maps, and their δ
            w["dx"].append(cuda.device_array((B, f, hp, wp)))
            w["dense"] = mlp_cuda._buffers(self.sizes, B)          # z, a, δ: (units, B) per dense layer
            w["Yb"], w["shares"] = cuda.device_array((B, int(self.sizes[-1]))), cuda.device_array(B)
            self._spaces[B] = w
        return self._spaces[B]

    def forward(self, w, B):
        convs, dense = self.params[0]
        for l, (K, b) in enumerate(convs):
            row = self.conv[l]
            z, a = w["z"][l], w["a"][l]
            _conv[_grid(B, z[0].size)](w["x"][l], K, b, int(row[STRIDE]), int(row[PADDING]), int(row[ACT]), z, a)
            p = w["x"][l + 1]
            _pool[_grid(B, p[0].size)](a, int(row[POOL]), p, w["win"][l])
        z, a, _ = w["dense"]
        _transpose[_grid(a[0].shape[0], B)](w["x"][-1].reshape(B, a[0].shape[0]), a[0])
        for d, (W, b) in enumerate(dense):
            _dense[_grid(B, W.shape[1])](a[d], W, b, z[d + 1])
            kind = SOFTMAX if d == len(dense) - 1 else self.dense_act
            mlp_cuda._activate_block[_blocks(B), gpu.THREADS](z[d + 1], kind, a[d + 1])

    def gradients(self, w, B, total):
        """The batch's loss (into total) and gradients (into grad), after forward."""
        (convs, dense), (gconvs, gdense) = self.params
        z, a, dd = w["dense"]
        mlp_cuda._output[_blocks(B), gpu.THREADS](z[-1], a[-1], w["Yb"], SOFTMAX_CE, SOFTMAX, dd[-1], w["shares"])
        mlp_cuda._add_loss[1, 1](w["shares"], float(B), total)
        for d in range(len(dense) - 1, -1, -1):
            W, (dW, db) = dense[d][0], gdense[d]
            mlp_cuda._weight_grads[_grid(W.shape[1], W.shape[0] + 1)](a[d], dd[d + 1], dW, db)
            kind, below = (self.dense_act, dd[d]) if d > 0 else (LINEAR, dd[0])   # linear: the flatten, × 1.0
            mlp_cuda._below[_grid(B, W.shape[0])](W, dd[d + 1], z[d], a[d], kind, below)
        _transpose[_grid(B, dd[0].shape[0])](dd[0], w["dx"][-1].reshape(B, dd[0].shape[0]))
        for l in range(len(convs) - 1, -1, -1):
            row, (K, _), (dK, db) = self.conv[l], convs[l], gconvs[l]
            stride, pad = int(row[STRIDE]), int(row[PADDING])
            da, dz, dp = w["da"][l], w["dz"][l], w["dx"][l + 1]
            _zero[_blocks(da.size), gpu.THREADS](da.reshape(da.size))   # cells outside every window: no δ
            _pool_back[_grid(B, dp[0].size)](dp, w["win"][l], int(row[POOL]), da)
            _mask[_grid(B, dz[0].size)](da, w["z"][l], w["a"][l], int(row[ACT]), dz)
            _conv_grads[_blocks(dK.size + dK.shape[0]), gpu.THREADS](w["x"][l], dz, stride, pad, dK, db)
            if l > 0:
                _conv_below[_grid(B, w["dx"][l][0].size)](dz, K, stride, pad, w["dx"][l])

    def update(self, frozen, opt_kind, lr, mu, beta1, beta2, eps, t):
        theta, grad, m, v = (buf[frozen:] for buf in self.state)
        if theta.shape[0] > 0:
            mlp_cuda._update[_blocks(theta.shape[0]), gpu.THREADS](
                theta, grad, m, v, opt_kind, lr, mu, beta1, beta2, eps, 1.0 - beta1 ** t, 1.0 - beta2 ** t)


def train_epochs(theta, grad, m, v, t, frozen, conv_, sizes, dense_act, opt_kind, lr, mu, beta1, beta2, eps,
                 X, Y, orders, batch_size, epoch_losses):
    """dlsim.kernels.cnn.train_epochs on the GPU. Returns (epochs run, optimizer steps taken)."""
    n = X.shape[0]
    net = Net((theta, grad, m, v), conv_, sizes, dense_act)
    dX = cuda.to_device(np.ascontiguousarray(X).reshape(n, -1))
    dY, dorders = cuda.to_device(np.ascontiguousarray(Y)), cuda.to_device(np.ascontiguousarray(orders))
    ran = orders.shape[0]
    for e in range(orders.shape[0]):
        total = cuda.to_device(np.zeros(2))
        for start in range(0, n, batch_size):
            B = min(batch_size, n - start)
            w = net.space(B)
            x0 = w["x"][0]
            _gather[_grid(B, max(x0[0].size, Y.shape[1]))](dX, dY, dorders[e], start, x0.reshape(B, x0[0].size),
                                                           w["Yb"])
            net.forward(w, B)
            net.gradients(w, B, total)
            t += 1
            net.update(int(frozen), int(opt_kind), float(lr), float(mu), float(beta1), float(beta2), float(eps), t)
        epoch_losses[e] = total.copy_to_host()[0] / n
        if not math.isfinite(epoch_losses[e]):
            ran = e + 1
            break
    for host, device in zip((theta, grad, m, v), net.state):
        device.copy_to_host(host)
    return ran, t


def _chunks(theta, conv_, sizes, dense_act, X):
    """(start, B, the chunk's dense blocks z, a) for every chunk of at most CHUNK images, forward done."""
    net = Net((theta,), conv_, sizes, dense_act)
    X = np.ascontiguousarray(X)
    for start in range(0, X.shape[0], CHUNK):
        B = min(CHUNK, X.shape[0] - start)
        w = net.space(B)
        w["x"][0].copy_to_device(X[start:start + B])
        net.forward(w, B)
        z, a, _ = w["dense"]
        yield start, B, z[-1], a[-1]


def predict(theta, conv_, sizes, dense_act, X, P):
    """P (B, classes): every image's class probabilities, computed on the GPU."""
    for start, B, _, a in _chunks(theta, conv_, sizes, dense_act, X):
        P[start:start + B] = a.copy_to_host().T


def evaluate(theta, conv_, sizes, dense_act, X, Y, P):
    """P (B, classes) and the mean loss (each sample's share computed on the GPU, added in sample order
    as the CPU adds them)."""
    scale = 1.0 / max(X.shape[0], 1)
    loss = 0.0
    Y = np.ascontiguousarray(Y)
    for start, B, z, a in _chunks(theta, conv_, sizes, dense_act, X):
        shares = cuda.device_array(B)
        _shares[_blocks(B), gpu.THREADS](z, a, cuda.to_device(Y[start:start + B]), scale, shares)
        for share in shares.copy_to_host():
            loss += float(share)
        P[start:start + B] = a.copy_to_host().T
    return loss
