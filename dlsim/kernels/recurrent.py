"""What the RNN and the LSTM kernels share: the configuration arrays, the parameter layout, one unit's
weighted sum, the output layer and its loss, BPTT's truncation and clipping by global norm.

A network is described by two small arrays, so that every kernel takes the same few arguments:
`cfg` (int64, indexed by FEATURES … STATES below) and `hyper` (float64, LR … CLIP). A cell says its
shape in cfg (GATES rows per unit, STATES carried per layer: each cell module's CELL) and brings its
own `batch_gradients`; nothing here knows which cell it serves.

Parameters live in one flat buffer `theta`, as the MLP's do, so the shared optimizers apply. Layer l
(l = 0 .. L−1; its input is the sequence for l = 0, the layer below's h_t above) holds, in order:
    W_x (G·H, in_l), W_h (G·H, H), b (G·H), h₀ (H)  and, for a cell with a second state, c₀ (H)
with G = 1 for the RNN and G = 4 for the LSTM (rows f, i, g, o, H each); S = 1 state for the RNN,
2 for the LSTM (h and c). Then the output layer:
    W_y (O, H), b_y (O).
Row r of W_x and W_h holds the weights into unit (or gate row) r, so its weighted sum runs along a row.

Every sum is written once as a scalar helper that adds its terms in a fixed order (`unit_z`,
`output_z`, `back_sum`), which the op-level stepped path calls one number at a time. The batch kernels
do the same sums in the same order for all the samples of a batch at once, feature-major ((units, B)
blocks, the samples innermost, so the loops vectorise; `sum_block`, `back_block`), and accumulate
the weight gradients sample by sample, each sample from t = T−1 down to 0, as the stepped path does.
So both write the same bits; the tests check it.

The training loop (`train_epochs_with`) takes the cell's `batch_gradients` as its first argument; each
cell module compiles its own `train_epochs` from it (the loop inlined, the call bound when it
compiles), so this module imports no cell and a new cell touches nothing here.
"""
import math

import numpy as np

from dlsim.kernels.activations import exp_neg, tanh, tanh_into
from dlsim.kernels.jit import inline, kernel
from dlsim.kernels.optimizers import CODES as OPTIMIZERS
from dlsim.kernels.optimizers import update_all

TANH, RELU = 0, 1
ACTIVATIONS = {"tanh": TANH, "relu": RELU}
MSE, SOFTMAX_CE = 0, 1
LOSSES = {"mse": MSE, "softmax_ce": SOFTMAX_CE}

# cfg fields
FEATURES, HIDDEN, OUTPUTS, LAYERS, GATES, ACT, LOSS, PER_STEP, TRUNCATE, LEARN_H0, OPTIMIZER, STATES = range(12)
# hyper fields
LR, MU, BETA1, BETA2, EPS, CLIP = range(6)


def config(features: int, hidden: int, outputs: int, gates: int, layers: int = 1, activation: str = "tanh",
           loss: str = "mse", per_step: bool = True, truncate: int = 0, learn_h0: bool = False,
           optimizer: str = "sgd", states: int = 1) -> np.ndarray:
    """The cfg array. gates: rows per unit in W_x, W_h, b; states: initial states per layer (h₀, and
    c₀ for a cell that carries one). truncate = k > 0 cuts BPTT into chunks of k steps (0: the whole
    sequence); per_step: a loss at every step (targets (B, T, O)) or at the last one only (targets
    (B, 1, O))."""
    return np.array([features, hidden, outputs, layers, gates, ACTIVATIONS[activation], LOSSES[loss],
                     int(per_step), truncate, int(learn_h0), OPTIMIZERS[optimizer], states], np.int64)


def hyper(lr: float = 0.01, mu: float = 0.9, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8,
          clip: float = 0.0) -> np.ndarray:
    """The hyper array; clip = 0 means no clipping."""
    return np.array([lr, mu, beta1, beta2, eps, clip], np.float64)


# ---- parameter layout -------------------------------------------------------------------------------

@inline
def _states(cfg):
    return cfg[STATES]


@inline
def _inputs(cfg, l):
    return cfg[FEATURES] if l == 0 else cfg[HIDDEN]


@inline
def layer_offset(cfg, l):
    """Where layer l's W_x starts in theta (l = LAYERS: where the output layer starts)."""
    off = 0
    rows, H = cfg[GATES] * cfg[HIDDEN], cfg[HIDDEN]
    for k in range(l):
        off += rows * _inputs(cfg, k) + rows * H + rows + H * _states(cfg)
    return off


