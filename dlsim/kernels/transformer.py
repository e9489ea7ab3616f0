"""The transformer's compiled kernels: a decoder (or encoder) small enough to step through by hand.

A network is described by one small int64 array `cfg` (VOCAB … POSITION below). Its parameters live
in one flat buffer `theta` (so the shared optimizers apply), in the order of PARAMS; a block's
parameters carry the block as their first axis (Wq (L, D, D): layer l's is Wq[l]). `unpack` cuts the
views out, here and in the NumPy reference alike.

One sample's forward and backward are written as *row kernels*: one position's layer norm, one
position's Q, K and V, one query against every key, one softmax row, one weighted sum of V, one
position's MLP, and their backward twins. The op-by-op stepped path (models/transformer_steps)
calls them one at a time; `forward_sample` and `backward_sample` call the very same kernels in the
very same order (the GPU's fused path runs those). The CPU's batch and fused paths take a sample an
op at a time over its whole sequence (`forward_sequence`, `backward_sequence`: the projections in
transformer_sequence, many independent sums side by side), accumulating the gradient sample by
sample. Every sum adds its terms in the same fixed order on every path (dense.backprop_sum's is the
projections' backward sum), so every path writes the same bits (the tests check it).

Dropout (off by default) is the 2017 paper's residual dropout: each sublayer's output (the attention's
output projection, the MLP's output) is multiplied, unit by unit, by 0 where its uniform number falls
below p and by 1/(1−p) elsewhere, before it is added to the residual stream. A sample's uniform numbers
come from default_rng([seed, epoch·N + row, SALT]) (`draw_dropout`), so any path, or a rewind, draws
them again to the bit; evaluation never drops (its workspace's multipliers stay 1, and x·1 = x).

The activations of the sample in hand live in a workspace tuple (`workspace(cfg)`: WS names its
arrays), the gradients reaching them in another (`gradient_workspace`: DWS); the stepped path keeps
both on the model, where its pictures read them.
"""
import math

import numpy as np

from dlsim.kernels.activations import softmax_row
from dlsim.kernels.ae import uniforms
from dlsim.kernels.dense import backprop_sum
from dlsim.kernels.jit import glue, inline, kernel
from dlsim.kernels.losses import SOFTMAX_CE, sample_loss
from dlsim.kernels.optimizers import update_all
from dlsim.kernels.transformer_sequence import (linear_back_rows, linear_rows, qkv_back_rows, transpose_into,
                                                weight_grads_rows)

# cfg fields
VOCAB, CONTEXT, DMODEL, HEADS, HIDDEN, LAYERS, CAUSAL, PRENORM, POSITION, SCALED = range(10)
LEARNED, SINUSOIDAL, NO_POSITION = 0, 1, 2
POSITIONS = {"learned": LEARNED, "sinusoidal": SINUSOIDAL, "none": NO_POSITION}
NORM_EPS = 1e-5     # layer norm's ε under the square root
IGNORE = -1         # a target position that carries no loss
SALT = 37           # dropout's stream, apart from the orders' (17), the AE's (23) and the RBM's (29, 31)
ATTENTION_OUT, MLP_OUT = 0, 1   # the two sublayer outputs that dropout masks (DROP's second axis)

# the parameters, in theta's order
PARAMS = ("E", "P", "ln1_g", "ln1_b", "Wq", "bq", "Wk", "bk", "Wv", "bv", "Wo", "bo",
          "ln2_g", "ln2_b", "W1", "b1", "W2", "b2", "lnf_g", "lnf_b", "Wout", "bout")
# the workspace's arrays (one sample's activations), in workspace()'s order
WS = ("X", "N1", "Q", "K", "V", "C", "AO", "R1", "N2", "U", "G", "M", "R2", "S", "A", "ST", "NF", "STF",
      "LOG", "PR", "DOTS", "DROP", "DU")
# the gradient workspace's arrays (∂L/∂ each activation), in gradient_workspace()'s order
DWS = ("dX", "dN1", "dAIN", "dC", "dR1", "dN2", "dMIN", "dU", "dG", "dR2", "dLN", "dA", "dS", "dQ", "dK",
       "dV", "dNF", "dLOG", "dAO", "dM")


def config(vocab: int, context: int, d_model: int, heads: int, hidden: int, layers: int, causal: bool,
           prenorm: bool, position: str, scaled: bool = True) -> np.ndarray:
    """The cfg array; scaled: the scores are divided by √dh (as they should be: the lesson on why
    takes it away)."""
    return np.array([vocab, context, d_model, heads, hidden, layers, int(causal), int(prenorm),
                     POSITIONS[position], int(scaled)], np.int64)


@kernel
def score_scale(dh, scaled):
    """1/√dh, or 1 where the scale is switched off."""
    return 1.0 / math.sqrt(dh) if scaled else 1.0


def shapes(cfg) -> list[tuple[int, ...]]:
    """Each parameter's shape, in PARAMS' order (plain Python: asked before anything compiles)."""
    V, T, D, F, L = (int(cfg[i]) for i in (VOCAB, CONTEXT, DMODEL, HIDDEN, LAYERS))
    block = {"ln1_g": (L, D), "ln1_b": (L, D), "Wq": (L, D, D), "bq": (L, D), "Wk": (L, D, D), "bk": (L, D),
             "Wv": (L, D, D), "bv": (L, D), "Wo": (L, D, D), "bo": (L, D), "ln2_g": (L, D), "ln2_b": (L, D),
             "W1": (L, D, F), "b1": (L, F), "W2": (L, F, D), "b2": (L, D)}
    return [(V, D), (T, D)] + list(block.values()) + [(D,), (D,), (D, V), (V,)]


