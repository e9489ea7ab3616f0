"""The restricted Boltzmann machine: binary visible units v (V), binary hidden units h (H), trained by
contrastive divergence (CD-k) or persistent CD.

theta is [W (V·H, row i holds W_i·), a (V) visible biases, b (H) hidden biases];

    p(h_j = 1 | v) = σ(b_j + Σ_i v_i W_ij),   p(v_i = 1 | h) = σ(a_i + Σ_j W_ij h_j),
    a unit is on where its uniform number u < p (every draw a number from a seeded stream),
    positive statistics v₀·p(h|v₀)ᵀ, negative v_k·p(h|v_k)ᵀ, ΔW = lr·(positive − negative)/batch.

The update goes through the shared optimizers with grad = (negative − positive)/batch (plain SGD is
then exactly ΔW above). A sample's uniform numbers come from default_rng([seed, epoch·N + row, SALT])
(dlsim.kernels.seeded, compiled), so any path, and any rewind, draws the same chain. The scalar
helpers are inlined into every loop here and are what the model calls op by op, in the same order:
a stepped sample, a compiled batch and a fused epoch write the same bits. Free energy and the exact
partition function (enumerating the smaller side, ≤ 20 units) give the metrics.
"""
import math

import numpy as np

from dlsim.kernels.activations import SIGMOID, activate, exp_neg
from dlsim.kernels.ae import uniforms
from dlsim.kernels.jit import glue, inline, kernel
from dlsim.kernels.optimizers import update_all
from dlsim.kernels.recurrent import add_products

SALT = 29         # the training chain's draws, apart from the orders' (17) and the AE's corruption (23)
GIBBS_SALT = 31   # the pictures' chains (samples from the model, pattern completion)
ENUMERABLE = 20   # the exact log-likelihood enumerates 2^units states of the smaller side, up to this


@inline
def hidden_input(v, theta, V, H, j):
    """b_j + Σ_i v_i W_ij, summed over i in order."""
    acc = theta[V * H + V + j]
    for i in range(V):
        acc += v[i] * theta[i * H + j]
    return acc


@inline
def visible_input(h, theta, V, H, i):
    """a_i + Σ_j W_ij h_j, summed over j in order."""
    acc = theta[V * H + i]
    for j in range(H):
        acc += theta[i * H + j] * h[j]
    return acc


@inline
def sigmoid(z):
    return activate(z, SIGMOID)


@inline
def bernoulli(p, u):
    """A binary unit's state: on (1) where its uniform number u falls below its probability p."""
    return 1.0 if u < p else 0.0


@inline
def cd_gradient(pos, neg, q, scale):
    """The gradient the optimizer takes for parameter q: (negative − positive)·scale."""
    return (neg[q] - pos[q]) * scale


def draws(V, H, k, persistent):
    """Uniform numbers one sample's chain takes: h₀; (the persistent chain's h); then k times v and,
    but for the last, h."""
    return H + (H if persistent else 0) + k * V + (k - 1) * H


n_draws = inline(draws)


@inline
def _hidden_layer(v, theta, V, H, ph):
    """p(h|v) of every hidden unit: hidden_input's sums, term by term in its order, run side by side
    over the units (the inner loop over independent outputs vectorises; no sum is reordered)."""
    for j in range(H):
        ph[j] = theta[V * H + V + j]
    for i in range(V):
        vi = v[i]
        for j in range(H):
            ph[j] += vi * theta[i * H + j]
    for j in range(H):
        ph[j] = sigmoid(ph[j])


@inline
def _visible_layer(h, WT, theta, V, H, pv):
    """p(v|h) of every visible unit, as _hidden_layer does it: visible_input's sums side by side, with
    W transposed (WT (H·V,), row j holds W_·j) so that the inner loop runs along memory."""
    for i in range(V):
        pv[i] = theta[V * H + i]
    for j in range(H):
        hj = h[j]
        for i in range(V):
            pv[i] += WT[j * V + i] * hj
    for i in range(V):
        pv[i] = sigmoid(pv[i])


@kernel
def transpose(theta, V, H, WT):
    """WT[j·V + i] = W_ij: the weights as the visible layer reads them."""
    for i in range(V):
        for j in range(H):
            WT[j * V + i] = theta[i * H + j]


