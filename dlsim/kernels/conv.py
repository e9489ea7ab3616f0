"""Convolution and pooling, one position at a time, and the layers built from those positions.

Each helper computes one thing the stepped path shows as one op: `conv_at` (the kernel at (r, c):
Σ window·K, then + b), `pool_at` (one 2×2 window: its max and which cell won, or its mean),
`pool_back_at` (one pooled δ routed into its window), `dK_at` (one position's window·δ added to ∂K),
`below_at` (the δ reaching one input cell: the full convolution with the flipped kernel). The layer
kernels loop over the same helpers, or add the very same terms in the very same order several cells
at a time, so a layer computed in one call equals the layer stepped position by position, bit for bit.

Layouts (C-order): an image or map (C, H, W); kernels K (F, C, k, k), biases (F,).
"""

from dlsim.kernels.activations import activate, derivative
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
@inline
def _four_inside(x, k, r, c, stride, pad):
    """Whether the windows of cells (r, c) … (r, c + 3) all lie wholly inside the image."""
    p = padding(k, pad)
    return _inside(x, k, r * stride - p, c * stride - p) and (c + 3) * stride - p + k <= x.shape[2]


@inline
def _conv_sum_4(x, K, f, r, c, stride, pad, row):
    """row[c:c+4] = conv_sum_at of four neighbouring cells whose windows are inside: each its own sum in
    conv_sum_at's order, but the four side by side, so their adds overlap instead of each waiting on
    its previous one (the chain of adds is what bounds a single cell)."""
    k = K.shape[2]
    top, left = r * stride - padding(k, pad), c * stride - padding(k, pad)
    a0, a1, a2, a3 = 0.0, 0.0, 0.0, 0.0
    for ch in range(x.shape[0]):
        for i in range(k):
            line = x[ch, top + i]
            for j in range(k):
                w, q = K[f, ch, i, j], left + j
                a0 += line[q] * w
                a1 += line[q + stride] * w
                a2 += line[q + 2 * stride] * w
                a3 += line[q + 3 * stride] * w
    row[c], row[c + 1], row[c + 2], row[c + 3] = a0, a1, a2, a3


@kernel
def conv_layer(x, K, b, stride, pad, act, z, a):
    """z (F, Ho, Wo) cell by cell (kernel, row, column) and a = act(z); each cell is conv_at's sum then
    + b, four neighbours at a time where their windows are inside (1.5× faster, the same bits)."""
    k = K.shape[2]
    for f in range(z.shape[0]):
        for r in range(z.shape[1]):
            row = z[f, r]
            c = 0
            while c < z.shape[2]:
                n = 1
                if c + 4 <= z.shape[2] and _four_inside(x, k, r, c, stride, pad):
                    _conv_sum_4(x, K, f, r, c, stride, pad, row)
                    n = 4
                    for q in range(c, c + 4):
                        row[q] = row[q] + b[f]
                else:
                    row[c] = conv_at(x, K, b, f, r, c, stride, pad)
                for q in range(c, c + n):
                    a[f, r, q] = activate(row[q], act)
                c += n


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


@inline
def _dK_4(x, dz, dK, f, r, c, stride, pad):
    """dK_at for positions (r, c) … (r, c + 3), windows inside: each cell of ∂K takes the four terms
    in position order, as four dK_at calls would add them, but is loaded and stored once."""
    k = dK.shape[2]
    top, left = r * stride - padding(k, pad), c * stride - padding(k, pad)
    g0, g1, g2, g3 = dz[f, r, c], dz[f, r, c + 1], dz[f, r, c + 2], dz[f, r, c + 3]
    for ch in range(x.shape[0]):
        for i in range(k):
            line = x[ch, top + i]
            for j in range(k):
                q = left + j
                dK[f, ch, i, j] = (((dK[f, ch, i, j] + line[q] * g0) + line[q + stride] * g1)
                                   + line[q + 2 * stride] * g2) + line[q + 3 * stride] * g3


@kernel
def conv_grads(x, dz, stride, pad, dK, db):
    """Accumulate ∂K (position by position: kernel, row, column; four positions at once where their
    windows are inside, the same bits) and ∂b (the same order)."""
    k = dK.shape[2]
    for f in range(dz.shape[0]):
        for r in range(dz.shape[1]):
            c = 0
            while c < dz.shape[2]:
                if c + 4 <= dz.shape[2] and _four_inside(x, k, r, c, stride, pad):
                    _dK_4(x, dz, dK, f, r, c, stride, pad)
                    c += 4
                else:
                    dK_at(x, dz, dK, f, r, c, stride, pad)
                    c += 1
        for r in range(dz.shape[1]):
            for c in range(dz.shape[2]):
                db[f] += dz[f, r, c]


@kernel
def conv_below(dz, K, stride, pad, dx):
    for ch in range(dx.shape[0]):
        for y in range(dx.shape[1]):
            for x in range(dx.shape[2]):
                dx[ch, y, x] = below_at(dz, K, ch, y, x, stride, pad)


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
