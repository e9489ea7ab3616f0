"""The CNN's training one op at a time: a sample's forward and backward pass, then a batch's update.

Every number is computed by the helper the compiled kernels loop over (conv_sum_at, pool_at, dense_at,
pool_back_at, dK_at, below_at, update_element…), in their order, so the stepped path writes the bits of
`kernels.cnn.train_batch`. The event values carry the numbers as they were used (the window under the
kernel, the products, the sum, the bias, the cell written), for the math panel, the view and a trace.
"""
from operator import mul

import numpy as np

from dlsim.kernels import activations as act
from dlsim.kernels import cnn as ck
from dlsim.kernels import conv as cv
from dlsim.kernels import losses, optimizers
from dlsim.models.cnn_formulas import Op
from dlsim.models.cnn_net import pad_of, pooling_kind
from dlsim.protocol.events import BACKWARD, FORWARD, LOSS, UPDATE, Event, Level


def _t(values) -> tuple:
    return tuple(np.asarray(values, float).ravel().tolist())


def window(x: np.ndarray, k: int, top: int, left: int) -> np.ndarray:
    """(C, k, k): the input under a kernel whose top-left corner is at (top, left), padding as zeros."""
    C, H, W = x.shape
    out = np.zeros((C, k, k))
    y0, y1, x0, x1 = max(top, 0), min(top + k, H), max(left, 0), min(left + k, W)
    if y0 < y1 and x0 < x1:
        out[:, y0 - top:y1 - top, x0 - left:x1 - left] = x[:, y0:y1, x0:x1]
    return out


def windows(x: np.ndarray, k: int, stride: int, shift: int, rows: int, cols: int) -> list[tuple]:
    """window(x, k, r·stride − shift, c·stride − shift).ravel() for every output cell (r, c), row by
    row, as tuples of floats: one array operation for a whole map instead of one per cell (a 28×28
    image's 676 cells a kernel)."""
    C, H, W = x.shape
    below = max(0, (rows - 1) * stride - shift + k - H)
    right = max(0, (cols - 1) * stride - shift + k - W)
    padded = np.pad(x, ((0, 0), (shift, below), (shift, right)))
    views = np.lib.stride_tricks.sliding_window_view(padded, (k, k), axis=(1, 2))
    views = views[:, :(rows - 1) * stride + 1:stride, :(cols - 1) * stride + 1:stride]   # (C, rows, cols, k, k)
    return [tuple(cell) for cell in views.transpose(1, 2, 0, 3, 4).reshape(rows * cols, C * k * k).tolist()]


def _closes(last: bool) -> Level:
    return Level.LAYER if last else Level.OP


def sample_events(m, s: int, batch: int):
    """Forward, loss and backward of training image s, one op at a time."""
    if m.sample == 0:
        m.grad[:] = 0.0
    m.fm[:] = 0.0
    m.dm[:] = 0.0
    m.win[:] = 0
    m.current = s
    m.conv_maps(0)[0][...] = m.X[s]
    for l in range(m.n_conv):
        yield from _conv_forward(m, l)
    yield from _dense_forward(m)
    scale = 1.0 / batch
    _, zo, ao = m.dense_maps(len(m.sizes) - 2)
    y = m.Y[s]
    share = m.ops.losses.sample_loss(zo, ao, y, losses.SOFTMAX_CE, scale)
    m.batch_loss += share
    yield Event(Op.LOSS, LOSS, "cnn.loss", {
        "fn": "softmax_ce", "prediction": _t(ao), "target": _t(y), "label": int(m.data.y[s]),
        "loss": float(m.ops.losses.sample_loss(zo, ao, y, losses.SOFTMAX_CE, 1.0)), "share": float(share),
        "batch_loss": float(m.batch_loss), "sample": s}, closes=Level.LAYER)
    yield from _dense_backward(m, y, scale)
    for l in range(m.n_conv - 1, -1, -1):
        yield from _conv_backward(m, l)


