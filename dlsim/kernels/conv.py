"""Convolution and pooling, one position at a time, and the layers built from those positions.

Each helper computes one thing the stepped path shows as one op: `conv_at` (the kernel at (r, c):
Σ window·K, then + b), `pool_at` (one 2×2 window: its max and which cell won, or its mean),
`pool_back_at` (one pooled δ routed into its window), `dK_at` (one position's window·δ added to ∂K),
`below_at` (the δ reaching one input cell: the full convolution with the flipped kernel). The layer
kernels loop over the same helpers, or add the very same terms in the very same order several cells
at a time, so a layer computed in one call equals the layer stepped position by position, bit for bit.

Layouts (C-order): an image or map (C, H, W); kernels K (F, C, k, k), biases (F,).
"""

import numpy as np

from dlsim.kernels.activations import RELU, TANH, activate, derivative, tanh_into
from dlsim.kernels.jit import inline, kernel

VALID, SAME = 0, 1
PADDINGS = {"valid": VALID, "same": SAME}
NONE, MAX, MEAN = 0, 1, 2
POOLS = {"none": NONE, "max": MAX, "mean": MEAN}


# ---------------------------------------------------------------- shapes
@inline
def padding(k, pad):
    """Zeros added on each side: none for valid, (k − 1)/2 for same (same size at stride 1)."""
    return (k - 1) // 2 if pad == SAME else 0


@inline
def out_size(n, k, stride, pad):
    """Feature-map side for an input side n; below 1 means the kernel does not fit."""
    return (n + 2 * padding(k, pad) - k) // stride + 1


@inline
def pooled_size(n, pool):
    """2×2 stride-2 pooling halves a side (an odd last row or column is dropped)."""
    return n if pool == NONE else n // 2


# ---------------------------------------------------------------- one position (the stepped path's ops)
@inline
def conv_at(x, K, b, f, r, c, stride, pad):
    """Feature-map cell (r, c) of kernel f: Σ window·K over channels, rows, columns (in that order,
    padding cells skipped), then + b[f]. The sum before the bias is `conv_sum_at`."""
    return conv_sum_at(x, K, f, r, c, stride, pad) + b[f]


@inline
def conv_sum_at(x, K, f, r, c, stride, pad):
    k = K.shape[2]
    top, left = r * stride - padding(k, pad), c * stride - padding(k, pad)
    acc = 0.0
    if _inside(x, k, top, left):   # the same sum without a test per cell: about twice as fast
        for ch in range(x.shape[0]):
            for i in range(k):
                for j in range(k):
                    acc += x[ch, top + i, left + j] * K[f, ch, i, j]
        return acc
    for ch in range(x.shape[0]):
        for i in range(k):
            y = top + i
            if 0 <= y < x.shape[1]:
                for j in range(k):
                    xx = left + j
                    if 0 <= xx < x.shape[2]:
                        acc += x[ch, y, xx] * K[f, ch, i, j]
    return acc


@inline
def _inside(x, k, top, left):
    """Whether the k×k window at (top, left) lies wholly inside the image (no padding cell)."""
    return top >= 0 and left >= 0 and top + k <= x.shape[1] and left + k <= x.shape[2]


