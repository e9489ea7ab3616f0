"""The transformer in plain NumPy: the textbook forward and backward, vectorised over the batch and
the positions (einsum), with the compiled kernels' names and signatures (dlsim.kernels.transformer).
The `numpy` backend runs the transformer's batches, epochs and evaluations on these, with no
compilation; tests compare the compiled kernels with them (to rounding: the sums run in another order).
"""
import numpy as np

from dlsim.kernels.reference import update_all
from dlsim.kernels.transformer import (CAUSAL, CONTEXT, DMODEL, HEADS, IGNORE, LAYERS, LEARNED, NORM_EPS,
                                       POSITION, PRENORM, SALT, SCALED)
from dlsim.kernels.jit import interpreted


def unpack(theta, cfg):
    from dlsim.kernels import transformer
    return interpreted(transformer).unpack(theta, cfg)


def _norm(x, g, b):
    mean = x.mean(axis=-1, keepdims=True)
    rstd = 1.0 / np.sqrt(((x - mean) ** 2).mean(axis=-1, keepdims=True) + NORM_EPS)
    xhat = (x - mean) * rstd
    return xhat * g + b, (xhat, rstd)


def _norm_back(dy, g, cache):
    xhat, rstd = cache
    dxhat = dy * g
    dx = (dxhat - dxhat.mean(-1, keepdims=True) - xhat * (dxhat * xhat).mean(-1, keepdims=True)) * rstd
    return dx, (dy * xhat).reshape(-1, g.shape[0]).sum(0), dy.reshape(-1, g.shape[0]).sum(0)


def _scale(qh, cfg):
    return 1.0 / np.sqrt(qh.shape[-1]) if cfg[SCALED] else 1.0