def _conv_forward(m, l):
    x, z, a, p = m.conv_maps(l)
    win = m.conv_maps(l, m.win)[3]
    K, b = m.conv_params(l)
    row = m.conv[l]
    stride, pad, kind, pool = (int(row[i]) for i in (ck.STRIDE, ck.PADDING, ck.ACT, ck.POOL))
    k = K.shape[2]
    shift = pad_of(k, pad)
    fn = act.NAMES[kind]
    F, Ho, Wo = z.shape
    conv_sum_at, activate = m.ops.cv.conv_sum_at, m.ops.act.activate
    seen = windows(x, k, stride, shift, Ho, Wo)   # x is this layer's input: no key changes it meanwhile
    last = Ho * Wo - 1
    for f in range(F):
        written = -1
        for i in range(Ho * Wo):
            if written != m.params_written:   # a weight typed in mid-layer: the rest slide the new kernel
                written = m.params_written
                weights, bias = _t(K[f]), float(b[f])
            r, c = divmod(i, Wo)
            top, left = r * stride - shift, c * stride - shift
            total = conv_sum_at(x, K, f, r, c, stride, pad)
            z[f, r, c] = cell = total + b[f]
            yield Event(Op.CONV, FORWARD, f"cnn.layer[{l}].kernel[{f}].pos[{r},{c}]", {
                "f": f, "r": r, "c": c, "top": top, "left": left, "size": k, "window": seen[i],
                "weights": weights, "products": tuple(map(mul, seen[i], weights)), "sum": float(total),
                "bias": bias, "z": float(cell)})
            a[f, r, c] = out = activate(cell, kind)
            yield Event(Op.ACTIVATION, FORWARD, f"cnn.layer[{l}].kernel[{f}].a[{r},{c}]", {
                "f": f, "r": r, "c": c, "fn": fn, "z": float(cell), "a": float(out)},
                closes=Level.LAYER if i == last else Level.OP)
    _, Hp, Wp = p.shape
    name = pooling_kind(pool)
    pool_at = m.ops.cv.pool_at
    for f in range(F):
        seen = _pool_windows(a[f], pool, Hp, Wp)   # the feature map is complete: no key changes it meanwhile
        for r in range(Hp):
            for c in range(Wp):
                value, winner = pool_at(a, f, r, c, pool)
                p[f, r, c], win[f, r, c] = value, winner
                values = {"f": f, "r": r, "c": c, "kind": name, "window": seen[r * Wp + c], "value": float(value),
                          "winner": int(winner) if pool == cv.MAX else None}
                done = r == Hp - 1 and c == Wp - 1
                if done:   # the whole pass, for the layer step's summary: the map's range and its winners
                    values.update(shape=(Hp, Wp), pooled=_t(p[f]), feature_range=(float(a[f].min()), float(a[f].max())),
                                  winners=tuple(int(w) for w in win[f].ravel()) if pool == cv.MAX else None)
                yield Event(Op.POOL, FORWARD, f"cnn.layer[{l}].kernel[{f}].pool[{r},{c}]", values,
                            closes=_closes(done))


def _pool_windows(a: np.ndarray, pool: int, Hp: int, Wp: int) -> list[tuple]:
    """Each pooled cell's window of the map `a` (H, W), row by row, as tuples of floats: its 2×2 cells
    in the order pool_at reads them (a single cell without pooling)."""
    if pool == cv.NONE:
        return [(v,) for v in a[:Hp, :Wp].ravel().tolist()]
    cells = a[:2 * Hp, :2 * Wp].reshape(Hp, 2, Wp, 2).transpose(0, 2, 1, 3).reshape(Hp * Wp, 4)
    return [tuple(cell) for cell in cells.tolist()]


