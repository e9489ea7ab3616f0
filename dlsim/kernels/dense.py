"""Dense (fully connected) layer: forward z = a·W + b and backward δ → ∂W, ∂b, ∂a.

W is (I, O): column j holds the weights into neuron j. Every element is produced by the scalar
helpers below, in a fixed order, so a neuron computed alone equals the same neuron computed in a batch.
"""
import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def neuron_z(a, W, b, j):
    """z_j = b_j + Σ_i a_i·W_ij, summed in order of i."""
    acc = b[j]
    for i in range(a.shape[0]):
        acc += a[i] * W[i, j]
    return acc


@njit(cache=True, nogil=True)
def backprop_sum(W, delta, i):
    """Σ_j W_ij·δ_j: how much of the next layer's error flows back into input i."""
    acc = 0.0
    for j in range(delta.shape[0]):
        acc += W[i, j] * delta[j]
    return acc


@njit(cache=True, nogil=True)
def dense_forward(A, W, b, Z):
    """Z (B, O) = A (B, I) · W (I, O) + b (O,).

    Each Z[s, j] is summed exactly as neuron_z does (b first, then i in order), but with j innermost:
    the O sums run side by side over contiguous rows of W, which the compiler can vectorise.
    """
    for s in range(A.shape[0]):
        for j in range(W.shape[1]):
            Z[s, j] = b[j]
        for i in range(W.shape[0]):
            a = A[s, i]
            for j in range(W.shape[1]):
                Z[s, j] += a * W[i, j]


@njit(cache=True, nogil=True)
def dense_backward(A, W, dZ, dW, db, dA):
    """Accumulate ∂W += Aᵀ·dZ and ∂b += Σ dZ (sample by sample), and set dA = dZ·Wᵀ.

    dW and db are accumulated into, not overwritten, so a batch can be fed in pieces. dA[s, i] is
    summed as backprop_sum does (j in order from 0.0), over a transposed copy of W so the inner loop
    runs along contiguous memory.
    """
    WT = np.ascontiguousarray(W.T)  # (O, I)
    for s in range(A.shape[0]):
        for i in range(W.shape[0]):
            a = A[s, i]
            for j in range(W.shape[1]):
                dW[i, j] += a * dZ[s, j]
        for j in range(W.shape[1]):
            db[j] += dZ[s, j]
        for i in range(W.shape[0]):
            dA[s, i] = 0.0
        for j in range(W.shape[1]):
            d = dZ[s, j]
            for i in range(W.shape[0]):
                dA[s, i] += WT[j, i] * d
