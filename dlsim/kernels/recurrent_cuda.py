"""What the RNN's and the LSTM's GPU twins share (dlsim.kernels.rnn_cuda, lstm_cuda): the fused
epochs on the device, the forward pass for evaluation, and every kernel that does not depend on the
cell.

A batch is the CPU's arithmetic (dlsim.kernels.recurrent, rnn, lstm), its blocks feature-major as
there ((units, B), the samples innermost), one thread per number: a unit's step (its weighted sums,
activation and state: the twin's `step` kernel), a δ (the twin's `deltas` kernel), an error flowing
back; the loss and the gradient norms summed by one thread in the CPU's order. Time is walked by the
host, one launch per layer and step, as the recursion needs. Each weight's gradient is one thread's
sum over the samples in order, each from t = T−1 down to 0 (the CPU's order); the global norm for
clipping is one block's tree of fixed shape. No atomics: the same bits every run.

`train_epochs` copies the parameters, the optimizer state, the sequences and the sample orders to
the device once for the chunk and back at its end; two numbers (the epoch's loss and mean gradient
norm) come back per epoch, to stop on a non-finite loss as the CPU does. A batch per call
(`train_batch`) and the gradients the API asks for stay on the CPU, where stepping is.
"""
import math

import numpy as np
from numba import float64

from dlsim.kernels import activations, gpu, mlp_cuda
from dlsim.kernels import recurrent as rc
from dlsim.kernels.recurrent_reference import unpack

cuda = gpu.cuda()
_grid, _blocks = mlp_cuda._grid, gpu.blocks
_step_loss = gpu.device(rc.step_loss)
MOST = 256   # threads of the clipping block (its shared array has this size)


@cuda.jit(device=True)
def tanh(z):
    return math.tanh(z)


OVERRIDES = {activations.tanh: tanh}   # the CPU's tanh works over arrays; the device has its own


@cuda.jit
def _gather(X, Y, order, start, xT, Yb):
    """Sequences order[start:start + B] into xT (T, F, B) and their targets into Yb (B, ·, O)."""
    s = cuda.grid(1)
    if s < Yb.shape[0]:
        row = order[start + s]
        for t in range(xT.shape[0]):
            for f in range(xT.shape[1]):
                xT[t, f, s] = X[row, t, f]
        for t in range(Yb.shape[1]):
            for k in range(Yb.shape[2]):
                Yb[s, t, k] = Y[row, t, k]


@cuda.jit
def _fill(block, values):
    """block (H, B) = values (H,) in every column: an initial state."""
    s, j = cuda.grid(2)
    if s < block.shape[1] and j < block.shape[0]:
        block[j, s] = values[j]


@cuda.jit
def _zero(flat):
    k = cuda.grid(1)
    if k < flat.shape[0]:
        flat[k] = 0.0


@cuda.jit
def _output(Wy, by, hT, logits):
    """logits (O, B) = W_y h + b_y, each as recurrent.output_z sums it."""
    s, k = cuda.grid(2)
    if s < hT.shape[1] and k < Wy.shape[0]:
        acc = by[k]
        for j in range(hT.shape[0]):
            acc += Wy[k, j] * hT[j, s]
        logits[k, s] = acc


@cuda.jit
def _losses(logits, Yb, kind, per_step, scale, dy, shares):
    """Each (sample, step)'s share of the loss into shares (B, T) and ∂/∂logits into dy (T, O, B)
    (zero on a step without a loss)."""
    s, t = cuda.grid(2)
    T = logits.shape[0]
    if s < logits.shape[2] and t < T:
        if per_step != 0 or t == T - 1:
            shares[s, t] = _step_loss(logits[t, :, s], Yb[s, t if per_step != 0 else 0], kind, scale, dy[t, :, s])
        else:
            for k in range(logits.shape[1]):
                dy[t, k, s] = 0.0