@inline
def n_params(cfg):
    return layer_offset(cfg, cfg[LAYERS]) + cfg[OUTPUTS] * cfg[HIDDEN] + cfg[OUTPUTS]


@inline
def wx(theta, cfg, l):
    rows, start = cfg[GATES] * cfg[HIDDEN], layer_offset(cfg, l)
    return theta[start:start + rows * _inputs(cfg, l)].reshape((rows, _inputs(cfg, l)))


@inline
def wh(theta, cfg, l):
    rows, H = cfg[GATES] * cfg[HIDDEN], cfg[HIDDEN]
    start = layer_offset(cfg, l) + rows * _inputs(cfg, l)
    return theta[start:start + rows * H].reshape((rows, H))


@inline
def bias(theta, cfg, l):
    rows, H = cfg[GATES] * cfg[HIDDEN], cfg[HIDDEN]
    start = layer_offset(cfg, l) + rows * _inputs(cfg, l) + rows * H
    return theta[start:start + rows]


@inline
def initial(theta, cfg, l, which):
    """Layer l's initial state: which = 0 for h₀, 1 for c₀ (a cell's second state)."""
    rows, H = cfg[GATES] * cfg[HIDDEN], cfg[HIDDEN]
    start = layer_offset(cfg, l) + rows * _inputs(cfg, l) + rows * H + rows + which * H
    return theta[start:start + H]


@inline
def wy(theta, cfg):
    start = layer_offset(cfg, cfg[LAYERS])
    return theta[start:start + cfg[OUTPUTS] * cfg[HIDDEN]].reshape((cfg[OUTPUTS], cfg[HIDDEN]))


@inline
def by(theta, cfg):
    start = layer_offset(cfg, cfg[LAYERS]) + cfg[OUTPUTS] * cfg[HIDDEN]
    return theta[start:start + cfg[OUTPUTS]]


# ---- the sums, one number at a time -----------------------------------------------------------------

@inline
def unit_z(Wx, Wh, b, x, h, r):
    """Unit (or gate row) r's weighted sum b_r + Σ_i W_x[r,i]·x_i + Σ_k W_h[r,k]·h_k, added in that order."""
    acc = b[r]
    for i in range(x.shape[0]):
        acc += Wx[r, i] * x[i]
    for k in range(h.shape[0]):
        acc += Wh[r, k] * h[k]
    return acc


@inline
def output_z(Wy, by_, h, k):
    """Output k's logit b_y[k] + Σ_j W_y[k,j]·h_j, in order of j."""
    acc = by_[k]
    for j in range(h.shape[0]):
        acc += Wy[k, j] * h[j]
    return acc


@inline
def back_sum(W, d, i):
    """Σ_r W[r,i]·δ_r in order of r: the error flowing back to input i of a weight matrix."""
    acc = 0.0
    for r in range(d.shape[0]):
        acc += W[r, i] * d[r]
    return acc


@inline
def activate(z, act):
    """f(z) for one unit; tanh is dlsim's vectorisable one (activations.tanh, the same bits as
    tanh_into), so a whole (H, B) block can be done at once by `activate_block`."""
    if act == TANH:
        return tanh(z)
    return z if z > 0.0 else 0.0


@kernel
def activate_block(z, h, act):
    """h = f(z) elementwise over a C-contiguous block, each number as `activate` computes it."""
    if act == TANH:
        tanh_into(z.reshape(z.size), h.reshape(h.size))
    else:
        for j in range(z.shape[0]):
            for s in range(z.shape[1]):
                h[j, s] = z[j, s] if z[j, s] > 0.0 else 0.0


@inline
def derivative(z, h, act):
    """f'(z), from z and h = f(z)."""
    if act == TANH:
        return 1.0 - h * h
    return 1.0 if z > 0.0 else 0.0


@inline
def accumulate_outer(G, d, x):
    """G[r, i] += δ_r·x_i: one step's contribution to a weight gradient."""
    for r in range(d.shape[0]):
        for i in range(x.shape[0]):
            G[r, i] += d[r] * x[i]


# ---- the output layer and the loss -----------------------------------------------------------------