def _dense_forward(m):
    L, D = m.n_conv, len(m.sizes) - 1
    _, _, _, p = m.conv_maps(L - 1)
    yield Event(Op.FLATTEN, FORWARD, f"cnn.layer[{L}]", {
        "maps": int(p.shape[0]), "shape": f"{p.shape[1]}×{p.shape[2]}", "size": int(p.size)})
    for d in range(D):
        W, b = m.dense_params(d)
        inp, z, a = m.dense_maps(d)
        path = f"cnn.layer[{L + d}]"
        out = d == D - 1
        inputs = _t(inp)
        for j in range(z.shape[0]):
            z[j] = m.ops.ck.dense_at(inp, W, b, j)
            yield Event(Op.WEIGHTED_SUM, FORWARD, f"{path}.neuron[{j}]",
                        {"inputs": inputs, "weights": _t(W[:, j]), "bias": float(b[j]), "z": float(z[j])})
        if out:
            m.ops.act.softmax_row(z, a)
            yield Event(Op.SOFTMAX, FORWARD, path, {"z": _t(z), "a": _t(a)}, closes=Level.LAYER)
            continue
        for j in range(z.shape[0]):
            a[j] = m.ops.act.activate(z[j], m.dense_act)
            yield Event(Op.ACTIVATION, FORWARD, f"{path}.neuron[{j}]",
                        {"fn": act.NAMES[m.dense_act], "z": float(z[j]), "a": float(a[j])},
                        closes=_closes(j == z.shape[0] - 1))


def _dense_backward(m, y, scale):
    L, D = m.n_conv, len(m.sizes) - 1
    _, zo, ao = m.dense_maps(D - 1)
    dzo = m.dense_maps(D - 1, m.dm)[1]
    n_out = zo.shape[0]
    for k in range(n_out):
        dzo[k] = m.ops.losses.delta(zo[k], ao[k], y[k], losses.SOFTMAX_CE, act.SOFTMAX, scale, n_out)
        yield Event(Op.DELTA, BACKWARD, f"cnn.layer[{L + D - 1}].neuron[{k}]", {
            "probability": float(ao[k]), "target": float(y[k]), "scale": scale, "delta": float(dzo[k])},
            closes=_closes(k == n_out - 1))
    for d in range(D - 1, -1, -1):
        W, _ = m.dense_params(d)
        dW, db = m.dense_params(d, m.grad)
        inp, _, _ = m.dense_maps(d)
        d_in, dz, _ = m.dense_maps(d, m.dm)
        inputs = _t(inp)
        for j in range(dz.shape[0]):
            dW[:, j] += inp * dz[j]
            db[j] += dz[j]
            yield Event(Op.GRAD, BACKWARD, f"cnn.layer[{L + d}].neuron[{j}]", {
                "neuron": j, "inputs": inputs, "delta": float(dz[j]), "column": _t(dW[:, j]), "db": float(db[j])},
                closes=_closes(j == dz.shape[0] - 1))
        if d > 0:   # into the hidden dense layer: δ = f'(z)·Σ W·δ, neuron by neuron
            z_prev = m.dense_maps(d - 1)[1]
            dz_prev = m.dense_maps(d - 1, m.dm)[1]
            for i in range(d_in.shape[0]):
                d_in[i] = m.ops.ck.backprop_at(W, dz, i)
                fprime = m.ops.act.derivative(z_prev[i], inp[i], m.dense_act)
                dz_prev[i] = d_in[i] * fprime
                yield Event(Op.DELTA, BACKWARD, f"cnn.layer[{L + d - 1}].neuron[{i}]", {
                    "weights": _t(W[i]), "deltas": _t(dz), "sum": float(d_in[i]), "fprime": float(fprime),
                    "delta": float(dz_prev[i])}, closes=_closes(i == d_in.shape[0] - 1))
            continue
        F, Hp, Wp = m.conv_maps(L - 1)[3].shape   # into the last pooled maps, one map an event
        for f in range(F):
            for i in range(f * Hp * Wp, (f + 1) * Hp * Wp):
                d_in[i] = m.ops.ck.backprop_at(W, dz, i)
            yield Event(Op.UNFLATTEN, BACKWARD, f"cnn.layer[{L - 1}].kernel[{f}].pool", {
                "f": f, "deltas": _t(d_in[f * Hp * Wp:(f + 1) * Hp * Wp])}, closes=_closes(f == F - 1))