def n_params(cfg) -> int:
    return sum(int(np.prod(shape)) for shape in shapes(cfg))


@kernel
def unpack(theta, cfg):
    """The 22 parameters (PARAMS' order) as views into theta (or a buffer of its layout)."""
    V, T, D, F, L = cfg[VOCAB], cfg[CONTEXT], cfg[DMODEL], cfg[HIDDEN], cfg[LAYERS]
    o = 0
    E = theta[o:o + V * D].reshape((V, D)); o += V * D
    P = theta[o:o + T * D].reshape((T, D)); o += T * D
    ln1_g = theta[o:o + L * D].reshape((L, D)); o += L * D
    ln1_b = theta[o:o + L * D].reshape((L, D)); o += L * D
    Wq = theta[o:o + L * D * D].reshape((L, D, D)); o += L * D * D
    bq = theta[o:o + L * D].reshape((L, D)); o += L * D
    Wk = theta[o:o + L * D * D].reshape((L, D, D)); o += L * D * D
    bk = theta[o:o + L * D].reshape((L, D)); o += L * D
    Wv = theta[o:o + L * D * D].reshape((L, D, D)); o += L * D * D
    bv = theta[o:o + L * D].reshape((L, D)); o += L * D
    Wo = theta[o:o + L * D * D].reshape((L, D, D)); o += L * D * D
    bo = theta[o:o + L * D].reshape((L, D)); o += L * D
    ln2_g = theta[o:o + L * D].reshape((L, D)); o += L * D
    ln2_b = theta[o:o + L * D].reshape((L, D)); o += L * D
    W1 = theta[o:o + L * D * F].reshape((L, D, F)); o += L * D * F
    b1 = theta[o:o + L * F].reshape((L, F)); o += L * F
    W2 = theta[o:o + L * F * D].reshape((L, F, D)); o += L * F * D
    b2 = theta[o:o + L * D].reshape((L, D)); o += L * D
    lnf_g = theta[o:o + D]; o += D
    lnf_b = theta[o:o + D]; o += D
    Wout = theta[o:o + D * V].reshape((D, V)); o += D * V
    bout = theta[o:o + V]
    return (E, P, ln1_g, ln1_b, Wq, bq, Wk, bk, Wv, bv, Wo, bo, ln2_g, ln2_b, W1, b1, W2, b2,
            lnf_g, lnf_b, Wout, bout)


@kernel
def workspace(cfg):
    """One sample's activations (WS): X (L+1, T, D) the residual stream entering each block and
    leaving the last; per block N1, Q, K, V, C (heads' weighted sums), AO (output projection), R1
    (first residual), N2, U (MLP hidden, before ReLU), G (after), M (MLP output), R2 (second
    residual); S and A (L, H, T, T) the scaled, masked scores and the attention; ST (L, 4, T) the
    layer norms' means and 1/σ; NF, STF the final layer norm's; LOG, PR (T, V) logits and
    probabilities; DOTS (T,) one query's raw dot products (the op shown); DROP (L, 2, T, D) dropout's
    multipliers of the attention's and the MLP's outputs (0 or 1/(1−p); 1 without dropout) and DU
    their uniform numbers."""
    V, T, D, H, F, L = cfg[VOCAB], cfg[CONTEXT], cfg[DMODEL], cfg[HEADS], cfg[HIDDEN], cfg[LAYERS]
    return (np.zeros((L + 1, T, D)), np.zeros((L, T, D)), np.zeros((L, T, D)), np.zeros((L, T, D)),
            np.zeros((L, T, D)), np.zeros((L, T, D)), np.zeros((L, T, D)), np.zeros((L, T, D)),
            np.zeros((L, T, D)), np.zeros((L, T, F)), np.zeros((L, T, F)), np.zeros((L, T, D)),
            np.zeros((L, T, D)), np.zeros((L, H, T, T)), np.zeros((L, H, T, T)), np.zeros((L, 4, T)),
            np.zeros((T, D)), np.zeros((2, T)), np.zeros((T, V)), np.zeros((T, V)), np.zeros(T),
            np.ones((L, 2, T, D)), np.zeros((L, 2, T, D)))


@kernel
def gradient_workspace(cfg):
    """∂L/∂ of one sample's activations (DWS): dX (L+1, T, D); per block dN1 (post-norm: the first
    norm's output), dAIN (the attention input's, through the attention), dC,
    dR1, dN2, dMIN (the MLP input's through the MLP), dU, dG, dR2, dLN (through a layer norm);
    dA, dS (L, H, T, T); dQ, dK, dV; dNF (T, D); dLOG (T, V); dAO and dM (L, T, D), the attention's
    and the MLP's outputs' (through dropout's multipliers)."""
    V, T, D, H, F, L = cfg[VOCAB], cfg[CONTEXT], cfg[DMODEL], cfg[HEADS], cfg[HIDDEN], cfg[LAYERS]
    return (np.zeros((L + 1, T, D)), np.zeros((L, T, D)), np.zeros((L, T, D)), np.zeros((L, T, D)),
            np.zeros((L, T, D)), np.zeros((L, T, D)), np.zeros((L, T, D)), np.zeros((L, T, F)),
            np.zeros((L, T, F)), np.zeros((L, T, D)), np.zeros((L, T, D)), np.zeros((L, H, T, T)),
            np.zeros((L, H, T, T)), np.zeros((L, T, D)), np.zeros((L, T, D)), np.zeros((L, T, D)),
            np.zeros((T, D)), np.zeros((T, V)), np.zeros((L, T, D)), np.zeros((L, T, D)))


# --- forward row kernels ---------------------------------------------------------------------------
@kernel
def embed_row(E, P, tokens, X, t):
    """x_t = E[token_t] + P[t]: the token's embedding plus its position's."""
    tok = tokens[t]
    for d in range(E.shape[1]):
        X[0, t, d] = E[tok, d] + P[t, d]