@inline
def _sample_layer(p, u, n, out):
    for q in range(p.shape[0]):
        out[q] = bernoulli(p[q], u[n + q])
    return n + p.shape[0]


@inline
def _statistics(v, ph, V, H, acc):
    """acc += v·phᵀ (W's block), v (a's), ph (b's), in that order."""
    for i in range(V):
        for j in range(H):
            acc[i * H + j] += v[i] * ph[j]
    for i in range(V):
        acc[V * H + i] += v[i]
    for j in range(H):
        acc[V * H + V + j] += ph[j]


@kernel
def cd_sample(x, chain, end, theta, WT, V, H, k, persistent, u, pos, neg, h, ph, pv, v):
    """One sample's CD-k (persistent: the chain starts from `chain`, and its v_k goes to `end`, which
    the update makes the chain's next start, so a batch redone from its start draws the same): the
    positive statistics into pos, the negative into neg; returns its reconstruction error
    Σ_i (x_i − p(v_i|h₀))² / V."""
    _hidden_layer(x, theta, V, H, ph)
    n = _sample_layer(ph, u, 0, h)
    _statistics(x, ph, V, H, pos)
    err = 0.0
    _visible_layer(h, WT, theta, V, H, pv)
    for i in range(V):
        err += (x[i] - pv[i]) * (x[i] - pv[i])
    err = err / V
    if persistent:
        for i in range(V):
            v[i] = chain[i]
        _hidden_layer(v, theta, V, H, ph)
        n = _sample_layer(ph, u, n, h)
    for t in range(k):
        _visible_layer(h, WT, theta, V, H, pv)
        n = _sample_layer(pv, u, n, v)
        _hidden_layer(v, theta, V, H, ph)
        if t < k - 1:
            n = _sample_layer(ph, u, n, h)
    _statistics(v, ph, V, H, neg)
    if persistent:
        for i in range(V):
            end[i] = v[i]
    return err


@kernel
def apply_update(theta, grad, m, mv, pos, neg, t, opt_kind, lr, mu, beta1, beta2, eps, scale):
    """grad = (neg − pos)·scale, then one optimizer step of every parameter."""
    for q in range(theta.shape[0]):
        grad[q] = cd_gradient(pos, neg, q, scale)
    update_all(theta, grad, m, mv, opt_kind, lr, mu, beta1, beta2, eps, t)


@inline
def _view(buf, rows, cols):
    """A C-contiguous (rows, cols) view of a flat buffer's start: the batch's block, whatever its size."""
    return buf[:rows * cols].reshape((rows, cols))


@kernel
def _layer_block(M, bias, inT, outT):
    """outT (units, b) = σ(bias + M·inT) for a batch's columns side by side: each unit's sum starts at its
    bias and takes its terms in order of M's columns (hidden_input's, visible_input's order), four
    units and four terms at a time (add_products), vectorised over the samples."""
    for r in range(outT.shape[0]):
        for s in range(outT.shape[1]):
            outT[r, s] = bias[r]
    add_products(M, inT, outT)
    for r in range(outT.shape[0]):
        for s in range(outT.shape[1]):
            outT[r, s] = sigmoid(outT[r, s])


@inline
def _sample_block(pT, U, n, outT):
    """outT[q, s] = bernoulli(pT[q, s], U[s, n + q]); returns n advanced past the layer's draws."""
    for s in range(pT.shape[1]):
        for q in range(pT.shape[0]):
            outT[q, s] = bernoulli(pT[q, s], U[s, n + q])
    return n + pT.shape[0]


@inline
def _block_statistics(vT, phT, phS, V, H, acc):
    """_statistics of every sample of the batch, in sample order: acc's W block += Σ_s v_s·ph_sᵀ (each
    weight's sum over the samples in order, the weights side by side), then a's and b's the same way.
    phS (b, H) is phT (H, b) sample-major."""
    b = vT.shape[1]
    for s in range(b):
        for j in range(H):
            phS[s, j] = phT[j, s]
    add_products(vT, phS, acc[:V * H].reshape((V, H)))
    for s in range(b):
        for i in range(V):
            acc[V * H + i] += vT[i, s]
        for j in range(H):
            acc[V * H + V + j] += phS[s, j]