@cuda.jit
def _add_loss(shares, per_step, batch, tally):
    """The batch loss (shares added sample by sample, step by step, as the CPU does) into tally[2];
    tally[0] += it × the batch size."""
    if cuda.grid(1) == 0:
        T, loss = shares.shape[1], 0.0
        for s in range(shares.shape[0]):
            for t in range(T):
                if per_step != 0 or t == T - 1:
                    loss += shares[s, t]
        tally[2] = loss
        tally[0] += loss * batch


@cuda.jit
def _dh(Wy, dy, carry, below, top, dh):
    """∂L/∂h_t (H, B) = carry + W_yᵀ·δy_t (top layer) or carry + the error from the layer above."""
    s, j = cuda.grid(2)
    if s < dh.shape[1] and j < dh.shape[0]:
        if top != 0:
            acc = 0.0
            for r in range(dy.shape[0]):
                acc += Wy[r, j] * dy[r, s]
            dh[j, s] = carry[j, s] + acc
        else:
            dh[j, s] = carry[j, s] + below[j, s]


@cuda.jit(device=True)
def square_sum(dh, s):
    """Σ_j dh[j, s]²: sample s's share of ‖∂L/∂h_t‖², in order of j (the twins' `deltas` call it)."""
    acc = 0.0
    for j in range(dh.shape[0]):
        acc += dh[j, s] * dh[j, s]
    return acc


@cuda.jit
def _back(Wx, Wh, dz, has_below, below, carry):
    """carry (H, B) = W_hᵀ·δ (what flows to step t−1) and, above the bottom layer, below = W_xᵀ·δ."""
    s, i = cuda.grid(2)
    if s < carry.shape[1] and i < carry.shape[0]:
        acc = 0.0
        for r in range(dz.shape[0]):
            acc += Wh[r, i] * dz[r, s]
        carry[i, s] = acc
        if has_below != 0:
            acc = 0.0
            for r in range(dz.shape[0]):
                acc += Wx[r, i] * dz[r, s]
            below[i, s] = acc


@cuda.jit
def _outer(D, Xs, G, with_bias, gb):
    """G (R, I) = Σ_s Σ_{t = T−1..0} δ_t xᵀ_t and, if with_bias, gb (R,) = Σ δ (row I of the grid),
    per weight in the CPU's order. D (T, R, B), Xs (T, I, B)."""
    r, i = cuda.grid(2)
    T, R, B = D.shape
    I = Xs.shape[1]
    if r < R and (i < I or (i == I and with_bias != 0)):
        acc = 0.0
        for s in range(B):
            for t in range(T - 1, -1, -1):
                acc += D[t, r, s] * (Xs[t, i, s] if i < I else 1.0)
        if i < I:
            G[r, i] = acc
        else:
            gb[r] = acc


@cuda.jit
def _initial_grad(carry, learned, g0):
    """∂L/∂h₀ (or c₀) = Σ_s carry[:, s] in order of s, where the initial state is learned (else 0)."""
    j = cuda.grid(1)
    if j < g0.shape[0]:
        acc = 0.0
        if learned != 0:
            for s in range(carry.shape[1]):
                acc += carry[j, s]
        g0[j] = acc


@cuda.jit
def _dh_norms(squares, out):
    """out (L, T) = √(Σ_s squares[l, t, s]), summed in order of s."""
    k = cuda.grid(1)
    if k < out.shape[0] * out.shape[1]:
        l, t = k // out.shape[1], k % out.shape[1]
        acc = 0.0
        for s in range(squares.shape[2]):
            acc += squares[l, t, s]
        out[l, t] = math.sqrt(acc)


@cuda.jit
def _clip(grad, threshold, tally):
    """In one block: the gradient's global norm (each thread's squares in order, then a tree of
    fixed shape) added to tally[1], and grad scaled down to `threshold` where it is above (0: never)."""
    tid, nt = cuda.threadIdx.x, cuda.blockDim.x
    part = cuda.shared.array(MOST, float64)
    acc = 0.0
    for k in range(tid, grad.shape[0], nt):
        acc += grad[k] * grad[k]
    part[tid] = acc
    cuda.syncthreads()
    stride = nt // 2
    while stride > 0:
        if tid < stride:
            part[tid] += part[tid + stride]
        cuda.syncthreads()
        stride //= 2
    before = math.sqrt(part[0])
    if tid == 0:
        tally[1] += before
    if threshold > 0.0 and before > threshold:
        f = threshold / before
        for k in range(tid, grad.shape[0], nt):
            grad[k] *= f