@kernel
def norm_row(x, g, b, y, stats, k, t):
    """y_t = g ⊙ (x_t − μ)/√(σ² + ε) + b, over the D features of row t; μ and 1/√(σ² + ε) kept in
    stats[k, t] and stats[k + 1, t]. Returns σ² (shown)."""
    D = x.shape[1]
    mean = 0.0
    for d in range(D):
        mean += x[t, d]
    mean /= D
    var = 0.0
    for d in range(D):
        diff = x[t, d] - mean
        var += diff * diff
    var /= D
    rstd = 1.0 / math.sqrt(var + NORM_EPS)
    for d in range(D):
        y[t, d] = (x[t, d] - mean) * rstd * g[d] + b[d]
    stats[k, t] = mean
    stats[k + 1, t] = rstd
    return var


@kernel
def linear_row(x, W, b, y, t):
    """y_t = x_t·W + b: each output y_tj = b_j + Σ_i x_ti·W_ij, its terms added in order of i (as
    dense.neuron_z adds them), for all the outputs at once (the inner loop runs along W's rows)."""
    for j in range(W.shape[1]):
        y[t, j] = b[j]
    for i in range(W.shape[0]):
        xi = x[t, i]
        for j in range(W.shape[1]):
            y[t, j] += xi * W[i, j]


@kernel
def scores_row(Q, K, S, dots, h, i, causal, scaled):
    """Query i of head h against every key: dots[j] = q_i·k_j over the head's dh features,
    S[h, i, j] = dots[j]/√dh, or −∞ where the causal mask hides key j > i."""
    H, T = S.shape[0], S.shape[1]
    dh = Q.shape[1] // H
    lo = h * dh
    scale = score_scale(dh, scaled)
    T4 = T - T % 4
    for j in range(0, T4, 4):   # four keys' sums side by side, each in order of the features
        a0, a1, a2, a3 = 0.0, 0.0, 0.0, 0.0
        for c in range(dh):
            q = Q[i, lo + c]
            a0 += q * K[j, lo + c]
            a1 += q * K[j + 1, lo + c]
            a2 += q * K[j + 2, lo + c]
            a3 += q * K[j + 3, lo + c]
        dots[j], dots[j + 1], dots[j + 2], dots[j + 3] = a0, a1, a2, a3
    for j in range(T4, T):
        acc = 0.0
        for c in range(dh):
            acc += Q[i, lo + c] * K[j, lo + c]
        dots[j] = acc
    for j in range(T):
        S[h, i, j] = -math.inf if causal and j > i else dots[j] * scale


@kernel
def attend_row(S, A, h, i):
    """The attention of query i in head h: softmax of its scores row (a masked −∞ gives 0)."""
    softmax_row(S[h, i], A[h, i])


@kernel
def mix_row(A, Vv, C, h, i):
    """Head h's output at query i: Σ_j a_ij·v_j, feature by feature, keys in order."""
    H, T = A.shape[0], A.shape[1]
    dh = Vv.shape[1] // H
    lo = h * dh
    for c in range(dh):
        C[i, lo + c] = 0.0
    for j in range(T):   # each feature's sum in order of the keys, the features side by side
        a = A[h, i, j]
        for c in range(dh):
            C[i, lo + c] += a * Vv[j, lo + c]


@kernel
def draw_dropout(seed_, key, p, keep, u):
    """One sample's dropout: u (L, 2, T, D) drawn for key (epoch·N + row), keep = 0 where u < p, else
    1/(1−p); without dropout (p = 0) every multiplier is 1 and nothing is drawn."""
    kf, uf = keep.reshape(keep.size), u.reshape(u.size)
    if p <= 0.0:
        kf[:] = 1.0
        return
    uniforms(seed_, key, SALT, uf)
    scale = 1.0 / (1.0 - p)
    for k in range(uf.shape[0]):
        kf[k] = scale if uf[k] >= p else 0.0


@kernel
def mask_row(x, keep, out, t):
    """out_t = x_t ⊙ keep_t: dropout's multipliers on one row (forward, or its gradient backward)."""
    for d in range(out.shape[1]):
        out[t, d] = x[t, d] * keep[t, d]


@kernel
def add_row(a, b, out, t):
    """out_t = a_t + b_t: a residual connection (or two gradients meeting)."""
    for d in range(out.shape[1]):
        out[t, d] = a[t, d] + b[t, d]


@kernel
def relu_row(U, G, t):
    for j in range(U.shape[1]):
        G[t, j] = U[t, j] if U[t, j] > 0.0 else 0.0


@kernel
def position_loss(LOG, PR, onehot, target, scale, t):
    """Position t's logits through the softmax (PR[t]) and its share of the batch's loss
    (scale·(−log p_target), 0 where the position carries no loss)."""
    softmax_row(LOG[t], PR[t])
    if target < 0:
        return 0.0
    onehot[:] = 0.0
    onehot[target] = 1.0
    return sample_loss(LOG[t], PR[t], onehot, SOFTMAX_CE, scale)


# --- backward row kernels --------------------------------------------------------------------------
@kernel
def logits_delta_row(PR, targets, scale, dLOG, t):
    """∂L/∂z_t = scale·(p_t − onehot(target)) (the softmax folded into the cross-entropy), or 0."""
    target = targets[t]
    for k in range(PR.shape[1]):
        dLOG[t, k] = 0.0 if target < 0 else scale * (PR[t, k] - (1.0 if k == target else 0.0))


