"""Dense (fully connected) layer: forward z = a·W + b and backward δ → ∂W, ∂b, ∂a.

W is (I, O): column j holds the weights into neuron j. The scalar kernels (`neuron_z`,
`backprop_sum`) serve the stepwise path, one neuron at a time. The batch kernels do the same sums in
the same order — each result is its first term plus the others added one by one — only for many
numbers at once, feature-major ((units, B) blocks), with the work in `add_products`, whose inner
loop runs along contiguous memory over independent outputs and vectorises, never across one sum. So
a neuron computed alone equals the same neuron computed in a batch, bit for bit.
"""
import numpy as np

from dlsim.kernels.jit import inline, kernel


@kernel
def neuron_z(a, W, b, j):
    """z_j = b_j + Σ_i a_i·W_ij, summed in order of i."""
    acc = b[j]
    for i in range(a.shape[0]):
        acc += a[i] * W[i, j]
    return acc


@kernel
def backprop_sum(W, delta, i):
    """Σ_j W_ij·δ_j: how much of the next layer's error flows back into input i."""
    acc = 0.0
    for j in range(delta.shape[0]):
        acc += W[i, j] * delta[j]
    return acc


SPAN = 64    # outputs of a row per tile: four rows' spans take 2 KiB of L1
DEPTH = 32   # terms per tile: their rows' spans take 16 KiB of L1, read again by every four rows

FEW = 8      # a batch of fewer samples runs the forward pass sample-major (dense_forward_t)
NARROW = 4   # a layer with fewer outputs sums ∂W along its inputs (add_narrow_outer)


@inline
def add_four_terms(o0, o1, o2, o3, x0, x1, x2, x3, c, r, k):
    """For every s: o_j[s] = (((o_j[s] + c[r+j, k]·x0[s]) + c[r+j, k+1]·x1[s]) + c[r+j, k+2]·x2[s])
    + c[r+j, k+3]·x3[s] for the four rows j = 0 … 3: four terms of four sums each, added left to right.

    Each running sum is loaded and stored once per four terms, each x once per four rows, and the
    four rows are independent chains, so the loop over s (vectorised) is bound by the arithmetic,
    not by one sum's add → store → load latency."""
    a0, a1, a2, a3 = c[r, k], c[r, k + 1], c[r, k + 2], c[r, k + 3]
    b0, b1, b2, b3 = c[r + 1, k], c[r + 1, k + 1], c[r + 1, k + 2], c[r + 1, k + 3]
    e0, e1, e2, e3 = c[r + 2, k], c[r + 2, k + 1], c[r + 2, k + 2], c[r + 2, k + 3]
    f0, f1, f2, f3 = c[r + 3, k], c[r + 3, k + 1], c[r + 3, k + 2], c[r + 3, k + 3]
    for s in range(o0.shape[0]):
        v0, v1, v2, v3 = x0[s], x1[s], x2[s], x3[s]
        o0[s] = (((o0[s] + a0 * v0) + a1 * v1) + a2 * v2) + a3 * v3
        o1[s] = (((o1[s] + b0 * v0) + b1 * v1) + b2 * v2) + b3 * v3
        o2[s] = (((o2[s] + e0 * v0) + e1 * v1) + e2 * v2) + e3 * v3
        o3[s] = (((o3[s] + f0 * v0) + f1 * v1) + f2 * v2) + f3 * v3


@inline
def add_products(out, coeffs, rows):
    """out[r, s] += Σ_k coeffs[r, k]·rows[k, s] for every r and s (add_products_any).

    coeffs is passed on as an array of any layout (the slice's type), so that a C-ordered one and a
    transposed one (Wᵀ in dense_forward_t) share one compiled copy: coeffs is read one number at a
    time, never along a vectorised loop, and each copy is seconds of compiling."""
    add_products_any(out, coeffs[:, :coeffs.shape[1]], rows)