class Net:
    """One network's device state for a chunk: theta (and grad, m, v) on the device with their
    layers as views, cfg, and per batch width the work blocks. A twin subclasses it with its cell:
    `blocks` (its own work arrays), `step` (layer l at step t) and `deltas`."""

    def __init__(self, buffers, cfg):
        self.state = [cuda.to_device(np.ascontiguousarray(b)) for b in buffers]
        self.cfg = cfg
        self.F, self.H, self.O, self.L = (int(cfg[i]) for i in (rc.FEATURES, rc.HIDDEN, rc.OUTPUTS, rc.LAYERS))
        self.R = int(cfg[rc.GATES]) * self.H
        self.states = int(cfg[rc.STATES])   # per layer: h (the LSTM: h and c)
        self.layers, self.Wy, self.by = unpack(self.state[0], cfg)
        if len(self.state) > 1:
            self.glayers, self.gWy, self.gby = unpack(self.state[1], cfg)
        self._spaces = {}

    def space(self, B, T):
        """The work arrays of a batch of B sequences of T steps (made once per width)."""
        if (B, T) not in self._spaces:
            L, H, O, R = self.L, self.H, self.O, self.R
            w = {"xT": (T, self.F, B), "h": (L, T + 1, H, B), "logits": (T, O, B), "dy": (T, O, B),
                 "dz": (L, T, R, B), "carry": (self.states, L, H, B), "dh": (H, B), "below": (H, B),
                 "squares": (L, T, B), "shares": (B, T), **self.blocks(B, T)}
            self._spaces[(B, T)] = {k: cuda.device_array(shape) for k, shape in w.items()}
        return self._spaces[(B, T)]

    def forward(self, w):
        T, B = w["xT"].shape[0], w["xT"].shape[2]
        grid = _grid(B, self.H)
        for l, layer in enumerate(self.layers):
            _fill[grid](w["h"][l, 0], layer["h0"])
            if self.states == 2:
                _fill[grid](w["c"][l, 0], layer["c0"])
        out = _grid(B, self.O)
        for t in range(T):
            for l in range(self.L):
                x = w["xT"][t] if l == 0 else w["h"][l - 1, t + 1]
                self.step(w, l, t, x, grid)
            _output[out](self.Wy, self.by, w["h"][self.L - 1, t + 1], w["logits"][t])

    def gradients(self, w, Yb, batch, tally):
        """One batch's loss (into tally) and gradient (into grad), its ‖δh_t‖ into dh_norms."""
        T, B, cfg = w["xT"].shape[0], w["xT"].shape[2], self.cfg
        per_step = int(cfg[rc.PER_STEP])
        self.forward(w)
        _losses[_grid(B, T)](w["logits"], Yb, int(cfg[rc.LOSS]), per_step,
                             1.0 / (batch * (T if per_step else 1)), w["dy"], w["shares"])
        _add_loss[1, 1](w["shares"], per_step, float(B), tally)
        carry = w["carry"]
        flat = carry.reshape(carry.size)
        _zero[_blocks(carry.size), gpu.THREADS](flat)
        grid = _grid(B, self.H)
        for t in range(T - 1, -1, -1):
            if rc.cut_before.py_func(t, T, int(cfg[rc.TRUNCATE])):
                _zero[_blocks(carry.size), gpu.THREADS](flat)
            for l in range(self.L - 1, -1, -1):
                top = l == self.L - 1
                _dh[grid](self.Wy, w["dy"][t], carry[0, l], w["below"], int(top), w["dh"])
                self.deltas(w, l, t, grid)
                layer = self.layers[l]
                _back[grid](layer["Wx"], layer["Wh"], w["dz"][l, t], int(l > 0), w["below"], carry[0, l])
        self.accumulate(w)

    def accumulate(self, w):
        L, learned = self.L, int(self.cfg[rc.LEARN_H0])
        top = w["h"][L - 1, 1:]
        _outer[_grid(self.O, self.H + 1)](w["dy"], top, self.gWy, 1, self.gby)
        for l, g in enumerate(self.glayers):
            inputs = w["xT"] if l == 0 else w["h"][l - 1, 1:]
            _outer[_grid(self.R, inputs.shape[1] + 1)](w["dz"][l], inputs, g["Wx"], 1, g["b"])
            _outer[_grid(self.R, self.H)](w["dz"][l], w["h"][l, :-1], g["Wh"], 0, g["b"])
            for which, key in enumerate(("h0", "c0")[:self.states]):
                _initial_grad[_blocks(self.H), gpu.THREADS](w["carry"][which, l], learned, g[key])

    def update(self, hyper, step, tally):
        theta, grad, m, v = self.state
        _clip[1, gpu.block_size(grad.shape[0], MOST)](grad, float(hyper[rc.CLIP]), tally)
        beta1, beta2 = float(hyper[rc.BETA1]), float(hyper[rc.BETA2])
        mlp_cuda._update[_blocks(theta.shape[0]), gpu.THREADS](
            theta, grad, m, v, int(self.cfg[rc.OPTIMIZER]), float(hyper[rc.LR]), float(hyper[rc.MU]), beta1, beta2,
            float(hyper[rc.EPS]), 1.0 - beta1 ** step, 1.0 - beta2 ** step)

    def back_to(self, buffers):
        for host, device in zip(buffers, self.state):
            device.copy_to_host(host)