@kernel
def weight_grads_row(x, dy, dW, db, t):
    """Row t's share of y = x·W + b's parameter gradients: ∂W += x_tᵀ·δ_t, ∂b += δ_t."""
    for i in range(dW.shape[0]):
        for j in range(dW.shape[1]):
            dW[i, j] += x[t, i] * dy[t, j]
    for j in range(dW.shape[1]):
        db[j] += dy[t, j]


@kernel
def linear_back_row(x, W, dy, dW, db, dx, t):
    """Row t of y = x·W + b backward: ∂W += x_tᵀ·δ_t, ∂b += δ_t, dx_t = W·δ_t."""
    weight_grads_row(x, dy, dW, db, t)
    I = W.shape[0]
    I4 = I - I % 4
    for i in range(0, I4, 4):
        dx[t, i], dx[t, i + 1], dx[t, i + 2], dx[t, i + 3] = backprop_four(W, dy[t], i)
    for i in range(I4, I):
        dx[t, i] = backprop_sum(W, dy[t], i)


@inline
def backprop_four(W, delta, i):
    """backprop_sum for inputs i … i+3: four sums, each its terms in order of j as backprop_sum adds
    them, run side by side (four independent chains of additions instead of one waiting on itself)."""
    a0, a1, a2, a3 = 0.0, 0.0, 0.0, 0.0
    for j in range(delta.shape[0]):
        d = delta[j]
        a0 += W[i, j] * d
        a1 += W[i + 1, j] * d
        a2 += W[i + 2, j] * d
        a3 += W[i + 3, j] * d
    return a0, a1, a2, a3


@kernel
def norm_back_row(x, g, stats, k, dy, dg, db, dx, t):
    """Row t of a layer norm backward: with x̂ = (x − μ)/σ and ∂x̂ = ∂y ⊙ g,
    ∂x = (∂x̂ − mean(∂x̂) − x̂·mean(∂x̂ ⊙ x̂))/σ; ∂g += ∂y ⊙ x̂, ∂b += ∂y."""
    D = x.shape[1]
    mean, rstd = stats[k, t], stats[k + 1, t]
    m1 = 0.0
    m2 = 0.0
    for d in range(D):
        xhat = (x[t, d] - mean) * rstd
        dxhat = dy[t, d] * g[d]
        dg[d] += dy[t, d] * xhat
        db[d] += dy[t, d]
        m1 += dxhat
        m2 += dxhat * xhat
    m1 /= D
    m2 /= D
    for d in range(D):
        xhat = (x[t, d] - mean) * rstd
        dx[t, d] = (dy[t, d] * g[d] - m1 - xhat * m2) * rstd


@kernel
def relu_back_row(U, dG, dU, t):
    for j in range(U.shape[1]):
        dU[t, j] = dG[t, j] if U[t, j] > 0.0 else 0.0


@kernel
def mix_back_row(A, Vv, dC, dA, dV, h, i):
    """Query i of head h backward through Σ_j a_ij·v_j: ∂a_ij = ∂c_i·v_j, and ∂v_j += a_ij·∂c_i."""
    H, T = A.shape[0], A.shape[1]
    dh = Vv.shape[1] // H
    lo = h * dh
    T4 = T - T % 4
    for j in range(0, T4, 4):   # four keys' sums side by side, each in order of the features
        a0, a1, a2, a3 = 0.0, 0.0, 0.0, 0.0
        for c in range(dh):
            d = dC[i, lo + c]
            a0 += d * Vv[j, lo + c]
            a1 += d * Vv[j + 1, lo + c]
            a2 += d * Vv[j + 2, lo + c]
            a3 += d * Vv[j + 3, lo + c]
        dA[h, i, j], dA[h, i, j + 1], dA[h, i, j + 2], dA[h, i, j + 3] = a0, a1, a2, a3
    for j in range(T4, T):
        acc = 0.0
        for c in range(dh):
            acc += dC[i, lo + c] * Vv[j, lo + c]
        dA[h, i, j] = acc
    for j in range(T):
        for c in range(dh):
            dV[j, lo + c] += A[h, i, j] * dC[i, lo + c]


@kernel
def softmax_back_row(A, dA, dS, h, i):
    """Through the softmax's Jacobian: ∂s_ij = a_ij·(∂a_ij − Σ_k a_ik·∂a_ik). Returns Σ_k a_ik·∂a_ik."""
    total = 0.0
    for k in range(A.shape[2]):
        total += A[h, i, k] * dA[h, i, k]
    for j in range(A.shape[2]):
        dS[h, i, j] = A[h, i, j] * (dA[h, i, j] - total)
    return total


@kernel
def scores_back_row(Q, K, dS, dQ, dK, h, i, scaled):
    """Query i of head h backward through s_ij = q_i·k_j/√dh: ∂q_i = Σ_j ∂s_ij·k_j/√dh and
    ∂k_j += ∂s_ij·q_i/√dh."""
    H, T = dS.shape[0], dS.shape[1]
    dh = Q.shape[1] // H
    lo = h * dh
    scale = score_scale(dh, scaled)
    for c in range(dh):
        dQ[i, lo + c] = 0.0
    for j in range(T):
        w = dS[h, i, j]
        for c in range(dh):
            dQ[i, lo + c] += w * K[j, lo + c]
    for c in range(dh):
        dQ[i, lo + c] *= scale
    for j in range(T):
        w = dS[h, i, j] * scale
        for c in range(dh):
            dK[j, lo + c] += w * Q[i, lo + c]


