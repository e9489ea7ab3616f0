"""The RBF network: distances to centres, Gaussian units, a linear output; k-means, the least-squares
solve and the delta rule that place the centres and fit the output weights.

C is (K, D): one centre per unit. sigma (K,) each unit's width, w (K,) the output weights, b a
scalar bias; in the flat buffer theta they lie as [w (K), b, C (K·D), sigma (K)] (the output layer
first: a network whose centres are fixed updates only theta[:K+1]).

    d²_j = Σ_k (x_k − c_jk)²,   φ_j = exp(−d²_j / 2σ_j²),   ŷ = b + Σ_j w_j φ_j,   L = mean (ŷ − t)²

The scalar helpers are inlined into every loop here and are also what the model calls op by op, so
a stepped sample, a compiled batch and a compiled epoch write the same bits: every sum is taken in
index order, and each gradient is the same product in the same order on every path.
"""
import math

import numpy as np

from dlsim.kernels.activations import exp_neg
from dlsim.kernels.jit import inline, kernel
from dlsim.kernels.optimizers import update_element
from dlsim.kernels.recurrent import add_four_terms

KMEANS, SOLVE, DELTA = 0, 1, 2   # what an epoch does (the model's stage of that epoch)


@inline
def distance2(x, C, j):
    """‖x − c_j‖², summed over coordinates in order."""
    acc = 0.0
    for k in range(x.shape[0]):
        diff = x[k] - C[j, k]
        acc += diff * diff
    return acc


@inline
def gaussian(d2, sigma):
    """φ = exp(−d² / 2σ²)."""
    return exp_neg(-d2 / (2.0 * sigma * sigma))


@inline
def output_sum(phi, w, b):
    """ŷ = b + Σ_j w_j φ_j, in order of j."""
    acc = b
    for j in range(phi.shape[0]):
        acc += w[j] * phi[j]
    return acc


@inline
def loss_share(yhat, t, scale):
    """This sample's share of the batch's mean squared error: scale·(ŷ − t)²."""
    return scale * (yhat - t) ** 2


@inline
def output_delta(yhat, t, scale):
    """δ = ∂L/∂ŷ = scale·2(ŷ − t)."""
    return scale * 2.0 * (yhat - t)


@inline
def centre_grad(dphi, phi, x, C, sigma, j, k):
    """∂L/∂c_jk = ∂L/∂φ_j · φ_j · (x_k − c_jk) / σ_j²."""
    return dphi * phi * (x[k] - C[j, k]) / (sigma * sigma)


@inline
def sigma_grad(dphi, phi, d2, sigma):
    """∂L/∂σ_j = ∂L/∂φ_j · φ_j · d²_j / σ_j³."""
    return dphi * phi * d2 / (sigma * sigma * sigma)


@inline
def nearest(x, C):
    """(the nearest centre, its ‖x − c‖²); ties keep the lower index."""
    best, best_d2 = 0, math.inf
    for j in range(C.shape[0]):
        d2 = distance2(x, C, j)
        if d2 < best_d2 or j == 0:
            best, best_d2 = j, d2
    return best, best_d2


@inline
def move_centre(C, sums, counts, j):
    """c_j ← the mean of the samples assigned to it (a centre that won none stays)."""
    if counts[j] > 0.0:
        for k in range(C.shape[1]):
            C[j, k] = sums[j, k] / counts[j]


@inline
def accumulate_row(phi, t, A, r):
    """The normal equations take one sample: A += φ̃φ̃ᵀ, r += φ̃·t, with φ̃ = (φ, 1) (the bias's column)."""
    K = phi.shape[0]
    for i in range(K + 1):
        pi = phi[i] if i < K else 1.0
        for j in range(K + 1):
            pj = phi[j] if j < K else 1.0
            A[i, j] += pi * pj
        r[i] += pi * t


# --- one sample and one batch, as the stepped ops do them ------------------------------------------

@kernel
def units(x, C, sigma, d2, phi):
    """d² and φ (K,) of every unit for the sample x, in place: distance2's sums (each in order of the
    coordinates) side by side over the units, then gaussian's exponent, then its exp, each loop over
    independent units (each loop vectorises: exp_neg is arithmetic, not the library's call)."""
    K = C.shape[0]
    for j in range(K):
        d2[j] = 0.0
    for k in range(x.shape[0]):
        xk = x[k]
        for j in range(K):
            diff = xk - C[j, k]
            d2[j] += diff * diff
    for j in range(K):
        phi[j] = -d2[j] / (2.0 * sigma[j] * sigma[j])
    for j in range(K):
        phi[j] = exp_neg(phi[j])