def _conv_backward(m, l):
    x, z, a, _ = m.conv_maps(l)
    dx, dz, da, dp = m.conv_maps(l, m.dm)
    win = m.conv_maps(l, m.win)[3]
    K, _ = m.conv_params(l)
    dK, db = m.conv_params(l, m.grad)
    row = m.conv[l]
    stride, pad, kind, pool = (int(row[i]) for i in (ck.STRIDE, ck.PADDING, ck.ACT, ck.POOL))
    k = K.shape[2]
    shift = pad_of(k, pad)
    name, fn = pooling_kind(pool), act.NAMES[kind]
    F, Hp, Wp = dp.shape
    _, Ho, Wo = dz.shape
    da[...] = 0.0   # as pool_back_layer: a cell outside every window gets no δ
    for f in range(F):
        for r in range(Hp):
            for c in range(Wp):
                m.ops.cv.pool_back_at(dp, win, f, r, c, pool, da)
                cells = da[f, r, c:c + 1] if pool == cv.NONE else da[f, 2 * r:2 * r + 2, 2 * c:2 * c + 2]
                yield Event(Op.POOL_BACK, BACKWARD, f"cnn.layer[{l}].kernel[{f}].pool[{r},{c}]", {
                    "f": f, "r": r, "c": c, "kind": name, "delta": float(dp[f, r, c]), "routed": _t(cells),
                    "winner": int(win[f, r, c]) if pool == cv.MAX else None},
                    closes=_closes(r == Hp - 1 and c == Wp - 1))
    derivative = m.ops.act.derivative
    for f in range(F):
        for r in range(Ho):
            for c in range(Wo):
                fprime = derivative(z[f, r, c], a[f, r, c], kind)
                dz[f, r, c] = delta = da[f, r, c] * fprime
                yield Event(Op.MASK, BACKWARD, f"cnn.layer[{l}].kernel[{f}].a[{r},{c}]", {
                    "f": f, "r": r, "c": c, "fn": fn, "dL_da": float(da[f, r, c]), "z": float(z[f, r, c]),
                    "fprime": float(fprime), "delta": float(delta)},
                    closes=Level.LAYER if r == Ho - 1 and c == Wo - 1 else Level.OP)
    dK_at = m.ops.cv.dK_at
    seen = windows(x, k, stride, shift, Ho, Wo)   # the windows the forward pass slid over, again
    for f in range(F):
        for i in range(Ho * Wo):
            r, c = divmod(i, Wo)
            dK_at(x, dz, dK, f, r, c, stride, pad)
            yield Event(Op.DK, BACKWARD, f"cnn.layer[{l}].kernel[{f}].pos[{r},{c}]", {
                "f": f, "r": r, "c": c, "top": r * stride - shift, "left": c * stride - shift, "size": k,
                "window": seen[i], "delta": float(dz[f, r, c]), "total": tuple(dK[f].ravel().tolist())})
        total = float(db[f])
        for value in dz[f].ravel().tolist():   # as conv_grads: row by row, after the kernel's positions
            total += value
        db[f] = total
        values = {"f": f, "cells": Ho * Wo, "total": total}
        if f == F - 1:   # the layer's gradient is complete: every kernel's ∂K (first channel) and ∂b
            values.update(size=k, channels=int(K.shape[1]), kernel_grads=tuple(_t(dK[g, 0]) for g in range(F)),
                          bias_grads=_t(db))
        yield Event(Op.DB, BACKWARD, f"cnn.layer[{l}].kernel[{f}].b", values,
            closes=(Level.SAMPLE if l == 0 else Level.LAYER) if f == F - 1 else Level.OP)
    if l == 0:
        return
    C, H, W = dx.shape
    for ch in range(C):
        for y in range(H):
            for xx in range(W):
                dx[ch, y, xx] = m.ops.cv.below_at(dz, K, ch, y, xx, stride, pad)
                yield Event(Op.BELOW, BACKWARD, f"cnn.layer[{l - 1}].kernel[{ch}].pool[{y},{xx}]", {
                    "f": ch, "y": y, "x": xx, "terms": _below_terms(dz, K, ch, y, xx, stride, shift),
                    "delta": float(dx[ch, y, xx])}, closes=_closes(y == H - 1 and xx == W - 1))


