"""The transformer's projections over a whole sequence at once: the CPU batch path's backward.

The row kernels (dlsim.kernels.transformer) take one position at a time, as the stepped path shows
them; a projection's backward there sums Σ_j W_ij·δ_j one input at a time, each sum waiting on its
own previous addition. Over a whole sequence the same sums run side by side: every input of every
position is its own sum, so four positions and four terms at a time (recurrent.add_products),
vectorised over the inputs, with W transposed once a batch; and each weight's gradient is its own
sum over the positions, in order, the weights side by side. Every sum keeps its terms in the row
kernels' order, starting from the same value: the same bits.
"""
from dlsim.kernels.jit import kernel
from dlsim.kernels.recurrent import add_products


@kernel
def transpose_into(W, WT):
    """WT (J, I) = W (I, J)ᵀ."""
    for i in range(W.shape[0]):
        for j in range(W.shape[1]):
            WT[j, i] = W[i, j]


@kernel
def backprop_rows(dy, WT, dx):
    """dx_t = W·δ_t for every position t: dx[t, i] = Σ_j W_ij·δ_tj from 0.0, in order of j (as
    dense.backprop_sum adds them). dy (T, J), WT (J, I), dx (T, I)."""
    dx[:, :] = 0.0
    add_products(dy, WT, dx)


@kernel
def weight_grads_rows(x, dy, xT, dW, db):
    """Every position's share of y = x·W + b's parameter gradients, positions in order (as
    transformer.weight_grads_row adds them row after row): ∂W_ij += Σ_t x_ti·δ_tj, ∂b_j += Σ_t δ_tj.
    xT (I, ≥ T) is scratch for x transposed."""
    T = x.shape[0]
    for t in range(T):
        for i in range(x.shape[1]):
            xT[i, t] = x[t, i]
    add_products(xT[:, :T], dy, dW)
    for t in range(T):
        for j in range(dy.shape[1]):
            db[j] += dy[t, j]


@kernel
def linear_back_rows(x, WT, dy, dW, db, dx, xT):
    """transformer.linear_back_row for every position of the sequence (the same sums to the bit)."""
    weight_grads_rows(x, dy, xT, dW, db)
    backprop_rows(dy, WT, dx)


@kernel
def qkv_back_rows(WqT, WkT, WvT, dQ, dK, dV, dx, tq, tk, tv):
    """transformer.qkv_back_row for every position: dx = (W_q·∂q + W_k·∂k) + W_v·∂v, each of the three
    sums in its own scratch (tq, tk, tv (T, D)) first."""
    backprop_rows(dQ, WqT, tq)
    backprop_rows(dK, WkT, tk)
    backprop_rows(dV, WvT, tv)
    for t in range(dx.shape[0]):
        for i in range(dx.shape[1]):
            dx[t, i] = tq[t, i] + tk[t, i] + tv[t, i]


@kernel
def linear_rows(x, W, b, y):
    """transformer.linear_row for every position: y_t = x_t·W + b, each output's sum from b_j and
    in order of i, four positions and four terms at a time, vectorised over the outputs."""
    for t in range(y.shape[0]):
        for j in range(y.shape[1]):
            y[t, j] = b[j]
    add_products(x, W, y)