@inline
def sample_backward(x, t, theta, grad, K, D, learned, scale, d2, phi):
    """Forward and backward of one sample into grad (the layout of theta); returns its loss share."""
    w, C, sigma = theta[:K], theta[K + 1:K + 1 + K * D].reshape((K, D)), theta[K + 1 + K * D:]
    units(x, C, sigma, d2, phi)
    yhat = output_sum(phi, w, theta[K])
    delta = output_delta(yhat, t, scale)
    for j in range(K):
        grad[j] += phi[j] * delta
    grad[K] += delta
    if learned:   # centre_grad's and sigma_grad's products, the units side by side
        gC, gs = grad[K + 1:K + 1 + K * D].reshape((K, D)), grad[K + 1 + K * D:]
        for k in range(D):
            for j in range(K):
                gC[j, k] += centre_grad(delta * w[j], phi[j], x, C, sigma[j], j, k)
        for j in range(K):
            gs[j] += sigma_grad(delta * w[j], phi[j], d2[j], sigma[j])
    return loss_share(yhat, t, scale)


@kernel
def delta_batch(theta, grad, m, v, t, K, D, learned, kind, lr, mu, beta1, beta2, eps, X, T):
    """One update of the delta rule on the batch (X (B, D), T (B,)): the gradient summed sample by
    sample, then the optimizer on the trainable parameters (all of them if learned, else w and b).
    t is the step number the update makes. Returns the batch's loss."""
    grad[:] = 0.0
    d2, phi = np.empty(K), np.empty(K)
    scale = 1.0 / X.shape[0]
    loss = 0.0
    for s in range(X.shape[0]):
        loss += sample_backward(X[s], T[s], theta, grad, K, D, learned, scale, d2, phi)
    trainable = theta.shape[0] if learned else K + 1
    for k in range(trainable):
        update_element(theta, grad, m, v, k, kind, lr, mu, beta1, beta2, eps, t)
    return loss


@kernel
def kmeans_batch(C, sums, counts, X):
    """One k-means pass: every sample assigned to its nearest centre, then every centre moved to its
    samples' mean. Returns the mean ‖x − c‖² before the move (the k-means objective)."""
    sums[:, :] = 0.0
    counts[:] = 0.0
    scale = 1.0 / X.shape[0]
    total = 0.0
    for s in range(X.shape[0]):
        total += assign(X[s], C, sums, counts) * scale
    for j in range(C.shape[0]):
        move_centre(C, sums, counts, j)
    return total


@inline
def assign(x, C, sums, counts):
    """x to its nearest centre's sums; returns its ‖x − c‖²."""
    best, best_d2 = nearest(x, C)
    counts[best] += 1.0
    for k in range(x.shape[0]):
        sums[best, k] += x[k]
    return best_d2


@kernel
def assign_sample(x, C, sums, counts):
    """assign, for one stepped sample: (its nearest centre, its ‖x − c‖²)."""
    best, best_d2 = nearest(x, C)
    assign(x, C, sums, counts)
    return best, best_d2


@kernel
def move(C, sums, counts, j):
    """move_centre, for one stepped centre."""
    move_centre(C, sums, counts, j)


@kernel
def accumulate(phi, t, A, r):
    """accumulate_row, for one stepped sample."""
    accumulate_row(phi, t, A, r)


@kernel
def solve(A, r, ridge, out):
    """out (K+1,) solving (A + ridge·I)·out = r by Gaussian elimination with partial pivoting (on
    copies: A and r stay as the learner saw them). A singular system leaves NaN in out."""
    M = A.copy()
    y = r.copy()
    for i in range(r.shape[0]):
        M[i, i] += ridge
    eliminate(M, y, out)