def _below_terms(dz, K, ch, y, x, stride, shift):
    """The products δ[f, r, c]·K[f, ch, i, j] below_at sums for this cell, in its order (for the panel)."""
    k = K.shape[2]
    terms = []
    for f in range(K.shape[0]):
        for i in range(k):
            ry = y + shift - i
            if ry >= 0 and ry % stride == 0 and ry // stride < dz.shape[1]:
                for j in range(k):
                    cx = x + shift - j
                    if cx >= 0 and cx % stride == 0 and cx // stride < dz.shape[2]:
                        terms.append(float(dz[f, ry // stride, cx // stride] * K[f, ch, i, j]))
    return tuple(terms)


def update_events(m, n_rows):
    """One optimizer step: a kernel (with its bias) an event, then a dense neuron (its column of W and
    its bias) an event; the frozen layers' kernels are shown unchanged."""
    m.steps += 1
    kind, lr, mu, b1, b2, eps = m.hyper()
    name = optimizers.NAMES[kind]
    groups = []
    for l in range(m.n_conv):
        K, _ = m.conv_params(l)
        per = K[0].size
        for f in range(K.shape[0]):
            flat = list(range(m.po[2 * l] + f * per, m.po[2 * l] + (f + 1) * per)) + [m.po[2 * l + 1] + f]
            groups.append((f"cnn.layer[{l}].kernel[{f}]", f"kernel {f} of conv layer {l + 1}", "K[0,0,0]", flat,
                           f == K.shape[0] - 1))
    for d in range(len(m.sizes) - 1):
        at, n_in, n_out = m.po[2 * (m.n_conv + d)], int(m.sizes[d]), int(m.sizes[d + 1])
        for j in range(n_out):
            flat = [at + i * n_out + j for i in range(n_in)] + [at + n_in * n_out + j]
            groups.append((f"cnn.layer[{m.n_conv + d}].neuron[{j}]", f"dense neuron {j} of layer {m.n_conv + d + 1}",
                           f"W[0,{j}]", flat, j == n_out - 1))
    for path, what, first, flat, last in groups:
        idx = np.array(flat)
        old = m.theta[idx].copy()
        frozen = flat[0] < m.frozen
        if not frozen:
            for k in flat:
                m.ops.optimizers.update_element(m.theta, m.grad, m.m, m.v, k, kind, lr, mu, b1, b2, eps, m.steps)
        new = m.theta[idx]
        values = {"optimizer": "frozen" if frozen else name, "what": what, "name": first, "old": _t(old),
                  "grad": _t(m.grad[idx]), "new": _t(new), "lr": lr, "largest": float(np.max(np.abs(new - old)))}
        if kind == optimizers.MOMENTUM:   # the optimizer's state after the step, as the kernel left it
            values.update(mu=mu, velocity=_t(m.m[idx]))
        elif kind == optimizers.ADAM:
            values.update(beta1=b1, beta2=b2, eps=eps, t=m.steps, m=_t(m.m[idx]), v=_t(m.v[idx]))
        yield Event(Op.UPDATE, UPDATE, path, values, closes=_closes(last))
    yield m.batch_done(n_rows)