@inline
def step_loss(logits, y, kind, scale, dy):
    """scale·ℓ for one step's logits (O,) against y (O,); dy gets ∂(scale·ℓ)/∂logits.

    MSE: ℓ = (1/K)·Σ_k (ŷ_k − y_k)², the mean over the K outputs, as the MLP's (losses.py: the same
    arithmetic, scale·Σ/K and scale·2·diff/K) and PyTorch's MSELoss. Softmax-CE from the logits:
    ℓ = Σ_k y_k·(lse − z_k) with lse = z_top + log Σ_j e^(z_j − z_top), so nothing overflows.
    """
    total = 0.0
    n = logits.shape[0]
    if kind == MSE:
        for k in range(n):
            diff = logits[k] - y[k]
            total += diff * diff
            dy[k] = scale * 2.0 * diff / n
        return scale * total / n
    top = logits[0]
    for k in range(1, logits.shape[0]):
        top = max(top, logits[k])
    acc = 0.0
    for k in range(logits.shape[0]):
        acc += exp_neg(logits[k] - top)
    lse = top + math.log(acc)
    ysum = 0.0
    for k in range(logits.shape[0]):
        total += y[k] * (lse - logits[k])
        ysum += y[k]
    for k in range(logits.shape[0]):
        dy[k] = scale * (exp_neg(logits[k] - lse) * ysum - y[k])   # lse ≥ every logit
    return scale * total


@inline
def cut_before(t, T, k):
    """Truncated BPTT in chunks of k steps: True where the δ from step t+1 does not reach step t."""
    return k > 0 and (t + 1) % k == 0 and t + 1 < T


@inline
def add_squares(v):
    acc = 0.0
    for j in range(v.shape[0]):
        acc += v[j] * v[j]
    return acc


@kernel
def clip_global(grad, threshold):
    """Scale grad so that its global norm is at most threshold (0: never). Returns (norm before, after)."""
    before = math.sqrt(add_squares(grad))
    if threshold > 0.0 and before > threshold:
        f = threshold / before
        for k in range(grad.shape[0]):
            grad[k] *= f
        return before, math.sqrt(add_squares(grad))
    return before, before


@kernel
def clip_and_update(theta, grad, m, v, step, cfg, hyper):
    """Clip grad by its global norm, then one optimizer step (number `step`). Returns the norm
    (before, after) clipping. The same for the RNN and the LSTM: both keep theta flat."""
    before, after = clip_global(grad, hyper[CLIP])
    update_all(theta, grad, m, v, cfg[OPTIMIZER], hyper[LR], hyper[MU], hyper[BETA1], hyper[BETA2],
               hyper[EPS], step)
    return before, after


@kernel
def forget_initial_gradients(grad, cfg):
    """Zero the gradients of h₀ (and c₀) when the initial state is not learned (it stays zero)."""
    if cfg[LEARN_H0] == 0:
        for l in range(cfg[LAYERS]):
            for which in range(_states(cfg)):
                initial(grad, cfg, l, which)[:] = 0.0


@kernel
def gather(X, Y, idx, Xb, Yb):
    """Rows idx of X and Y into the first len(idx) rows of Xb and Yb."""
    for s in range(idx.shape[0]):
        Xb[s] = X[idx[s]]
        Yb[s] = Y[idx[s]]


# ---- the same sums for a whole batch, feature-major ---------------------------------------------

@inline
def add_four_terms(o0, o1, o2, o3, v0, v1, v2, v3, w0, w1, w2, w3):
    """For every n: o_j[n] = (((o_j[n] + w_j[0]·v0[n]) + w_j[1]·v1[n]) + w_j[2]·v2[n]) + w_j[3]·v3[n]
    for the four rows j = 0 … 3: four terms of four sums, added left to right.

    The batch kernels' inner loop (add_products, add_outer_sums): each running sum is loaded and
    stored once per four terms instead of once per term, and the four rows are independent chains,
    so the vectorised loop over n is not bound by one row's add → store → load latency."""
    for n in range(o0.shape[0]):
        x0, x1, x2, x3 = v0[n], v1[n], v2[n], v3[n]
        o0[n] = (((o0[n] + w0[0] * x0) + w0[1] * x1) + w0[2] * x2) + w0[3] * x3
        o1[n] = (((o1[n] + w1[0] * x0) + w1[1] * x1) + w1[2] * x2) + w1[3] * x3
        o2[n] = (((o2[n] + w2[0] * x0) + w2[1] * x1) + w2[2] * x2) + w2[3] * x3
        o3[n] = (((o3[n] + w3[0] * x0) + w3[1] * x1) + w3[2] * x2) + w3[3] * x3