@kernel
def qkv_back_row(Wq, Wk, Wv, dQ, dK, dV, dx, t):
    """∂x_t from its three projections: W_q·∂q_t + W_k·∂k_t + W_v·∂v_t, in that order."""
    I = Wq.shape[0]
    I4 = I - I % 4
    for i in range(0, I4, 4):
        q0, q1, q2, q3 = backprop_four(Wq, dQ[t], i)
        k0, k1, k2, k3 = backprop_four(Wk, dK[t], i)
        v0, v1, v2, v3 = backprop_four(Wv, dV[t], i)
        dx[t, i], dx[t, i + 1], dx[t, i + 2], dx[t, i + 3] = q0 + k0 + v0, q1 + k1 + v1, q2 + k2 + v2, q3 + k3 + v3
    for i in range(I4, I):
        dx[t, i] = backprop_sum(Wq, dQ[t], i) + backprop_sum(Wk, dK[t], i) + backprop_sum(Wv, dV[t], i)


@kernel
def embed_back_row(dX, tokens, dE, dP, t, learned):
    """∂E[token_t] += ∂x_t, and ∂P[t] += ∂x_t where the positions are learned."""
    tok = tokens[t]
    for d in range(dE.shape[1]):
        dE[tok, d] += dX[0, t, d]
        if learned:
            dP[t, d] += dX[0, t, d]


# --- one sample, whole ------------------------------------------------------------------------------
@kernel
def forward_sample(p, cfg, tokens, ws):
    """Every activation of one sample into ws, in the stepped path's order."""
    (E, P, ln1_g, ln1_b, Wq, bq, Wk, bk, Wv, bv, Wo, bo, ln2_g, ln2_b, W1, b1, W2, b2,
     lnf_g, lnf_b, Wout, bout) = p
    X, N1, Q, K, Vv, C, AO, R1, N2, U, G, M, R2, S, A, ST, NF, STF, LOG, PR, DOTS, DROP, DU = ws
    T, H, L = cfg[CONTEXT], cfg[HEADS], cfg[LAYERS]
    causal, pre = cfg[CAUSAL] != 0, cfg[PRENORM] != 0
    for t in range(T):
        embed_row(E, P, tokens, X, t)
    for l in range(L):
        if pre:
            for t in range(T):
                norm_row(X[l], ln1_g[l], ln1_b[l], N1[l], ST[l], 0, t)
        x_in = N1[l] if pre else X[l]
        for t in range(T):
            linear_row(x_in, Wq[l], bq[l], Q[l], t)
            linear_row(x_in, Wk[l], bk[l], K[l], t)
            linear_row(x_in, Wv[l], bv[l], Vv[l], t)
        for h in range(H):
            for i in range(T):
                scores_row(Q[l], K[l], S[l], DOTS, h, i, causal, cfg[SCALED])
                attend_row(S[l], A[l], h, i)
                mix_row(A[l], Vv[l], C[l], h, i)
        for t in range(T):
            linear_row(C[l], Wo[l], bo[l], AO[l], t)
            mask_row(AO[l], DROP[l, ATTENTION_OUT], AO[l], t)
            add_row(X[l], AO[l], R1[l], t)
        mlp_in = N2[l] if pre else N1[l]
        for t in range(T):
            if pre:
                norm_row(R1[l], ln2_g[l], ln2_b[l], N2[l], ST[l], 2, t)
            else:
                norm_row(R1[l], ln1_g[l], ln1_b[l], N1[l], ST[l], 0, t)
            linear_row(mlp_in, W1[l], b1[l], U[l], t)
            relu_row(U[l], G[l], t)
            linear_row(G[l], W2[l], b2[l], M[l], t)
            mask_row(M[l], DROP[l, MLP_OUT], M[l], t)
            add_row(R1[l] if pre else N1[l], M[l], R2[l], t)
            if pre:
                X[l + 1, t, :] = R2[l, t]
            else:
                norm_row(R2[l], ln2_g[l], ln2_b[l], X[l + 1], ST[l], 2, t)
    for t in range(T):
        norm_row(X[L], lnf_g, lnf_b, NF, STF, 0, t)
        linear_row(NF, Wout, bout, LOG, t)


@kernel
def loss_sample(cfg, targets, ws, scale, onehot):
    """The sample's share of its batch's loss: Σ over its scored positions of scale·CE (the
    probabilities into ws' PR)."""
    LOG, PR = ws[18], ws[19]
    total = 0.0
    for t in range(cfg[CONTEXT]):
        total += position_loss(LOG, PR, onehot, targets[t], scale, t)
    return total