@kernel
def _batch(theta, grad, m, mv, pos, neg, t, V, H, k, persistent, opt_kind, lr, mu, beta1, beta2, eps, X, rows,
           chains, ends, seed_, key0, bufs):
    """cd_sample for every sample of the batch, layer by layer over the whole batch (the samples are
    independent until their statistics meet, summed in sample order): the same sums, terms and
    draws as sample by sample, to the bit. A kernel of its own, as is _layer_block, which it calls
    six times: inlined, train_batch and train_epochs each compiled all of it (8 s of a first start)."""
    Ub, xb, hb, phb, pvb, vb, phSb, WT = bufs
    b = rows.shape[0]
    U = _view(Ub, b, n_draws(V, H, k, persistent))
    xT, hT, phT, pvT, vT, phS = (_view(xb, V, b), _view(hb, H, b), _view(phb, H, b), _view(pvb, V, b),
                                 _view(vb, V, b), _view(phSb, b, H))
    transpose(theta, V, H, WT)
    Wv, WTv = theta[:V * H].reshape((V, H)), WT.reshape((H, V))
    a, bias = theta[V * H:V * H + V], theta[V * H + V:]
    pos[:] = 0.0
    neg[:] = 0.0
    for s in range(b):
        uniforms(seed_, key0 + rows[s], SALT, U[s])
        for i in range(V):
            xT[i, s] = X[rows[s], i]
    _layer_block(WTv, bias, xT, phT)
    n = _sample_block(phT, U, 0, hT)
    _block_statistics(xT, phT, phS, V, H, pos)
    _layer_block(Wv, a, hT, pvT)
    scale = 1.0 / b
    loss = 0.0
    for s in range(b):
        err = 0.0
        for i in range(V):
            err += (xT[i, s] - pvT[i, s]) * (xT[i, s] - pvT[i, s])
        loss += err / V * scale
    if persistent:
        for s in range(b):
            for i in range(V):
                vT[i, s] = chains[s, i]
        _layer_block(WTv, bias, vT, phT)
        n = _sample_block(phT, U, n, hT)
    for step in range(k):
        _layer_block(Wv, a, hT, pvT)
        n = _sample_block(pvT, U, n, vT)
        _layer_block(WTv, bias, vT, phT)
        if step < k - 1:
            n = _sample_block(phT, U, n, hT)
    _block_statistics(vT, phT, phS, V, H, neg)
    if persistent:
        for s in range(b):
            for i in range(V):
                ends[s, i] = vT[i, s]
    apply_update(theta, grad, m, mv, pos, neg, t, opt_kind, lr, mu, beta1, beta2, eps, scale)
    if persistent:
        chains[:b] = ends[:b]
    return loss


@inline
def _buffers(V, H, k, persistent, b):
    """The flat buffers of a batch of up to b samples (_batch's views), and W transposed."""
    return (np.empty(b * n_draws(V, H, k, persistent)), np.empty(V * b), np.empty(H * b), np.empty(H * b),
            np.empty(V * b), np.empty(V * b), np.empty(b * H), np.empty(V * H))


@glue
def train_batch(theta, grad, m, mv, pos, neg, t, V, H, k, persistent, opt_kind, lr, mu, beta1, beta2, eps, X,
                rows, chains, ends, seed_, key0):
    """One CD update on the training rows `rows` of X (a sample's draws keyed key0 + row; its chain,
    persistent, chains[its place in the batch], its end in ends, which the update copies into
    chains); returns the batch's mean reconstruction error."""
    return _batch(theta, grad, m, mv, pos, neg, t, V, H, k, persistent, opt_kind, lr, mu, beta1, beta2, eps, X,
                  rows, chains, ends, seed_, key0, _buffers(V, H, k, persistent, rows.shape[0]))