@inline
def eliminate(M, y, out):
    """out solving M·out = y by Gaussian elimination with partial pivoting, M and y overwritten (the
    GPU's solve runs this same function on its own workspaces: rbf_cuda)."""
    n = y.shape[0]
    for c in range(n):
        p = c
        for i in range(c + 1, n):
            if abs(M[i, c]) > abs(M[p, c]):
                p = i
        if p != c:
            for j in range(n):
                M[c, j], M[p, j] = M[p, j], M[c, j]
            y[c], y[p] = y[p], y[c]
        for i in range(c + 1, n):
            f = M[i, c] / M[c, c]
            for j in range(c, n):
                M[i, j] -= f * M[c, j]
            y[i] -= f * y[c]
    for i in range(n - 1, -1, -1):
        acc = y[i]
        for j in range(i + 1, n):
            acc -= M[i, j] * out[j]
        out[i] = acc / M[i, i]


@kernel
def mean_loss(theta, K, D, X, T):
    """The mean squared error of the network on (X, T), summed sample by sample."""
    w, C, sigma = theta[:K], theta[K + 1:K + 1 + K * D].reshape((K, D)), theta[K + 1 + K * D:]
    d2, phi = np.empty(K), np.empty(K)
    scale = 1.0 / max(X.shape[0], 1)
    loss = 0.0
    for s in range(X.shape[0]):
        units(X[s], C, sigma, d2, phi)
        loss += loss_share(output_sum(phi, w, theta[K]), T[s], scale)
    return loss


@inline
def add_gram_rows(A, PhiT, Phi, lo, hi):
    """A[i, j] += Σ_s φ̃_si·φ̃_sj over the chunk's samples s in order, for rows lo ≤ i < hi (a multiple
    of four apart) and columns j ≥ lo: accumulate_row's products, each entry's sum in sample order,
    four entries' rows and four samples' terms at a time (add_four_terms), vectorised over j. PhiT
    (K+1, S) and Phi (S, K+1) hold the same chunk, unit-major and sample-major."""
    S = Phi.shape[0]
    S4 = S - S % 4
    for i in range(lo, hi, 4):
        a0, a1, a2, a3 = A[i, lo:], A[i + 1, lo:], A[i + 2, lo:], A[i + 3, lo:]
        for s in range(0, S4, 4):
            add_four_terms(a0, a1, a2, a3, Phi[s, lo:], Phi[s + 1, lo:], Phi[s + 2, lo:], Phi[s + 3, lo:],
                           (PhiT[i, s], PhiT[i, s + 1], PhiT[i, s + 2], PhiT[i, s + 3]),
                           (PhiT[i + 1, s], PhiT[i + 1, s + 1], PhiT[i + 1, s + 2], PhiT[i + 1, s + 3]),
                           (PhiT[i + 2, s], PhiT[i + 2, s + 1], PhiT[i + 2, s + 2], PhiT[i + 2, s + 3]),
                           (PhiT[i + 3, s], PhiT[i + 3, s + 1], PhiT[i + 3, s + 2], PhiT[i + 3, s + 3]))
        for s in range(S4, S):
            row, p0, p1, p2, p3 = Phi[s, lo:], PhiT[i, s], PhiT[i + 1, s], PhiT[i + 2, s], PhiT[i + 3, s]
            for j in range(row.shape[0]):
                a0[j] += p0 * row[j]
                a1[j] += p1 * row[j]
                a2[j] += p2 * row[j]
                a3[j] += p3 * row[j]


@inline
def add_gram(A, r, PhiT, Phi, T):
    """accumulate_row for every sample of a chunk, in sample order, to the bit: A's upper triangle
    (four rows at a time, add_gram_rows; the last rows one by one), r += φ̃·t. A is symmetric term by
    term (φ_i·φ_j is φ_j·φ_i), so its lower triangle is mirrored once at the end (mirror_gram)."""
    n = A.shape[0]
    n4 = n - n % 4
    for lo in range(0, n4, 4):
        add_gram_rows(A, PhiT, Phi, lo, lo + 4)
    for i in range(n4, n):
        a = A[i, i:]
        for s in range(Phi.shape[0]):
            p, row = PhiT[i, s], Phi[s, i:]
            for j in range(row.shape[0]):
                a[j] += p * row[j]
    for s in range(Phi.shape[0]):
        for i in range(n):
            r[i] += PhiT[i, s] * T[s]


@inline
def mirror_gram(A):
    for i in range(A.shape[0]):
        for j in range(i):
            A[i, j] = A[j, i]