@kernel
def add_products(M, vT, z):
    """z[r, s] += Σ_k M[r,k]·vT[k,s] for every row r and sample s: each sum gets its terms one at a time
    in order of k, as unit_z and back_sum add them. z (R, B), vT (K, B), M (R, K). Four rows and
    four terms at a time (add_four_terms), vectorised over the samples."""
    R, B = z.shape
    K = vT.shape[0]
    K4, R4 = K - K % 4, R - R % 4
    for r in range(0, R4, 4):
        z0, z1, z2, z3 = z[r], z[r + 1], z[r + 2], z[r + 3]
        for k in range(0, K4, 4):
            add_four_terms(z0, z1, z2, z3, vT[k], vT[k + 1], vT[k + 2], vT[k + 3],
                           (M[r, k], M[r, k + 1], M[r, k + 2], M[r, k + 3]),
                           (M[r + 1, k], M[r + 1, k + 1], M[r + 1, k + 2], M[r + 1, k + 3]),
                           (M[r + 2, k], M[r + 2, k + 1], M[r + 2, k + 2], M[r + 2, k + 3]),
                           (M[r + 3, k], M[r + 3, k + 1], M[r + 3, k + 2], M[r + 3, k + 3]))
        for k in range(K4, K):
            v = vT[k]
            a0, b0, c0, d0 = M[r, k], M[r + 1, k], M[r + 2, k], M[r + 3, k]
            for s in range(B):
                x0 = v[s]
                z0[s] += a0 * x0
                z1[s] += b0 * x0
                z2[s] += c0 * x0
                z3[s] += d0 * x0
    for r in range(R4, R):
        row = z[r]
        for k in range(0, K4, 4):
            v0, v1, v2, v3 = vT[k], vT[k + 1], vT[k + 2], vT[k + 3]
            a0, a1, a2, a3 = M[r, k], M[r, k + 1], M[r, k + 2], M[r, k + 3]
            for s in range(B):
                row[s] = (((row[s] + a0 * v0[s]) + a1 * v1[s]) + a2 * v2[s]) + a3 * v3[s]
        for k in range(K4, K):
            a0, v = M[r, k], vT[k]
            for s in range(B):
                row[s] += a0 * v[s]


@kernel
def sum_block(Wx, Wh, b, xT, hT, z):
    """z (R, B): row r = unit_z(W_x, W_h, b, x_s, h_s, r) for every sample s, term by term in the
    same order (b, then the x terms, then the h terms). xT (in, B), hT (H, B); hT may have no rows
    (the output layer: W_h unused)."""
    for r in range(z.shape[0]):
        z[r, :] = b[r]
    add_products(Wx, xT, z)
    add_products(Wh, hT, z)


@kernel
def transposed(W):
    """A contiguous copy of Wᵀ, made once a batch so that back_block reads it row by row."""
    return np.ascontiguousarray(W.T)


@kernel
def back_block(WT, dT, out):
    """out (I, B): row i = back_sum(W, δ_s, i) for every sample s (from 0.0, in order of r).
    WT (I, R) = Wᵀ (`transposed`), dT (R, B)."""
    out[:] = 0.0
    add_products(WT, dT, out)


@kernel
def output_deltas(cfg, logits, Y, dy, batch):
    """The loss of a batch of `batch` sequences — the mean over samples and over the steps that carry
    a loss of each step's loss (`step_loss`), added sample by sample, step by step — and dy = ∂loss/∂logits (zero on steps without a
    loss). logits and dy are feature-major (T, O, B); Y is (B, T, O) or (B, 1, O). B is batch, or
    fewer when a batch is done a few sequences at a time (B = 1: one sequence, as a stepped pass
    does): the figures are then these sequences' shares of the batch's."""
    T, O, B = logits.shape
    per_step = cfg[PER_STEP] != 0
    scale = 1.0 / (batch * (T if per_step else 1))
    dy[:] = 0.0
    z, d = np.empty(O), np.empty(O)
    loss = 0.0
    for s in range(B):
        for t in range(T):
            if per_step or t == T - 1:
                for k in range(O):
                    z[k] = logits[t, k, s]
                loss += step_loss(z, Y[s, t if per_step else 0], cfg[LOSS], scale, d)
                for k in range(O):
                    dy[t, k, s] = d[k]
    return loss