@kernel
def add_products_any(out, coeffs, rows):
    """out[r, s] += Σ_k coeffs[r, k]·rows[k, s] for every r and s, each sum's terms added one at a
    time in order of k: the sums neuron_z and backprop_sum add, for many outputs at once.

    Tiled for the cache: a span of SPAN columns and DEPTH terms at a time (in order of k, so every
    sum still gets its terms in order), four rows and four terms per pass (add_four_terms). The
    tile of rows stays in L1 while every four output rows take it in. Rows longer than a span are
    worked on in contiguous copies, the outputs' span and the rows' tile: rows a power of two apart
    (4,096 samples) fall into the same few sets of the L1 cache and evict each other."""
    width, n_terms, n_rows = out.shape[1], rows.shape[0], out.shape[0]
    # Two calls of _add_span, not one per way: it is inlined, so each call is a copy of its
    # machine code, and the copies (and the modules they are linked into) are most of the compiling.
    tiled = n_rows >= 8 and n_terms > DEPTH   # else no tile would be read twice
    if not tiled or width <= SPAN:            # one span: no copies
        depth = DEPTH if tiled else max(n_terms, 1)
        for k0 in range(0, n_terms, depth):
            _add_span(out, coeffs, rows, 0, width, k0, min(k0 + depth, n_terms), 0, 0)
        return
    tile, span = np.empty((DEPTH, SPAN)), np.empty((n_rows, SPAN))
    for s0 in range(0, width, SPAN):
        s1 = min(s0 + SPAN, width)
        for r in range(n_rows):
            _copy(out[r, s0:s1], span[r])
        for k0 in range(0, n_terms, DEPTH):
            k1 = min(k0 + DEPTH, n_terms)
            for k in range(k0, k1):
                _copy(rows[k, s0:s1], tile[k - k0])
            _add_span(span, coeffs, tile, 0, s1 - s0, k0, k1, k0, 0)
        for r in range(n_rows):
            _copy(span[r, :s1 - s0], out[r, s0:s1])


@inline
def _copy(src, dst):
    """dst[:len(src)] = src, as a plain loop (Numba's slice assignment is a general strided copy)."""
    for s in range(src.shape[0]):
        dst[s] = src[s]


@inline
def _add_span(out, coeffs, rows, s0, s1, k0, k1, shift, u0):
    """out[:, s0:s1] += coeffs[:, k0:k1]·rows[k0 − shift:k1 − shift, u0:u0 + s1 − s0], as add_products.
    (Offsets, not 2-D slices: a 2-D slice has a run-time stride, and LLVM then vectorises nothing.)"""
    n_rows, u1 = out.shape[0], u0 + s1 - s0
    r4, k4 = n_rows - n_rows % 4, k1 - (k1 - k0) % 4
    for r in range(0, r4, 4):
        o0, o1, o2, o3 = out[r, s0:s1], out[r + 1, s0:s1], out[r + 2, s0:s1], out[r + 3, s0:s1]
        for k in range(k0, k4, 4):
            j = k - shift
            add_four_terms(o0, o1, o2, o3, rows[j, u0:u1], rows[j + 1, u0:u1], rows[j + 2, u0:u1],
                           rows[j + 3, u0:u1], coeffs, r, k)
        for k in range(k4, k1):   # the last few terms, one per pass
            x = rows[k - shift, u0:u1]
            a0, a1, a2, a3 = coeffs[r, k], coeffs[r + 1, k], coeffs[r + 2, k], coeffs[r + 3, k]
            for s in range(x.shape[0]):
                v = x[s]
                o0[s] = o0[s] + a0 * v
                o1[s] = o1[s] + a1 * v
                o2[s] = o2[s] + a2 * v
                o3[s] = o3[s] + a3 * v
    for r in range(r4, n_rows):   # the last few rows, one per pass
        o = out[r, s0:s1]
        for k in range(k0, k4, 4):
            j = k - shift
            x0, x1, x2, x3 = rows[j, u0:u1], rows[j + 1, u0:u1], rows[j + 2, u0:u1], rows[j + 3, u0:u1]
            a0, a1, a2, a3 = coeffs[r, k], coeffs[r, k + 1], coeffs[r, k + 2], coeffs[r, k + 3]
            for s in range(o.shape[0]):
                o[s] = (((o[s] + a0 * x0[s]) + a1 * x1[s]) + a2 * x2[s]) + a3 * x3[s]
        for k in range(k4, k1):
            x, a0 = rows[k - shift, u0:u1], coeffs[r, k]
            for s in range(o.shape[0]):
                o[s] = o[s] + a0 * x[s]


@kernel
def add_rows(total, rows):
    """total[s] += Σ_k rows[k, s], the terms one at a time in order of k (∂b: the ∂W of an input
    that is always 1.0, as 1.0·x is x to the bit)."""
    for k in range(rows.shape[0]):
        x = rows[k]
        for s in range(total.shape[0]):
            total[s] = total[s] + x[s]


@kernel
def accumulate(out, coeffs, rows, total=None):
    """out[r] += Σ_k coeffs[r, k]·rows[k] for every row r (add_products); and, if given,
    total += Σ_k rows[k] the same way (add_rows)."""
    add_products(out, coeffs, rows)
    if total is not None:
        add_rows(total, rows)


@kernel
def transpose_into(src, dst):
    """dst (n, m) = srcᵀ, contiguous stores (Numba's dst[:, :] = src.T is a general strided copy).
    From many source rows, eight destination rows at a time: each source line is then read once,
    where a row at a time read a line per number, rows a power of two apart evicting each other."""
    n, m = dst.shape
    if m < 64:
        for s in range(n):
            for j in range(m):
                dst[s, j] = src[j, s]
        return
    for s0 in range(0, n, 8):
        s1 = min(s0 + 8, n)
        for j in range(m):
            for s in range(s0, s1):
                dst[s, j] = src[j, s]