@kernel
def backward_sample(p, g, cfg, tokens, targets, scale, ws, dws):
    """∂L/∂θ of one sample added into g (PARAMS' views of the gradient buffer), the gradient of
    every activation into dws, in the stepped path's order."""
    (E, P, ln1_g, ln1_b, Wq, bq, Wk, bk, Wv, bv, Wo, bo, ln2_g, ln2_b, W1, b1, W2, b2,
     lnf_g, lnf_b, Wout, bout) = p
    (gE, gP, gln1_g, gln1_b, gWq, gbq, gWk, gbk, gWv, gbv, gWo, gbo, gln2_g, gln2_b, gW1, gb1, gW2, gb2,
     glnf_g, glnf_b, gWout, gbout) = g
    X, N1, Q, K, Vv, C, AO, R1, N2, U, G, M, R2, S, A, ST, NF, STF, LOG, PR, DOTS, DROP, DU = ws
    dX, dN1, dAIN, dC, dR1, dN2, dMIN, dU, dG, dR2, dLN, dA, dS, dQ, dK, dV, dNF, dLOG, dAO, dM = dws
    T, H, L = cfg[CONTEXT], cfg[HEADS], cfg[LAYERS]
    pre = cfg[PRENORM] != 0
    for t in range(T):
        logits_delta_row(PR, targets, scale, dLOG, t)
        linear_back_row(NF, Wout, dLOG, gWout, gbout, dNF, t)
        norm_back_row(X[L], lnf_g, STF, 0, dNF, glnf_g, glnf_b, dX[L], t)
    for l in range(L - 1, -1, -1):
        mlp_in = N2[l] if pre else N1[l]
        dK[l, :, :] = 0.0
        dV[l, :, :] = 0.0
        for t in range(T):
            if pre:
                dR2[l, t, :] = dX[l + 1, t]
            else:
                norm_back_row(R2[l], ln2_g[l], ST[l], 2, dX[l + 1], gln2_g[l], gln2_b[l], dR2[l], t)
            mask_row(dR2[l], DROP[l, MLP_OUT], dM[l], t)
            linear_back_row(G[l], W2[l], dM[l], gW2[l], gb2[l], dG[l], t)
            relu_back_row(U[l], dG[l], dU[l], t)
            linear_back_row(mlp_in, W1[l], dU[l], gW1[l], gb1[l], dMIN[l], t)
            if pre:
                norm_back_row(R1[l], ln2_g[l], ST[l], 2, dMIN[l], gln2_g[l], gln2_b[l], dLN[l], t)
                add_row(dR2[l], dLN[l], dR1[l], t)
            else:
                add_row(dR2[l], dMIN[l], dN1[l], t)
                norm_back_row(R1[l], ln1_g[l], ST[l], 0, dN1[l], gln1_g[l], gln1_b[l], dR1[l], t)
            mask_row(dR1[l], DROP[l, ATTENTION_OUT], dAO[l], t)
            linear_back_row(C[l], Wo[l], dAO[l], gWo[l], gbo[l], dC[l], t)
        for h in range(H):
            for i in range(T):
                mix_back_row(A[l], Vv[l], dC[l], dA[l], dV[l], h, i)
                softmax_back_row(A[l], dA[l], dS[l], h, i)
                scores_back_row(Q[l], K[l], dS[l], dQ[l], dK[l], h, i, cfg[SCALED])
        x_in = N1[l] if pre else X[l]
        for t in range(T):
            weight_grads_row(x_in, dQ[l], gWq[l], gbq[l], t)
            weight_grads_row(x_in, dK[l], gWk[l], gbk[l], t)
            weight_grads_row(x_in, dV[l], gWv[l], gbv[l], t)
            qkv_back_row(Wq[l], Wk[l], Wv[l], dQ[l], dK[l], dV[l], dAIN[l], t)
            if pre:
                norm_back_row(X[l], ln1_g[l], ST[l], 0, dAIN[l], gln1_g[l], gln1_b[l], dLN[l], t)
                add_row(dR1[l], dLN[l], dX[l], t)
            else:
                add_row(dR1[l], dAIN[l], dX[l], t)
    learned = cfg[POSITION] == LEARNED
    for t in range(T):
        embed_back_row(dX, tokens, gE, gP, t, learned)


# --- one sample's backward over whole sequences (the CPU's batch path) ----------------------------
@kernel
def sequence_workspace(cfg):
    """backward_sequence's scratch: the projections' weights transposed (WqT, WkT, WvT, WoT (L, D, D),
    W1T (L, F, D), W2T (L, D, F), WoutT (V, D)), an input transposed (max(D, F), T) and the three
    projections' backward sums (3, T, D)."""
    V, T, D, F, L = cfg[VOCAB], cfg[CONTEXT], cfg[DMODEL], cfg[HIDDEN], cfg[LAYERS]
    return (np.empty((L, D, D)), np.empty((L, D, D)), np.empty((L, D, D)), np.empty((L, D, D)),
            np.empty((L, F, D)), np.empty((L, D, F)), np.empty((V, D)), np.empty((max(D, F), T)),
            np.empty((3, T, D)))


@kernel
def transpose_weights(p, cfg, sw):
    """The projections' weights transposed into sequence_workspace's arrays (once a batch: the
    weights do not move within one)."""
    Wq, Wk, Wv, Wo, W1, W2, Wout = p[4], p[6], p[8], p[10], p[14], p[16], p[20]
    for l in range(cfg[LAYERS]):
        transpose_into(Wq[l], sw[0][l])
        transpose_into(Wk[l], sw[1][l])
        transpose_into(Wv[l], sw[2][l])
        transpose_into(Wo[l], sw[3][l])
        transpose_into(W1[l], sw[4][l])
        transpose_into(W2[l], sw[5][l])
    transpose_into(Wout, sw[6])


@kernel
def forward_sequence(p, cfg, tokens, ws):
    """forward_sample's activations, to the bit, an op at a time over the whole sequence (each op's
    rows are independent of one another): the projections through transformer_sequence.linear_rows."""
    (E, P, ln1_g, ln1_b, Wq, bq, Wk, bk, Wv, bv, Wo, bo, ln2_g, ln2_b, W1, b1, W2, b2,
     lnf_g, lnf_b, Wout, bout) = p
    X, N1, Q, K, Vv, C, AO, R1, N2, U, G, M, R2, S, A, ST, NF, STF, LOG, PR, DOTS, DROP, DU = ws
    T, H, L = cfg[CONTEXT], cfg[HEADS], cfg[LAYERS]
    causal, pre = cfg[CAUSAL] != 0, cfg[PRENORM] != 0
    for t in range(T):
        embed_row(E, P, tokens, X, t)
    for l in range(L):
        if pre:
            for t in range(T):
                norm_row(X[l], ln1_g[l], ln1_b[l], N1[l], ST[l], 0, t)
        x_in = N1[l] if pre else X[l]
        linear_rows(x_in, Wq[l], bq[l], Q[l])
        linear_rows(x_in, Wk[l], bk[l], K[l])
        linear_rows(x_in, Wv[l], bv[l], Vv[l])
        for h in range(H):
            for i in range(T):
                scores_row(Q[l], K[l], S[l], DOTS, h, i, causal, cfg[SCALED])
                attend_row(S[l], A[l], h, i)
                mix_row(A[l], Vv[l], C[l], h, i)
        linear_rows(C[l], Wo[l], bo[l], AO[l])
        for t in range(T):
            mask_row(AO[l], DROP[l, ATTENTION_OUT], AO[l], t)
            add_row(X[l], AO[l], R1[l], t)
        mlp_in = N2[l] if pre else N1[l]
        for t in range(T):
            if pre:
                norm_row(R1[l], ln2_g[l], ln2_b[l], N2[l], ST[l], 2, t)
            else:
                norm_row(R1[l], ln1_g[l], ln1_b[l], N1[l], ST[l], 0, t)
        linear_rows(mlp_in, W1[l], b1[l], U[l])
        for t in range(T):
            relu_row(U[l], G[l], t)
        linear_rows(G[l], W2[l], b2[l], M[l])
        for t in range(T):
            mask_row(M[l], DROP[l, MLP_OUT], M[l], t)
            add_row(R1[l] if pre else N1[l], M[l], R2[l], t)
            if pre:
                X[l + 1, t, :] = R2[l, t]
            else:
                norm_row(R2[l], ln2_g[l], ln2_b[l], X[l + 1], ST[l], 2, t)
    for t in range(T):
        norm_row(X[L], lnf_g, lnf_b, NF, STF, 0, t)
    linear_rows(NF, Wout, bout, LOG)