@kernel
def add_norms(dT, squares, l, t):
    """squares[l, t] += Σ_j δ_j² for each sample in turn, as the per-sample path adds them."""
    for s in range(dT.shape[1]):
        acc = 0.0
        for j in range(dT.shape[0]):
            acc += dT[j, s] * dT[j, s]
        squares[l, t] += acc


@kernel
def to_features(X, xT):
    """xT (T, F, B) from X (B, T, F)."""
    for t in range(X.shape[1]):
        for f in range(X.shape[2]):
            for s in range(X.shape[0]):
                xT[t, f, s] = X[s, t, f]


@kernel
def add_outer_sums(G, d, xs, shift):
    """G[r, i] += Σ_s Σ_t d[t, r, s]·xs[s, t + shift, i], the terms added one at a time sample by sample,
    each sample from t = T−1 down to 0: the order accumulate_outer adds them in a stepped pass.
    d (T, R, B) the δs, feature-major; xs (B, T′, I) the inputs, sample-major, so that the loop over
    i (each its own sum) runs along memory and vectorises: for inputs at least a vector wide.

    Four rows of G and four steps at a time (add_four_terms): the four rows (4 KiB at I = 128) stay
    in the L1 cache through all the samples. Pass shift as a run-time value, not a literal: with a literal 0 spliced
    in, LLVM vectorised this loop so that it ran 4× slower (LSTM, H = 128)."""
    T, R, B = d.shape
    I = G.shape[1]
    R4 = R - R % 4
    for r in range(0, R4, 4):
        g0, g1, g2, g3 = G[r], G[r + 1], G[r + 2], G[r + 3]
        for s in range(B):
            t = T - 1
            while t >= 3:
                add_four_terms(g0, g1, g2, g3, xs[s, t + shift], xs[s, t - 1 + shift], xs[s, t - 2 + shift],
                               xs[s, t - 3 + shift],
                               (d[t, r, s], d[t - 1, r, s], d[t - 2, r, s], d[t - 3, r, s]),
                               (d[t, r + 1, s], d[t - 1, r + 1, s], d[t - 2, r + 1, s], d[t - 3, r + 1, s]),
                               (d[t, r + 2, s], d[t - 1, r + 2, s], d[t - 2, r + 2, s], d[t - 3, r + 2, s]),
                               (d[t, r + 3, s], d[t - 1, r + 3, s], d[t - 2, r + 3, s], d[t - 3, r + 3, s]))
                t -= 4
            while t >= 0:
                x = xs[s, t + shift]
                a0, a1, a2, a3 = d[t, r, s], d[t, r + 1, s], d[t, r + 2, s], d[t, r + 3, s]
                for i in range(I):
                    xi = x[i]
                    g0[i] += a0 * xi
                    g1[i] += a1 * xi
                    g2[i] += a2 * xi
                    g3[i] += a3 * xi
                t -= 1
    for r in range(R4, R):
        row = G[r]
        for s in range(B):
            for t in range(T - 1, -1, -1):
                a0, x = d[t, r, s], xs[s, t + shift]
                for i in range(I):
                    row[i] += a0 * x[i]


@kernel
def add_narrow_outer_sums(G, ds, xs, shift):
    """add_outer_sums for inputs narrower than a vector (a sequence of one or two features): the
    same terms in the same order, vectorised over the rows r instead. ds (B, T, R) the δs,
    sample-major."""
    B, T, R = ds.shape
    for i in range(G.shape[1]):
        for s in range(B):
            for t in range(T - 1, -1, -1):
                a0, dv = xs[s, t + shift, i], ds[s, t]
                for r in range(R):
                    G[r, i] += dv[r] * a0


@kernel
def add_outer(G, d, ds, xs, shift):
    """G += the δs d (T, R, B) (ds: the same, sample-major) times the inputs xs, as add_outer_sums."""
    if G.shape[1] >= 8:
        add_outer_sums(G, d, xs, shift)
    else:
        add_narrow_outer_sums(G, ds, xs, shift)


@kernel
def add_delta_sums(g, ds):
    """g[r] += Σ_s Σ_t ds[s, t, r], sample by sample, each from t = T−1 down to 0 (a bias's gradient)."""
    B, T, R = ds.shape
    for s in range(B):
        for t in range(T - 1, -1, -1):
            dv = ds[s, t]
            for r in range(R):
                g[r] += dv[r]