def train_epochs(kind, theta, grad, m, v, step, cfg, hyper, X, Y, orders, batch_size, epoch_loss, epoch_norm,
                 dh_norms):
    """recurrent.train_epochs on the GPU, for the twin's Net subclass `kind`. Returns (epochs run,
    optimizer steps taken so far)."""
    n, T = X.shape[0], X.shape[1]
    net = kind((theta, grad, m, v), cfg)
    dX, dY, dorders = (cuda.to_device(np.ascontiguousarray(a)) for a in (X, Y, orders))
    dnorms = cuda.to_device(dh_norms)
    Ys = {}
    ran = orders.shape[0]
    for e in range(orders.shape[0]):
        tally = cuda.to_device(np.zeros(3))   # Σ loss × batch size, Σ norm before clipping, the last loss
        batches = 0
        for start in range(0, n, batch_size):
            b = min(batch_size, n - start)
            w = net.space(b, T)
            if b not in Ys:
                Ys[b] = cuda.device_array((b,) + Y.shape[1:])
            _gather[_blocks(b), gpu.THREADS](dX, dY, dorders[e], start, w["xT"], Ys[b])
            net.gradients(w, Ys[b], b, tally)
            _dh_norms[_blocks(dh_norms.size), gpu.THREADS](w["squares"], dnorms)
            step += 1
            net.update(hyper, step, tally)
            batches += 1
        total, norms, _ = tally.copy_to_host()
        epoch_loss[e], epoch_norm[e] = total / n, norms / batches
        if not np.isfinite(epoch_loss[e]):
            ran = e + 1
            break
    net.back_to((theta, grad, m, v))
    dnorms.copy_to_host(dh_norms)
    return ran, step


def outputs(kind, theta, cfg, X):
    """The logits (B, T, O) of every step for the sequences X (B, T, F), on the GPU."""
    net = kind((theta,), cfg)
    w = net.space(X.shape[0], X.shape[1])
    w["xT"].copy_to_device(np.ascontiguousarray(X.transpose(1, 2, 0)))
    net.forward(w)
    return np.ascontiguousarray(w["logits"].copy_to_host().transpose(2, 0, 1))