GRAM_CHUNK = 128   # samples per pass of the normal equations: a chunk's φ̃ (both ways) stays in L2


@kernel
def solve_batch(theta, A, r, ridge, K, D, X, T):
    """The least-squares fit of w and b on the batch: the normal equations sample by sample, then
    the solve into theta[:K+1]. Returns the batch's mean squared error after it (the solve moves
    neither centres nor widths: each sample's φ, kept from the normal equations, is the one
    mean_loss would compute again)."""
    C, sigma = theta[K + 1:K + 1 + K * D].reshape((K, D)), theta[K + 1 + K * D:]
    A[:, :] = 0.0
    r[:] = 0.0
    n = X.shape[0]
    Phi = np.empty((n, K + 1))
    PhiT = np.empty((K + 1, GRAM_CHUNK))
    d2 = np.empty(K)
    for start in range(0, n, GRAM_CHUNK):
        stop = min(start + GRAM_CHUNK, n)
        for s in range(start, stop):
            units(X[s], C, sigma, d2, Phi[s, :K])
            Phi[s, K] = 1.0
            for i in range(K + 1):
                PhiT[i, s - start] = Phi[s, i]
        add_gram(A, r, PhiT[:, :stop - start], Phi[start:stop], T[start:stop])
    mirror_gram(A)
    solve(A, r, ridge, theta[:K + 1])
    w = theta[:K]
    scale = 1.0 / max(n, 1)
    loss = 0.0
    for s in range(n):
        loss += loss_share(output_sum(Phi[s, :K], w, theta[K]), T[s], scale)
    return loss


# --- whole-batch maths: evaluation and the pictures ------------------------------------------------

@kernel
def forward(theta, K, D, X, Phi, out):
    """φ (N, K) and ŷ (N,) for the rows of X, as training computes them."""
    w, C, sigma = theta[:K], theta[K + 1:K + 1 + K * D].reshape((K, D)), theta[K + 1 + K * D:]
    d2 = np.empty(K)
    for s in range(X.shape[0]):
        units(X[s], C, sigma, d2, Phi[s])
        out[s] = output_sum(Phi[s], w, theta[K])


@kernel
def gradients(theta, grad, K, D, X, T):
    """The full-batch gradient of the mean squared error into grad (every parameter, the centres and
    widths included); returns the loss."""
    grad[:] = 0.0
    d2, phi = np.empty(K), np.empty(K)
    scale = 1.0 / X.shape[0]
    loss = 0.0
    for s in range(X.shape[0]):
        loss += sample_backward(X[s], T[s], theta, grad, K, D, True, scale, d2, phi)
    return loss


# --- the fused path ----------------------------------------------------------------------------------

@kernel
def train_epochs(theta, grad, m, v, steps, K, D, learned, stages, batch, kind, lr, mu, beta1, beta2, eps,
                 ridge, X, T, orders, sums, counts, A, r, losses):
    """len(orders) epochs in place, epoch e doing stages[e] (KMEANS, SOLVE or DELTA) over the rows in
    orders[e], as the model's batches do (k-means and the solve take the whole set as one batch; the
    delta rule `batch` rows per update). losses[e] gets the epoch's loss (Σ batch loss·rows / N).
    Returns (epochs run, the step count reached): it stops after an epoch whose loss is not finite."""
    n = X.shape[0]
    Xo, To = np.empty_like(X), np.empty_like(T)
    C = theta[K + 1:K + 1 + K * D].reshape((K, D))
    for e in range(orders.shape[0]):
        for i in range(n):
            Xo[i] = X[orders[e, i]]
            To[i] = T[orders[e, i]]
        total = 0.0
        if stages[e] == KMEANS:
            steps += 1
            total = kmeans_batch(C, sums, counts, Xo) * n
        elif stages[e] == SOLVE:
            steps += 1
            total = solve_batch(theta, A, r, ridge, K, D, Xo, To) * n
        else:
            for start in range(0, n, batch):
                stop = min(start + batch, n)
                steps += 1
                total += delta_batch(theta, grad, m, v, steps, K, D, learned, kind, lr, mu, beta1, beta2, eps,
                                     Xo[start:stop], To[start:stop]) * (stop - start)
        losses[e] = total / n
        if not math.isfinite(losses[e]):
            return e + 1, steps
    return orders.shape[0], steps