@inline
def pool_at(a, f, r, c, kind):
    """Pooled cell (r, c) of map f and the winner's place in its 2×2 window (2·row + column; the first
    of equal maxima wins). Mean: ((a00 + a01) + a10) + a11, times 0.25; winner 0. None: a[f, r, c]."""
    if kind == NONE:
        return a[f, r, c], 0
    y, x = 2 * r, 2 * c
    if kind == MEAN:
        return (((a[f, y, x] + a[f, y, x + 1]) + a[f, y + 1, x]) + a[f, y + 1, x + 1]) * 0.25, 0
    best, win = a[f, y, x], 0
    for w in range(1, 4):
        v = a[f, y + w // 2, x + w % 2]
        if v > best:
            best, win = v, w
    return best, win


@inline
def pool_back_at(dp, win, f, r, c, kind, da):
    """Route pooled cell (r, c)'s δ into its window of da: all of it to the winner (max), a quarter to
    each cell (mean), or straight through (none). The other cells of a max window get 0."""
    g = dp[f, r, c]
    if kind == NONE:
        da[f, r, c] = g
        return
    y, x = 2 * r, 2 * c
    for w in range(4):
        if kind == MEAN:
            da[f, y + w // 2, x + w % 2] = g * 0.25
        else:
            da[f, y + w // 2, x + w % 2] = g if w == win[f, r, c] else 0.0


@inline
def dK_at(x, dz, dK, f, r, c, stride, pad):
    """Add position (r, c)'s window·δ to kernel f's gradient, cell by cell (channels, rows, columns)."""
    k = dK.shape[2]
    top, left = r * stride - padding(k, pad), c * stride - padding(k, pad)
    g = dz[f, r, c]
    if _inside(x, k, top, left):
        for ch in range(x.shape[0]):
            for i in range(k):
                for j in range(k):
                    dK[f, ch, i, j] += x[ch, top + i, left + j] * g
        return
    for ch in range(x.shape[0]):
        for i in range(k):
            y = top + i
            if 0 <= y < x.shape[1]:
                for j in range(k):
                    xx = left + j
                    if 0 <= xx < x.shape[2]:
                        dK[f, ch, i, j] += x[ch, y, xx] * g


@inline
def below_at(dz, K, ch, y, x, stride, pad):
    """δ reaching input cell (ch, y, x): the full convolution with the flipped kernel, i.e.
    Σ over kernels f, kernel rows i, columns j (in that order) of δ[f, r, c]·K[f, ch, i, j] for every
    position (r, c) whose window put K[f, ch, i, j] on this cell."""
    k = K.shape[2]
    p = padding(k, pad)
    acc = 0.0
    for f in range(K.shape[0]):
        for i in range(k):
            ry = y + p - i
            if ry >= 0 and ry % stride == 0 and ry // stride < dz.shape[1]:
                for j in range(k):
                    cx = x + p - j
                    if cx >= 0 and cx % stride == 0 and cx // stride < dz.shape[2]:
                        acc += dz[f, ry // stride, cx // stride] * K[f, ch, i, j]
    return acc


# ---------------------------------------------------------------- one layer of one sample
# The layer kernels add the one-position helpers' very terms in their very order, cell by cell, but with
# the loops turned so that the innermost one runs over cells that do not depend on each other (the
# columns of a row, a map's positions, the kernels): LLVM vectorises that loop, and no sum is split.

@inline
def span(o, p, stride, n, n_out):
    """The outputs t in [0, n_out) whose input t·stride + o − p lies inside [0, n): [lo, hi)."""
    d = o - p
    lo = min(n_out, 0 if d >= 0 else (stride - 1 - d) // stride)
    hi = min(n_out, (n - 1 - d) // stride + 1) if n - 1 - d >= 0 else 0
    return lo, max(lo, hi)


@kernel
def conv_layer(x, K, b, stride, pad, act, z, a):
    """z (F, Ho, Wo) = conv_at of every cell, and a = act(z). Each cell's sum starts at 0 and takes the
    kernel's terms in conv_sum_at's order (channels, rows, columns, padding cells skipped), then + b;
    the loops run term by term over whole rows (or, at stride 1 without padding, over the whole map at
    once), so that many cells take their next term side by side."""
    if stride == 1 and pad == VALID and x.flags.c_contiguous:
        _conv_valid(x, K, z)
    else:
        _conv_rows(x, K, stride, pad, z)
    for f in range(z.shape[0]):
        for r in range(z.shape[1]):
            for c in range(z.shape[2]):
                z[f, r, c] = z[f, r, c] + b[f]
            if act == TANH:   # tanh_into: the very code of activate's tanh, one call a row, not a cell
                tanh_into(z[f, r], a[f, r])
            elif act == RELU:   # activate's ReLU, in a loop of its own (which LLVM vectorises)
                for c in range(z.shape[2]):
                    v = z[f, r, c]
                    a[f, r, c] = v if v > 0.0 else 0.0
            else:
                for c in range(z.shape[2]):
                    a[f, r, c] = activate(z[f, r, c], act)


@inline
def _conv_valid(x, K, z):
    """Stride 1, no padding: the sums of map f as one run over the image's rows laid end to end. Cell
    (r, c) sits at r·W + c of a row-major buffer as wide as the image, whose term (ch, i, j) is
    x[ch] at r·W + c + i·W + j: one offset for the whole map. The k − 1 columns past each row hold
    sums of no cell and are dropped."""
    k, h, w = K.shape[2], x.shape[1], x.shape[2]
    ho, wo = z.shape[1], z.shape[2]
    n = (ho - 1) * w + wo
    wide = np.empty(n)
    for f in range(z.shape[0]):
        wide[:] = 0.0
        for ch in range(x.shape[0]):
            flat = x[ch].reshape(h * w)
            for i in range(k):
                for j in range(k):
                    weight, src = K[f, ch, i, j], flat[i * w + j:i * w + j + n]
                    for q in range(n):   # (indices from a range: never negative, no test per cell)
                        wide[q] += src[q] * weight
        for r in range(ho):
            row, src = z[f, r], wide[r * w:r * w + wo]
            for c in range(wo):
                row[c] = src[c]


@inline
def _conv_rows(x, K, stride, pad, z):
    """Any stride and padding: term (ch, i, j) added across each row's cells whose window puts it
    inside the image (the others skip it, as conv_sum_at does)."""
    k = K.shape[2]
    p = padding(k, pad)
    z[:] = 0.0
    for f in range(z.shape[0]):
        for ch in range(x.shape[0]):
            for i in range(k):
                r0, r1 = span(i, p, stride, x.shape[1], z.shape[1])
                for j in range(k):
                    c0, c1 = span(j, p, stride, x.shape[2], z.shape[2])
                    weight = K[f, ch, i, j]
                    for r in range(r0, r1):
                        _add_scaled(z[f, r, c0:c1], x[ch, r * stride + i - p, c0 * stride + j - p::stride],
                                    weight, c1 - c0)


@kernel
def pool_layer(a, kind, p, win):
    for f in range(p.shape[0]):
        for r in range(p.shape[1]):
            for c in range(p.shape[2]):
                value, winner = pool_at(a, f, r, c, kind)
                p[f, r, c] = value
                win[f, r, c] = winner


@kernel
def pool_back_layer(dp, win, kind, da):
    da[:] = 0.0   # cells outside every window (an odd last row or column) get no δ
    for f in range(dp.shape[0]):
        for r in range(dp.shape[1]):
            for c in range(dp.shape[2]):
                pool_back_at(dp, win, f, r, c, kind, da)


@kernel
def mask_layer(da, z, a, act, dz):
    """δ = ∂L/∂a · f'(z): the ReLU mask (or tanh's 1 − a²)."""
    for f in range(dz.shape[0]):
        for r in range(dz.shape[1]):
            for c in range(dz.shape[2]):
                dz[f, r, c] = da[f, r, c] * derivative(z[f, r, c], a[f, r, c], act)


@kernel
def conv_grads(x, dz, stride, pad, dK, db):
    """Accumulate ∂K and ∂b: every cell of ∂K takes its terms position by position (rows, columns), as
    dK_at adds them, and ∂b[f] takes δ[f] in the same order. The sums run on from the samples before.

    No sum can be split, so what runs side by side is cells: four kernels × three columns of one
    window row (_dK_block), twelve sums kept in registers over every position, which the adds of one
    sum (each waiting on the one before) would otherwise leave the processor idle for."""
    k = dK.shape[2]
    for f0 in range(0, dK.shape[0], 4):
        for ch in range(dK.shape[1]):
            for i in range(k):
                for j0 in range(0, k, 3):
                    _dK_block(x, dz, dK, db, f0, ch, i, j0, stride, padding(k, pad), ch == 0 and i == 0 and j0 == 0)


@inline
def _dK_block(x, dz, dK, db, f0, ch, i, j0, stride, p, bias):
    """∂K[f0 … f0+3, ch, i, j0 … j0+2] (and ∂b[f0 … f0+3] when `bias`) over every position, in order,
    in sixteen scalars. Written out, the columns left and right of the inside ones in two copies of one
    loop: LLVM keeps the sums in registers then; a helper taking them as a tuple, an array, or one loop
    over the three column ranges measured 20–35 % slower. A kernel or column past the last is computed
    again (from the last one's) and dropped."""
    f_n, k = dK.shape[0], dK.shape[2]
    f1, f2, f3 = min(f0 + 1, f_n - 1), min(f0 + 2, f_n - 1), min(f0 + 3, f_n - 1)
    j1, j2 = min(j0 + 1, k - 1), min(j0 + 2, k - 1)
    a00, a01, a02, a03 = dK[f0, ch, i, j0], dK[f1, ch, i, j0], dK[f2, ch, i, j0], dK[f3, ch, i, j0]
    a10, a11, a12, a13 = dK[f0, ch, i, j1], dK[f1, ch, i, j1], dK[f2, ch, i, j1], dK[f3, ch, i, j1]
    a20, a21, a22, a23 = dK[f0, ch, i, j2], dK[f1, ch, i, j2], dK[f2, ch, i, j2], dK[f3, ch, i, j2]
    b0, b1, b2, b3 = db[f0], db[f1], db[f2], db[f3]
    w, wo = x.shape[2], dz.shape[2]
    r0, r1 = span(i, p, stride, x.shape[1], dz.shape[1])
    lo0, hi0 = span(j0, p, stride, w, wo)
    lo1, hi1 = span(j1, p, stride, w, wo)
    lo2, hi2 = span(j2, p, stride, w, wo)
    lo = max(lo0, lo1, lo2)   # the columns where all three are inside: [lo, hi)
    hi = max(lo, min(hi0, hi1, hi2))
    for r in range(dz.shape[1]):
        g0, g1, g2, g3 = dz[f0, r], dz[f1, r], dz[f2, r], dz[f3, r]
        if not r0 <= r < r1:   # no window puts this kernel row inside: only ∂b takes the row's δs
            if bias:
                for c in range(wo):
                    b0, b1, b2, b3 = b0 + g0[c], b1 + g1[c], b2 + g2[c], b3 + g3[c]
            continue
        line = x[ch, r * stride + i - p]
        for c in range(lo):   # left of the inside columns: each column's term only where its window cell is inside
            in0, in1, in2 = lo0 <= c < hi0, lo1 <= c < hi1, lo2 <= c < hi2
            v0 = line[c * stride + j0 - p] if in0 else 0.0
            v1 = line[c * stride + j1 - p] if in1 else 0.0
            v2 = line[c * stride + j2 - p] if in2 else 0.0
            e0, e1, e2, e3 = g0[c], g1[c], g2[c], g3[c]
            if in0:
                a00, a01, a02, a03 = a00 + v0 * e0, a01 + v0 * e1, a02 + v0 * e2, a03 + v0 * e3
            if in1:
                a10, a11, a12, a13 = a10 + v1 * e0, a11 + v1 * e1, a12 + v1 * e2, a13 + v1 * e3
            if in2:
                a20, a21, a22, a23 = a20 + v2 * e0, a21 + v2 * e1, a22 + v2 * e2, a23 + v2 * e3
            if bias:
                b0, b1, b2, b3 = b0 + e0, b1 + e1, b2 + e2, b3 + e3
        if stride == 1:   # the inside columns, the hot loop: slices, so that no index can be negative
            src = line[lo + j0 - p:hi + j0 - p + 2]
            h0, h1, h2, h3 = g0[lo:hi], g1[lo:hi], g2[lo:hi], g3[lo:hi]
            d1, d2 = j1 - j0, j2 - j0
            for t in range(hi - lo):
                v0, v1, v2 = src[t], src[t + d1], src[t + d2]
                e0, e1, e2, e3 = h0[t], h1[t], h2[t], h3[t]
                a00, a01, a02, a03 = a00 + v0 * e0, a01 + v0 * e1, a02 + v0 * e2, a03 + v0 * e3
                a10, a11, a12, a13 = a10 + v1 * e0, a11 + v1 * e1, a12 + v1 * e2, a13 + v1 * e3
                a20, a21, a22, a23 = a20 + v2 * e0, a21 + v2 * e1, a22 + v2 * e2, a23 + v2 * e3
                if bias:
                    b0, b1, b2, b3 = b0 + e0, b1 + e1, b2 + e2, b3 + e3
        else:
            for c in range(lo, hi):
                v0, v1, v2 = line[c * stride + j0 - p], line[c * stride + j1 - p], line[c * stride + j2 - p]
                e0, e1, e2, e3 = g0[c], g1[c], g2[c], g3[c]
                a00, a01, a02, a03 = a00 + v0 * e0, a01 + v0 * e1, a02 + v0 * e2, a03 + v0 * e3
                a10, a11, a12, a13 = a10 + v1 * e0, a11 + v1 * e1, a12 + v1 * e2, a13 + v1 * e3
                a20, a21, a22, a23 = a20 + v2 * e0, a21 + v2 * e1, a22 + v2 * e2, a23 + v2 * e3
                if bias:
                    b0, b1, b2, b3 = b0 + e0, b1 + e1, b2 + e2, b3 + e3
        for c in range(hi, wo):   # right of them: each column's term only where its window cell is inside
            in0, in1, in2 = lo0 <= c < hi0, lo1 <= c < hi1, lo2 <= c < hi2
            v0 = line[c * stride + j0 - p] if in0 else 0.0
            v1 = line[c * stride + j1 - p] if in1 else 0.0
            v2 = line[c * stride + j2 - p] if in2 else 0.0
            e0, e1, e2, e3 = g0[c], g1[c], g2[c], g3[c]
            if in0:
                a00, a01, a02, a03 = a00 + v0 * e0, a01 + v0 * e1, a02 + v0 * e2, a03 + v0 * e3
            if in1:
                a10, a11, a12, a13 = a10 + v1 * e0, a11 + v1 * e1, a12 + v1 * e2, a13 + v1 * e3
            if in2:
                a20, a21, a22, a23 = a20 + v2 * e0, a21 + v2 * e1, a22 + v2 * e2, a23 + v2 * e3
            if bias:
                b0, b1, b2, b3 = b0 + e0, b1 + e1, b2 + e2, b3 + e3
    _put(dK, db, f0, 0, ch, i, j0, a00, a10, a20, b0, bias)
    _put(dK, db, f0, 1, ch, i, j0, a01, a11, a21, b1, bias)
    _put(dK, db, f0, 2, ch, i, j0, a02, a12, a22, b2, bias)
    _put(dK, db, f0, 3, ch, i, j0, a03, a13, a23, b3, bias)


@inline
def _put(dK, db, f0, u, ch, i, j0, v0, v1, v2, bf, bias):
    """Store lane u of a _dK_block, unless it is a kernel or column past the last."""
    f = f0 + u
    if f >= dK.shape[0]:
        return
    dK[f, ch, i, j0] = v0
    if j0 + 1 < dK.shape[2]:
        dK[f, ch, i, j0 + 1] = v1
    if j0 + 2 < dK.shape[2]:
        dK[f, ch, i, j0 + 2] = v2
    if bias:
        db[f] = bf


@kernel
def conv_below(dz, K, stride, pad, dx):
    """dx = below_at of every input cell: each sum starts at 0 and takes its terms in below_at's
    order (kernels, kernel rows, columns; those no window put there skipped), term by term over whole
    rows of dx."""
    k = K.shape[2]
    p = padding(k, pad)
    dx[:] = 0.0
    for ch in range(dx.shape[0]):
        for f in range(K.shape[0]):
            for i in range(k):
                for j in range(k):
                    weight = K[f, ch, i, j]
                    # input cell (y, x) takes δ[f, r, c] where y = r·stride + i − p, x = c·stride + j − p
                    r0, r1 = span(i, p, stride, dx.shape[1], dz.shape[1])
                    c0, c1 = span(j, p, stride, dx.shape[2], dz.shape[2])
                    for r in range(r0, r1):
                        _add_scaled(dx[ch, r * stride + i - p, c0 * stride + j - p::stride], dz[f, r, c0:c1],
                                    weight, c1 - c0)


@inline
def _add_scaled(out, src, weight, n):
    """out[:n] += src[:n]·weight: one term into n sums side by side (a vectorised loop)."""
    for c in range(n):
        out[c] += src[c] * weight


# ---------------------------------------------------------------- batches of one layer (for tests and views)
@kernel
def conv_forward(X, K, b, stride, pad, act, Z, A):
    """Z, A (B, F, Ho, Wo) from X (B, C, H, W)."""
    for s in range(X.shape[0]):
        conv_layer(X[s], K, b, stride, pad, act, Z[s], A[s])


@kernel
def pool_forward(A, kind, P, WIN):
    for s in range(A.shape[0]):
        pool_layer(A[s], kind, P[s], WIN[s])


@kernel
def pool_backward(dP, WIN, kind, dA):
    for s in range(dP.shape[0]):
        pool_back_layer(dP[s], WIN[s], kind, dA[s])


@kernel
def conv_backward(X, dZ, K, stride, pad, dK, db, dX):
    """Accumulate ∂K, ∂b sample by sample; dX = the δ reaching the inputs."""
    for s in range(X.shape[0]):
        conv_grads(X[s], dZ[s], stride, pad, dK, db)
        conv_below(dZ[s], K, stride, pad, dX[s])