@kernel
def backward_sequence(p, g, cfg, tokens, targets, scale, ws, dws, sw):
    """backward_sample's sums, to the bit, an op at a time over the whole sequence (each op's rows
    are independent; each parameter's gradient still takes its rows in order): the projections
    through transformer_sequence, with sw (sequence_workspace) holding the weights transposed by
    transpose_weights."""
    (E, P, ln1_g, ln1_b, Wq, bq, Wk, bk, Wv, bv, Wo, bo, ln2_g, ln2_b, W1, b1, W2, b2,
     lnf_g, lnf_b, Wout, bout) = p
    (gE, gP, gln1_g, gln1_b, gWq, gbq, gWk, gbk, gWv, gbv, gWo, gbo, gln2_g, gln2_b, gW1, gb1, gW2, gb2,
     glnf_g, glnf_b, gWout, gbout) = g
    X, N1, Q, K, Vv, C, AO, R1, N2, U, G, M, R2, S, A, ST, NF, STF, LOG, PR, DOTS, DROP, DU = ws
    dX, dN1, dAIN, dC, dR1, dN2, dMIN, dU, dG, dR2, dLN, dA, dS, dQ, dK, dV, dNF, dLOG, dAO, dM = dws
    WqT, WkT, WvT, WoT, W1T, W2T, WoutT, xT, tmp = sw
    T, H, L = cfg[CONTEXT], cfg[HEADS], cfg[LAYERS]
    pre = cfg[PRENORM] != 0
    for t in range(T):
        logits_delta_row(PR, targets, scale, dLOG, t)
    linear_back_rows(NF, WoutT, dLOG, gWout, gbout, dNF, xT)
    for t in range(T):
        norm_back_row(X[L], lnf_g, STF, 0, dNF, glnf_g, glnf_b, dX[L], t)
    for l in range(L - 1, -1, -1):
        mlp_in = N2[l] if pre else N1[l]
        dK[l, :, :] = 0.0
        dV[l, :, :] = 0.0
        for t in range(T):
            if pre:
                dR2[l, t, :] = dX[l + 1, t]
            else:
                norm_back_row(R2[l], ln2_g[l], ST[l], 2, dX[l + 1], gln2_g[l], gln2_b[l], dR2[l], t)
            mask_row(dR2[l], DROP[l, MLP_OUT], dM[l], t)
        linear_back_rows(G[l], W2T[l], dM[l], gW2[l], gb2[l], dG[l], xT)
        for t in range(T):
            relu_back_row(U[l], dG[l], dU[l], t)
        linear_back_rows(mlp_in, W1T[l], dU[l], gW1[l], gb1[l], dMIN[l], xT)
        for t in range(T):
            if pre:
                norm_back_row(R1[l], ln2_g[l], ST[l], 2, dMIN[l], gln2_g[l], gln2_b[l], dLN[l], t)
                add_row(dR2[l], dLN[l], dR1[l], t)
            else:
                add_row(dR2[l], dMIN[l], dN1[l], t)
                norm_back_row(R1[l], ln1_g[l], ST[l], 0, dN1[l], gln1_g[l], gln1_b[l], dR1[l], t)
            mask_row(dR1[l], DROP[l, ATTENTION_OUT], dAO[l], t)
        linear_back_rows(C[l], WoT[l], dAO[l], gWo[l], gbo[l], dC[l], xT)
        for h in range(H):
            for i in range(T):
                mix_back_row(A[l], Vv[l], dC[l], dA[l], dV[l], h, i)
                softmax_back_row(A[l], dA[l], dS[l], h, i)
                scores_back_row(Q[l], K[l], dS[l], dQ[l], dK[l], h, i, cfg[SCALED])
        x_in = N1[l] if pre else X[l]
        weight_grads_rows(x_in, dQ[l], xT, gWq[l], gbq[l])
        weight_grads_rows(x_in, dK[l], xT, gWk[l], gbk[l])
        weight_grads_rows(x_in, dV[l], xT, gWv[l], gbv[l])
        qkv_back_rows(WqT[l], WkT[l], WvT[l], dQ[l], dK[l], dV[l], dAIN[l], tmp[0], tmp[1], tmp[2])
        for t in range(T):
            if pre:
                norm_back_row(X[l], ln1_g[l], ST[l], 0, dAIN[l], gln1_g[l], gln1_b[l], dLN[l], t)
                add_row(dR1[l], dLN[l], dX[l], t)
            else:
                add_row(dR1[l], dAIN[l], dX[l], t)
    learned = cfg[POSITION] == LEARNED
    for t in range(T):
        embed_back_row(dX, tokens, gE, gP, t, learned)