@kernel
def train_epochs(theta, grad, m, mv, pos, neg, t, V, H, k, persistent, opt_kind, lr, mu, beta1, beta2, eps, X,
                 orders, batch_size, chains, ends, seed_, first_epoch, epoch_losses):
    """len(orders) epochs of CD updates (orders (E, N): each epoch's sample order). Stops after an
    epoch whose error is not finite. Returns (epochs run, optimizer steps taken)."""
    n = X.shape[0]
    bufs = _buffers(V, H, k, persistent, min(batch_size, n))
    for e in range(orders.shape[0]):
        total = 0.0
        for start in range(0, n, batch_size):
            rows = orders[e, start:min(start + batch_size, n)]
            t += 1
            loss = _batch(theta, grad, m, mv, pos, neg, t, V, H, k, persistent, opt_kind, lr, mu, beta1, beta2,
                          eps, X, rows, chains, ends, seed_, (first_epoch + e) * n, bufs)
            total += loss * rows.shape[0]
        epoch_losses[e] = total / n
        if not math.isfinite(epoch_losses[e]):
            return e + 1, t
    return orders.shape[0], t


# --- whole-set measures and the pictures --------------------------------------------------------

@inline
def softplus(z):
    """log(1 + e^z) without overflow."""
    return max(z, 0.0) + math.log1p(exp_neg(-abs(z)))


@kernel
def hidden_probs(theta, V, H, X, out):
    """out (N, H) = p(h = 1 | each row of X)."""
    for r in range(X.shape[0]):
        _hidden_layer(X[r], theta, V, H, out[r])


@kernel
def visible_probs(theta, V, H, Hs, out):
    """out (N, V) = p(v = 1 | each row of Hs)."""
    WT = np.empty(V * H)
    transpose(theta, V, H, WT)
    for r in range(Hs.shape[0]):
        _visible_layer(Hs[r], WT, theta, V, H, out[r])


@kernel
def free_energy(theta, V, H, X, out):
    """out (N,) = F(v) = −Σ_i a_i v_i − Σ_j log(1 + e^(b_j + Σ_i v_i W_ij)) for each row v of X."""
    for r in range(X.shape[0]):
        acc = 0.0
        for i in range(V):
            acc -= theta[V * H + i] * X[r, i]
        for j in range(H):
            acc -= softplus(hidden_input(X[r], theta, V, H, j))
        out[r] = acc


@kernel
def log_partition(theta, V, H):
    """log Z = log Σ_{v,h} e^(−E(v,h)), summing out the larger side analytically and enumerating
    the 2^units states of the smaller (a running log-sum-exp, states in counting order)."""
    small = min(V, H)
    state = np.zeros(small)
    best, total = -math.inf, 0.0
    for code in range(1 << small):
        for q in range(small):
            state[q] = float((code >> q) & 1)
        acc = 0.0
        if H <= V:   # Σ_j b_j h_j + Σ_i softplus(a_i + Σ_j W_ij h_j)
            for j in range(H):
                acc += theta[V * H + V + j] * state[j]
            for i in range(V):
                acc += softplus(visible_input(state, theta, V, H, i))
        else:        # −F(v)
            for i in range(V):
                acc += theta[V * H + i] * state[i]
            for j in range(H):
                acc += softplus(hidden_input(state, theta, V, H, j))
        if acc > best:
            total = total * math.exp(best - acc) + 1.0
            best = acc
        else:
            total += math.exp(acc - best)
    return best + math.log(total)


@kernel
def gibbs(theta, V, H, v, clamp, steps, seed_, pv):
    """Run `steps` Gibbs sweeps (h from v, then v from h) from each row of v (N, V), visible units
    where clamp > 0 held at their values; v is left at the last sample, pv (N, V) at p(v | the last h).
    Row r's draws come from default_rng([seed, r, GIBBS_SALT])."""
    h, ph, vis, WT = np.empty(H), np.empty(H), np.empty(V), np.empty(V * H)
    u = np.empty(steps * (H + V))
    transpose(theta, V, H, WT)
    for r in range(v.shape[0]):
        uniforms(seed_, r, GIBBS_SALT, u)
        n = 0
        for _ in range(steps):
            _hidden_layer(v[r], theta, V, H, ph)
            n = _sample_layer(ph, u, n, h)
            _visible_layer(h, WT, theta, V, H, pv[r])
            n = _sample_layer(pv[r], u, n, vis)
            for i in range(V):
                if clamp[i] > 0.0:
                    pv[r, i] = v[r, i]
                else:
                    v[r, i] = vis[i]