def _heads(x, H):
    """(B, T, D) -> (B, H, T, dh)."""
    B, T, D = x.shape
    return x.reshape(B, T, H, D // H).transpose(0, 2, 1, 3)


def _merge(x):
    B, H, T, dh = x.shape
    return x.transpose(0, 2, 1, 3).reshape(B, T, H * dh)


def dropout_multipliers(cfg, drop, seed_, keys):
    """(B, L, 2, T, D): each sample's dropout multipliers (0 where its uniform number < p, else
    1/(1−p)), its numbers from default_rng([seed, key, SALT]); all 1 without dropout."""
    shape = (int(cfg[LAYERS]), 2, int(cfg[CONTEXT]), int(cfg[DMODEL]))
    if drop <= 0.0:
        return np.ones((len(keys), *shape))
    u = np.stack([np.random.default_rng([int(seed_), int(key), SALT]).random(int(np.prod(shape))) for key in keys])
    return np.where(u >= drop, 1.0 / (1.0 - drop), 0.0).reshape(len(keys), *shape)


def _forward(p, cfg, X, keep=None):
    """Logits (B, T, V) and what the backward pass needs; keep: dropout's multipliers (or none)."""
    (E, P, ln1_g, ln1_b, Wq, bq, Wk, bk, Wv, bv, Wo, bo, ln2_g, ln2_b, W1, b1, W2, b2,
     lnf_g, lnf_b, Wout, bout) = p
    H, L, T = int(cfg[HEADS]), int(cfg[LAYERS]), int(cfg[CONTEXT])
    pre, causal = bool(cfg[PRENORM]), bool(cfg[CAUSAL])
    mask = np.triu(np.ones((T, T), bool), 1) if causal else np.zeros((T, T), bool)
    x = E[X] + P[None]
    keep = np.ones((len(X), L, 2, T, Wo.shape[-1])) if keep is None else keep
    caches = []
    for l in range(L):
        c = {"x": x}
        if pre:
            a_in, c["n1"] = _norm(x, ln1_g[l], ln1_b[l])
        else:
            a_in = x
        c["a_in"] = a_in
        q, k, v = a_in @ Wq[l] + bq[l], a_in @ Wk[l] + bk[l], a_in @ Wv[l] + bv[l]
        qh, kh, vh = _heads(q, H), _heads(k, H), _heads(v, H)
        s = np.einsum("bhic,bhjc->bhij", qh, kh) * _scale(qh, cfg)
        s = np.where(mask, -np.inf, s)
        a = np.exp(s - s.max(-1, keepdims=True))
        a /= a.sum(-1, keepdims=True)
        ctx = _merge(np.einsum("bhij,bhjc->bhic", a, vh))
        r1 = x + (ctx @ Wo[l] + bo[l]) * keep[:, l, 0]
        c.update(qh=qh, kh=kh, vh=vh, a=a, ctx=ctx, r1=r1, keep=keep[:, l])
        if pre:
            m_in, c["n2"] = _norm(r1, ln2_g[l], ln2_b[l])
        else:
            m_in, c["n1"] = _norm(r1, ln1_g[l], ln1_b[l])
        u = m_in @ W1[l] + b1[l]
        gl = np.maximum(u, 0.0)
        r2 = (r1 if pre else m_in) + (gl @ W2[l] + b2[l]) * keep[:, l, 1]
        c.update(m_in=m_in, u=u, g=gl, r2=r2)
        if pre:
            x = r2
        else:
            x, c["n2"] = _norm(r2, ln2_g[l], ln2_b[l])
        caches.append(c)
    nf, cache_f = _norm(x, lnf_g, lnf_b)
    return nf @ Wout + bout, (caches, nf, cache_f)


def _loss_and_dlogits(logits, Y):
    """The batch loss (each sample's mean CE over its scored positions, averaged) and ∂L/∂logits."""
    B = logits.shape[0]
    scored = Y != IGNORE
    per_sample = np.maximum(scored.sum(1), 1)
    top = logits.max(-1, keepdims=True)
    logp = logits - top - np.log(np.exp(logits - top).sum(-1, keepdims=True))
    target = np.where(scored, Y, 0)
    ce = -np.take_along_axis(logp, target[..., None], -1)[..., 0] * scored
    loss = float((ce.sum(1) / per_sample).sum() / B)
    d = np.exp(logp)
    d[np.arange(B)[:, None], np.arange(Y.shape[1])[None], target] -= 1.0
    d *= (scored / (B * per_sample[:, None]))[..., None]
    return loss, d


def _backward(p, g, cfg, X, dlogits, saved):
    (E, P, ln1_g, ln1_b, Wq, bq, Wk, bk, Wv, bv, Wo, bo, ln2_g, ln2_b, W1, b1, W2, b2,
     lnf_g, lnf_b, Wout, bout) = p
    (gE, gP, gln1_g, gln1_b, gWq, gbq, gWk, gbk, gWv, gbv, gWo, gbo, gln2_g, gln2_b, gW1, gb1, gW2, gb2,
     glnf_g, glnf_b, gWout, gbout) = g
    caches, nf, cache_f = saved
    H, pre = int(cfg[HEADS]), bool(cfg[PRENORM])
    D = Wout.shape[0]

    def linear_grads(x, dy, gW, gb):
        gW += x.reshape(-1, x.shape[-1]).T @ dy.reshape(-1, dy.shape[-1])
        gb += dy.reshape(-1, dy.shape[-1]).sum(0)

    linear_grads(nf, dlogits, gWout, gbout)
    dx, dg_, db_ = _norm_back(dlogits @ Wout.T, lnf_g, cache_f)
    glnf_g += dg_
    glnf_b += db_
    for l in range(len(caches) - 1, -1, -1):
        c = caches[l]
        if pre:
            dr2 = dx
        else:
            dr2, dg_, db_ = _norm_back(dx, ln2_g[l], c["n2"])
            gln2_g[l] += dg_
            gln2_b[l] += db_
        dm = dr2 * c["keep"][:, 1]
        linear_grads(c["g"], dm, gW2[l], gb2[l])
        du = (dm @ W2[l].T) * (c["u"] > 0)
        linear_grads(c["m_in"], du, gW1[l], gb1[l])
        dm_in = du @ W1[l].T
        if pre:
            dn, dg_, db_ = _norm_back(dm_in, ln2_g[l], c["n2"])
            gln2_g[l] += dg_
            gln2_b[l] += db_
            dr1 = dr2 + dn
        else:
            dr1, dg_, db_ = _norm_back(dr2 + dm_in, ln1_g[l], c["n1"])
            gln1_g[l] += dg_
            gln1_b[l] += db_
        dao = dr1 * c["keep"][:, 0]
        linear_grads(c["ctx"], dao, gWo[l], gbo[l])
        dctx = _heads(dao @ Wo[l].T, H)
        a, qh, kh, vh = c["a"], c["qh"], c["kh"], c["vh"]
        da = np.einsum("bhic,bhjc->bhij", dctx, vh)
        dv = _merge(np.einsum("bhij,bhic->bhjc", a, dctx))
        ds = a * (da - (a * da).sum(-1, keepdims=True)) * _scale(qh, cfg)
        dq = _merge(np.einsum("bhij,bhjc->bhic", ds, kh))
        dk = _merge(np.einsum("bhij,bhic->bhjc", ds, qh))
        for W, gW, gb, d in ((Wq, gWq, gbq, dq), (Wk, gWk, gbk, dk), (Wv, gWv, gbv, dv)):
            linear_grads(c["a_in"], d, gW[l], gb[l])
        da_in = dq @ Wq[l].T + dk @ Wk[l].T + dv @ Wv[l].T
        if pre:
            dn, dg_, db_ = _norm_back(da_in, ln1_g[l], c["n1"])
            gln1_g[l] += dg_
            gln1_b[l] += db_
            dx = dr1 + dn
        else:
            dx = dr1 + da_in
    np.add.at(gE, X.reshape(-1), dx.reshape(-1, D))
    if int(cfg[POSITION]) == LEARNED:
        gP += dx.sum(0)


def gradients(theta, grad, cfg, X, Y, keep=None):
    grad[:] = 0.0
    p = unpack(theta, cfg)
    logits, saved = _forward(p, cfg, X, keep)
    loss, dlogits = _loss_and_dlogits(logits, Y)
    _backward(p, unpack(grad, cfg), cfg, X, dlogits, saved)
    return loss


def train_batch(theta, grad, m, v, t, cfg, hyper, Xb, Yb, keys):
    loss = gradients(theta, grad, cfg, Xb, Yb, dropout_multipliers(cfg, hyper[6], hyper[7], keys))
    update_all(theta, grad, m, v, int(hyper[0]), hyper[1], hyper[2], hyper[3], hyper[4], hyper[5], t)
    return loss


def train_epochs(theta, grad, m, v, t, cfg, hyper, X, Y, orders, batch_size, epoch_losses, first_epoch):
    n = X.shape[0]
    for e in range(orders.shape[0]):
        total = 0.0
        for start in range(0, n, batch_size):
            idx = orders[e, start:start + batch_size]
            t += 1
            keys = (first_epoch + e) * n + idx
            total += train_batch(theta, grad, m, v, t, cfg, hyper, X[idx], Y[idx], keys) * len(idx)
        epoch_losses[e] = total / n
        if not np.isfinite(epoch_losses[e]):
            return e + 1, t
    return orders.shape[0], t


def outputs(theta, cfg, X, logits):
    logits[:] = _forward(unpack(theta, cfg), cfg, X)[0]


def attention(theta, cfg, X, out):
    caches = _forward(unpack(theta, cfg), cfg, X)[1][0]
    out[:] = np.stack([c["a"] for c in caches], axis=1)