# --- batches and epochs -----------------------------------------------------------------------------
@kernel
def batch_gradients(theta, grad, cfg, Xb, Yb, ws, dws, onehot, drop, seed_, keys):
    """grad = ∂(batch loss)/∂θ, sample by sample; returns the batch loss (sequence_gradients with its
    scratch made here)."""
    return sequence_gradients(theta, grad, cfg, Xb, Yb, ws, dws, onehot, drop, seed_, keys, sequence_workspace(cfg))


@kernel
def sequence_gradients(theta, grad, cfg, Xb, Yb, ws, dws, onehot, drop, seed_, keys, sw):
    """grad = ∂(batch loss)/∂θ, sample by sample; returns the batch loss. The loss is the mean over
    the batch's samples of each one's mean cross-entropy over its scored positions. drop: dropout's
    rate p, each sample's units drawn for seed_ and its key (keys[s] = epoch·N + row)."""
    grad[:] = 0.0
    p, g = unpack(theta, cfg), unpack(grad, cfg)
    transpose_weights(p, cfg, sw)
    loss = 0.0
    for s in range(Xb.shape[0]):
        scale = sample_scale(Yb[s], Xb.shape[0])
        draw_dropout(seed_, keys[s], drop, ws[21], ws[22])
        forward_sequence(p, cfg, Xb[s], ws)
        loss += loss_sample(cfg, Yb[s], ws, scale, onehot)
        backward_sequence(p, g, cfg, Xb[s], Yb[s], scale, ws, dws, sw)
    return loss


@kernel
def sample_scale(targets, batch):
    """1/(batch · scored positions): each sample weighs the same in its batch's mean."""
    n = 0
    for t in range(targets.shape[0]):
        if targets[t] >= 0:
            n += 1
    return 1.0 / (batch * max(n, 1))


@glue
def train_batch(theta, grad, m, v, t, cfg, hyper, Xb, Yb, keys):
    """One optimizer step on one batch (tokens Xb (B, T), targets Yb (B, T), −1: no loss there; keys:
    each sample's epoch·N + row, for its dropout); returns the batch loss measured before the step.
    hyper: (optimizer, lr, μ, β1, β2, ε, dropout, seed)."""
    ws, dws = workspace(cfg), gradient_workspace(cfg)
    loss = batch_gradients(theta, grad, cfg, Xb, Yb, ws, dws, np.zeros(cfg[VOCAB]), hyper[6], int(hyper[7]), keys)
    update_all(theta, grad, m, v, int(hyper[0]), hyper[1], hyper[2], hyper[3], hyper[4], hyper[5], t)
    return loss


@kernel
def train_epochs(theta, grad, m, v, t, cfg, hyper, X, Y, orders, batch_size, epoch_losses, first_epoch):
    """Train len(orders) epochs (orders (E, N): each epoch's sample order; the first is epoch
    first_epoch, for dropout's draws); stops after an epoch whose loss is not finite. Returns
    (epochs run, optimizer steps taken)."""
    n = X.shape[0]
    ws, dws, sw = workspace(cfg), gradient_workspace(cfg), sequence_workspace(cfg)
    onehot = np.zeros(cfg[VOCAB])
    for e in range(orders.shape[0]):
        total = 0.0
        for start in range(0, n, batch_size):
            idx = orders[e, start:min(start + batch_size, n)]
            Xb, Yb = X[idx], Y[idx]
            t += 1
            keys = (first_epoch + e) * n + idx
            loss = sequence_gradients(theta, grad, cfg, Xb, Yb, ws, dws, onehot, hyper[6], int(hyper[7]), keys, sw)
            update_all(theta, grad, m, v, int(hyper[0]), hyper[1], hyper[2], hyper[3], hyper[4], hyper[5], t)
            total += loss * idx.shape[0]
        epoch_losses[e] = total / n
        if not math.isfinite(epoch_losses[e]):
            return e + 1, t
    return orders.shape[0], t


@kernel
def _forward_rows(theta, cfg, X, logits, attention):
    """The forward pass of each token sequence of X (N, T): its logits into logits (N, T, V), every
    block's and head's attention into attention (N, L, H, T, T); an array with no rows is not filled.
    One kernel for both pictures: each compiled entry point costs seconds to compile (jit.glue)."""
    p = unpack(theta, cfg)
    ws = workspace(cfg)
    for s in range(X.shape[0]):
        forward_sequence(p, cfg, X[s], ws)
        if logits.shape[0] > 0:
            logits[s, :, :] = ws[18]
        if attention.shape[0] > 0:
            attention[s] = ws[14]


@glue
def outputs(theta, cfg, X, logits):
    """logits (N, T, V) of the token sequences X (N, T)."""
    _forward_rows(theta, cfg, X, logits, np.empty((0, 0, 0, 0, 0)))


@glue
def attention(theta, cfg, X, out):
    """Every block's and head's attention (N, L, H, T, T) for the token sequences X (N, T)."""
    _forward_rows(theta, cfg, X, np.empty((0, 0, 0)), out)


@glue
def gradients(theta, grad, cfg, X, Y):
    """grad = ∂(loss of X, Y as one batch)/∂θ; returns that loss. Nothing else changes."""
    return batch_gradients(theta, grad, cfg, X, Y, workspace(cfg), gradient_workspace(cfg), np.zeros(cfg[VOCAB]),
                           0.0, 0, np.zeros(X.shape[0], np.int64))
