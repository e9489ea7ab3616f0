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
def accumulate(row, coeffs, rows):
    """row += Σ_k coeffs[k]·rows[k], adding the terms one at a time in order of k.

    Four terms per pass over `row` (written left to right, so still added in order): a quarter of
    the loads and stores of one term per pass.
    """
    k, n = 0, row.shape[0]
    while k + 4 <= coeffs.shape[0]:
        c0, c1, c2, c3 = coeffs[k], coeffs[k + 1], coeffs[k + 2], coeffs[k + 3]
        r0, r1, r2, r3 = rows[k], rows[k + 1], rows[k + 2], rows[k + 3]
        for s in range(n):
            row[s] = row[s] + c0 * r0[s] + c1 * r1[s] + c2 * r2[s] + c3 * r3[s]
        k += 4
    while k < coeffs.shape[0]:
        c, r = coeffs[k], rows[k]
        for s in range(n):
            row[s] = row[s] + c * r[s]
        k += 1


@kernel
def dense_forward_t(aT, W, b, zT):
    """zT (O, B) = (A·W + b)ᵀ from aT (I, B), feature-major."""
    WT = np.ascontiguousarray(W.T)  # (O, I)
    for j in range(W.shape[1]):
        zT[j, :] = b[j]
        accumulate(zT[j], WT[j], aT)


@kernel
def dense_backward_t(aT, W, dT, dW, db, belowT):
    """Accumulate ∂W += A·δᵀ and ∂b += Σ δ over the batch (sample by sample, in order), and set
    belowT (I, B) = W·δ, the error flowing back to the inputs (skipped when belowT has no rows).

    ∂W is summed along its longer side, so the vectorised loop stays long even for one output.
    """
    d_by_sample = np.ascontiguousarray(dT.T)  # (B, O)
    n_in, n_out = W.shape
    if n_out >= n_in:
        for i in range(n_in):
            accumulate(dW[i], aT[i], d_by_sample)
    else:
        a_by_sample = np.ascontiguousarray(aT.T)  # (B, I)
        dWT = np.ascontiguousarray(dW.T)          # (O, I)
        for j in range(n_out):
            accumulate(dWT[j], dT[j], a_by_sample)
        dW[:, :] = dWT.T
    accumulate(db, np.ones(dT.shape[1]), d_by_sample)
    for i in range(belowT.shape[0]):
        belowT[i, :] = 0.0
        accumulate(belowT[i], W[i], dT)


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