@kernel
def dense_forward_t(aT, W, b, zT):
    """zT (O, B) = (A·W + b)ᵀ from aT (I, B), feature-major.

    A batch of a few samples (a DQN acting on one observation) is worked sample-major (Z = b + A·W,
    W's rows the rows added), so that the vectorised loop runs along the outputs, not along a
    batch too short to pay for it. The same terms in the same order either way."""
    n_out, batch = W.shape[1], aT.shape[1]
    if batch < FEW and n_out > batch:
        a_by_sample, z_by_sample = np.empty((batch, aT.shape[0])), np.empty((batch, n_out))
        transpose_into(aT, a_by_sample)
        for s in range(batch):
            _copy(b, z_by_sample[s])
        add_products(z_by_sample, a_by_sample, W)
        transpose_into(z_by_sample, zT)
        return
    for j in range(n_out):
        zT[j, :] = b[j]
    add_products(zT, W.T, aT)


@kernel
def add_narrow_outer(dW, db, aT, dT):
    """dW[i, o] += Σ_s aT[i, s]·dT[o, s] and db[o] += Σ_s dT[o, s], sample by sample in order, for
    a layer of fewer outputs than a vector holds (an output layer of one or two): the sums cannot be
    vectorised over the outputs, so four inputs' sums run side by side as independent chains, each
    along its contiguous row of aT."""
    n_in, batch = aT.shape
    i4 = n_in - n_in % 4
    for o in range(dT.shape[0]):
        d = dT[o]
        for i in range(0, i4, 4):
            x0, x1, x2, x3 = aT[i], aT[i + 1], aT[i + 2], aT[i + 3]
            g0, g1, g2, g3 = dW[i, o], dW[i + 1, o], dW[i + 2, o], dW[i + 3, o]
            for s in range(batch):
                v = d[s]
                g0 = g0 + x0[s] * v
                g1 = g1 + x1[s] * v
                g2 = g2 + x2[s] * v
                g3 = g3 + x3[s] * v
            dW[i, o], dW[i + 1, o], dW[i + 2, o], dW[i + 3, o] = g0, g1, g2, g3
        for i in range(i4, n_in):
            x, g = aT[i], dW[i, o]
            for s in range(batch):
                g = g + x[s] * d[s]
            dW[i, o] = g
        g = db[o]
        for s in range(batch):
            g = g + d[s]
        db[o] = g


@kernel
def dense_backward_into(aT, W, dT, dW, db, belowT, scratch):
    """Accumulate ∂W += A·δᵀ and ∂b += Σ δ over the batch (sample by sample, in order), and set
    belowT (I, B) = W·δ, the error flowing back to the inputs (skipped when belowT has no rows).

    ∂W's sums run over the samples, so they are vectorised over the outputs: with δ sample-major,
    copied into scratch (≥ B·O), each row of ∂W (one input) takes a sample's δ row. A layer of
    fewer outputs than that needs has its own loop (add_narrow_outer).
    """
    n_in, n_out = W.shape
    if n_out >= NARROW:
        d_by_sample = scratch[:dT.shape[1] * n_out].reshape((dT.shape[1], n_out))
        transpose_into(dT, d_by_sample)
        add_products(dW, aT, d_by_sample)
        add_rows(db, d_by_sample)
    else:
        add_narrow_outer(dW, db, aT, dT)
    belowT[:, :] = 0.0
    add_products(belowT, W, dT)


@kernel
def dense_backward_t(aT, W, dT, dW, db, belowT):
    """dense_backward_into with its scratch allocated here."""
    dense_backward_into(aT, W, dT, dW, db, belowT, np.empty(dT.shape[1] * W.shape[1]))


@kernel
def dense_forward(A, W, b, Z):
    """Z (B, O) = A (B, I) · W (I, O) + b (O,)."""
    zT = np.empty((W.shape[1], A.shape[0]))
    dense_forward_t(np.ascontiguousarray(A.T), W, b, zT)
    Z[:, :] = zT.T


@kernel
def dense_backward(A, W, dZ, dW, db, dA):
    """Accumulate ∂W += Aᵀ·dZ and ∂b += Σ dZ (sample by sample), and set dA = dZ·Wᵀ.

    dW and db are accumulated into, not overwritten, so a batch can be fed in pieces.
    """
    belowT = np.empty((W.shape[0], A.shape[0]))
    dense_backward_t(np.ascontiguousarray(A.T), W, np.ascontiguousarray(dZ.T), dW, db, belowT)
    dA[:, :] = belowT.T
