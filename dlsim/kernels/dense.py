"""Dense (fully connected) layer: forward z = a·W + b and backward δ → ∂W, ∂b, ∂a.

W is (I, O): column j holds the weights into neuron j. The scalar kernels (`neuron_z`,
`backprop_sum`) serve the stepwise path, one neuron at a time. The batch kernels do the same sums in
the same order — each result is its first term plus the others added one by one — only for many
numbers at once, feature-major ((units, B) blocks), with the work in `accumulate`, whose inner loop
runs along contiguous memory and vectorises. So a neuron computed alone equals the same neuron
computed in a batch, bit for bit.
"""
import numpy as np

from dlsim.kernels.jit import kernel


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


@kernel
def accumulate(out, coeffs, rows, total=None):
    """out[r] += Σ_k coeffs[r, k]·rows[k] for every row r, adding the terms one at a time in order of k;
    and, if given, total += Σ_k rows[k] the same way (∂b: the ∂W of an input that is always 1.0, as
    1.0·x is x to the bit).

    Four terms per pass over a row (written left to right, so still added in order): a quarter of the
    loads and stores of one term per pass. The terms are the outer loop, so the four rows[k] of a
    pass stay in L1 while every output row takes them in — which also measured fastest when the rows
    are short (∂W, one row per input, one element per output).
    """
    k, n_terms = 0, rows.shape[0]
    while k + 4 <= n_terms:
        x0, x1, x2, x3 = rows[k], rows[k + 1], rows[k + 2], rows[k + 3]
        for r in range(out.shape[0]):
            row, c = out[r], coeffs[r]
            c0, c1, c2, c3 = c[k], c[k + 1], c[k + 2], c[k + 3]
            for s in range(row.shape[0]):
                row[s] = row[s] + c0 * x0[s] + c1 * x1[s] + c2 * x2[s] + c3 * x3[s]
        if total is not None:
            for s in range(total.shape[0]):
                total[s] = total[s] + x0[s] + x1[s] + x2[s] + x3[s]
        k += 4
    for k in range(k, n_terms):   # the last few terms, one per pass
        x = rows[k]
        for r in range(out.shape[0]):
            row, c = out[r], coeffs[r, k]
            for s in range(row.shape[0]):
                row[s] = row[s] + c * x[s]
        if total is not None:
            for s in range(total.shape[0]):
                total[s] = total[s] + x[s]


@kernel
def transpose_into(src, dst):
    """dst (n, m) = srcᵀ, one destination row at a time: contiguous stores, and faster than
    dst[:, :] = src.T, Numba's general strided copy."""
    for s in range(dst.shape[0]):
        for j in range(dst.shape[1]):
            dst[s, j] = src[j, s]


@kernel
def dense_forward_t(aT, W, b, zT):
    """zT (O, B) = (A·W + b)ᵀ from aT (I, B), feature-major."""
    for j in range(W.shape[1]):
        zT[j, :] = b[j]
    accumulate(zT, W.T, aT)


@kernel
def dense_backward_into(aT, W, dT, dW, db, belowT, scratch):
    """Accumulate ∂W += A·δᵀ and ∂b += Σ δ over the batch (sample by sample, in order), and set
    belowT (I, B) = W·δ, the error flowing back to the inputs (skipped when belowT has no rows).

    ∂W is summed along its longer side, so the vectorised loop stays long even for one output. Along
    the outputs that needs δ sample-major, copied into scratch (≥ B·O); along the inputs, A's columns
    are read where they are (copying A measured slower).
    """
    n_in, n_out = W.shape
    if n_out >= n_in:
        d_by_sample = scratch[:dT.shape[1] * n_out].reshape((dT.shape[1], n_out))
        transpose_into(dT, d_by_sample)
        accumulate(dW, aT, d_by_sample, db)
    else:
        accumulate(dW.T, dT, aT.T)
        accumulate(dW[:0], aT[:0], dT.T, db)   # no rows: just ∂b
    belowT[:, :] = 0.0
    accumulate(belowT, W, dT)


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