@kernel
def sample_major(blocks):
    """blocks (T, H, B), feature-major, as a new (B, T, H) array."""
    T, H, B = blocks.shape
    out = np.empty((B, T, H))
    for t in range(T):   # one step's block at a time (at most 64 KiB), written along memory
        for s in range(B):
            for j in range(H):
                out[s, t, j] = blocks[t, j, s]
    return out


@kernel
def accumulate_gradients(grad, cfg, X, h, dy, dz, carry_h, carry_c):
    """The weight gradients from the δs, each weight's terms sample by sample, each sample from
    t = T−1 down to 0 (the order a stepped pass adds them in; add_outer_sums): ∂W_y += δy·hᵀ,
    ∂b_y += δy; per layer ∂W_x += δ·xᵀ, ∂W_h += δ·h_{t−1}ᵀ, ∂b += δ; ∂h₀ += carry_h (∂loss/∂h₀) and,
    for a cell with a second state, ∂c₀ += carry_c.
    dz (L, T, R, B) holds the δ of every row (R = H, or 4H gate rows); h (L, T+1, H, B)."""
    L, T, R, B = dz.shape
    H = h.shape[2]
    hs = [sample_major(h[l]) for l in range(L)]
    dys = sample_major(dy)
    now = X.shape[1] - T   # 0 (x_t and h_{t−1} sit at index t), known only at run time: add_outer_sums
    add_outer(wy(grad, cfg), dy, dys, hs[L - 1], now + 1)
    add_delta_sums(by(grad, cfg), dys)
    for l in range(L):
        ds = sample_major(dz[l])
        if l == 0:
            add_outer(wx(grad, cfg, l), dz[l], ds, X, now)
        else:
            add_outer(wx(grad, cfg, l), dz[l], ds, hs[l - 1], now + 1)
        add_outer(wh(grad, cfg, l), dz[l], ds, hs[l], now)
        add_delta_sums(bias(grad, cfg, l), ds)
        for s in range(B):
            g0 = initial(grad, cfg, l, 0)
            for j in range(H):
                g0[j] += carry_h[l, j, s]
            if _states(cfg) > 1:
                c0 = initial(grad, cfg, l, 1)
                for j in range(H):
                    c0[j] += carry_c[l, j, s]


# ---- the training loop every cell shares ------------------------------------------------------

@inline
def train_epochs_with(batch_gradients, theta, grad, m, v, step, cfg, hyper, X, Y, orders, batch_size,
                      epoch_loss, epoch_norm, dh_norms):
    """len(orders) epochs in place, each batch's gradients by the cell's `batch_gradients` (a kernel
    with rnn.batch_gradients' signature), which each cell module passes from its own `train_epochs`.
    Inlined there (inline="always"), so the loop is compiled once per cell with the call bound
    statically: passed to a separately compiled loop, the dispatcher would be a run-time address
    in the caller's code, which Numba cannot keep in its disk cache.
    orders (E, N) gives each epoch's sample order. epoch_loss[e] is the mean batch loss (weighted by
    batch size), epoch_norm[e] the mean gradient norm before clipping, dh_norms the last batch's
    ‖δh_t‖. Each batch is exactly the cell's `train_batch`. Stops after an epoch whose loss is not
    finite. Returns (epochs run, optimizer steps taken so far, counting from `step`)."""
    n = X.shape[0]
    width = min(batch_size, n)
    Xb, Yb = np.empty((width,) + X.shape[1:]), np.empty((width,) + Y.shape[1:])
    for e in range(orders.shape[0]):
        total, norms, batches = 0.0, 0.0, 0
        for start in range(0, n, batch_size):
            idx = orders[e, start:min(start + batch_size, n)]
            b = idx.shape[0]
            gather(X, Y, idx, Xb, Yb)
            loss = batch_gradients(theta, grad, cfg, Xb[:b], Yb[:b], dh_norms)
            step += 1
            before, _ = clip_and_update(theta, grad, m, v, step, cfg, hyper)
            total += loss * b
            norms += before
            batches += 1
        epoch_loss[e] = total / n
        epoch_norm[e] = norms / batches
        if not np.isfinite(epoch_loss[e]):
            return e + 1, step
    return orders.shape[0], step
