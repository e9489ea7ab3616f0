"""The transformer's training one row at a time: the op-by-op stream of one sequence (forward, the
loss at each position, backward) and of a batch's update.

Each op calls one row kernel of dlsim.kernels.transformer (one position's layer norm, one query
against every key, one softmax row, …) on the model's workspace of the sample in hand (model.ws,
model.dws), in the order forward_sample and backward_sample call them, so that the compiled paths
land on the same bits. A gradient accumulator is added to in the same order of positions (and of
heads, then queries) on every path.

Layers, as a learner steps by `layer`: the embeddings; per block its attention sublayer, then its
MLP sublayer; the output (final layer norm and logits); the loss; then backward in reverse, down
to the embeddings, which close the sample.
"""
import numpy as np

from dlsim.kernels import optimizers
from dlsim.kernels import transformer as tk
from dlsim.models.transformer_formulas import Op
from dlsim.protocol.events import BACKWARD, FORWARD, LOSS, UPDATE, Event, Level


def row(a) -> tuple:
    return tuple(float(x) for x in a)


def _masked(scores) -> tuple:
    """A scores row with its masked keys (−∞ in the kernel) as None: an event's −∞ means divergence."""
    return tuple(None if x == -np.inf else float(x) for x in scores)


def _closes(last: bool, level=Level.LAYER):
    return level if last else Level.OP


class _Sample:
    """The numbers one sequence's stream works on: the model's kernels, views and workspaces."""

    def __init__(self, model, s, batch):
        self.m, self.k, self.cfg = model, model.tk, model.cfg
        self.s = int(s)
        self.tokens, self.targets = model.X[s], model.Y[s]
        self.p = model.views()
        self.g = model.views(model.grad)
        self.w = dict(zip(tk.WS, model.ws))
        self.d = dict(zip(tk.DWS, model.dws))
        self.T, self.H, self.L = (int(self.cfg[i]) for i in (tk.CONTEXT, tk.HEADS, tk.LAYERS))
        self.dh = int(self.cfg[tk.DMODEL]) // self.H
        self.pre = bool(self.cfg[tk.PRENORM])
        self.causal = bool(self.cfg[tk.CAUSAL])
        self.scaled = int(self.cfg[tk.SCALED])
        self.scale_by = float(self.k.score_scale(self.dh, self.scaled))
        self.scale = float(self.k.sample_scale(self.targets, batch))
        self.drop = float(model.config["dropout"])
        self.path = f"{model.name}"

    def symbol(self, token) -> str:
        return self.m.vocabulary[int(token)]

    def block(self, l) -> str:
        return f"{self.path}.block[{l}]"

    def head_slice(self, a, h):
        return a[h * self.dh:(h + 1) * self.dh]


# --- forward ------------------------------------------------------------------------------------------
def _embeddings(c):
    X, E, P = c.w["X"], c.p["E"], c.p["P"]
    for t in range(c.T):
        c.k.embed_row(E, P, c.tokens, X, t)
        tok = int(c.tokens[t])
        yield Event(Op.EMBED, FORWARD, f"{c.path}.embed[{t}]", {
            "t": t, "token": c.symbol(tok), "id": tok, "E": row(E[tok]), "P": row(P[t]), "x": row(X[0, t]),
            "sample": c.s}, closes=_closes(t == c.T - 1))


def _norm(c, which, l, x, g, b, y, stats, k, t, last):
    var = c.k.norm_row(x, g, b, y, stats, k, t)
    where = f"{c.block(l)}.{which}[{t}]" if l is not None else f"{c.path}.final_norm[{t}]"
    return Event(Op.NORM, FORWARD, where, {
        "t": t, "norm": which, "x": row(x[t]), "mean": float(stats[k, t]), "var": float(var),
        "rstd": float(stats[k + 1, t]), "g": row(g), "b": row(b), "y": row(y[t])}, closes=_closes(last))


def _dropout(c, l, which, y, t):
    """Row t of a sublayer's output y through dropout's multipliers (in place, as forward_sample
    does); an op of its own only when dropout is on (its multipliers 1 otherwise: x·1 = x)."""
    before = row(y[t])
    keep = c.w["DROP"][l, which]
    c.k.mask_row(y, keep, y, t)
    if c.drop > 0:
        sublayer = ("attention", "mlp")[which]
        yield Event(Op.DROPOUT, FORWARD, f"{c.block(l)}.dropout_{sublayer}[{t}]", {
            "t": t, "sublayer": sublayer, "p": c.drop, "scale": 1.0 / (1.0 - c.drop), "x": before,
            "u": row(c.w["DU"][l, which, t]), "kept": tuple(bool(k > 0) for k in keep[t]), "out": row(y[t])})


def _dropout_back(c, l, which, dy, dx, t):
    """Row t of the gradient back through dropout's multipliers (the same as forward)."""
    c.k.mask_row(dy, c.w["DROP"][l, which], dx, t)
    if c.drop > 0:
        sublayer = ("attention", "mlp")[which]
        yield Event(Op.DROPOUT_BACK, BACKWARD, f"{c.block(l)}.dropout_{sublayer}[{t}]", {
            "t": t, "sublayer": sublayer, "scale": 1.0 / (1.0 - c.drop), "dy": row(dy[t]), "dx": row(dx[t])})


def _attention(c, l):
    w, p = c.w, c.p
    X, N1, Q, K, Vv, C, AO, R1, S, A, ST, DOTS = (w[n] for n in ("X", "N1", "Q", "K", "V", "C", "AO", "R1", "S",
                                                                   "A", "ST", "DOTS"))
    if c.pre:
        for t in range(c.T):
            yield _norm(c, "ln1", l, X[l], p["ln1_g"][l], p["ln1_b"][l], N1[l], ST[l], 0, t, False)
    x_in = N1[l] if c.pre else X[l]
    for t in range(c.T):
        c.k.linear_row(x_in, p["Wq"][l], p["bq"][l], Q[l], t)
        c.k.linear_row(x_in, p["Wk"][l], p["bk"][l], K[l], t)
        c.k.linear_row(x_in, p["Wv"][l], p["bv"][l], Vv[l], t)
        yield Event(Op.PROJECT, FORWARD, f"{c.block(l)}.qkv[{t}]", {
            "t": t, "x": row(x_in[t]), "q": row(Q[l, t]), "k": row(K[l, t]), "v": row(Vv[l, t])})
    for h in range(c.H):
        for i in range(c.T):
            at = f"{c.block(l)}.head[{h}].query[{i}]"
            c.k.scores_row(Q[l], K[l], S[l], DOTS, h, i, c.causal, c.scaled)
            yield Event(Op.SCORES, FORWARD, at, {
                "head": h, "query": i, "q": row(c.head_slice(Q[l, i], h)),
                "keys": tuple(row(c.head_slice(K[l, j], h)) for j in range(c.T)), "dots": row(DOTS),
                "scale": c.scale_by, "masked": tuple(bool(c.causal and j > i) for j in range(c.T)),
                "s": _masked(S[l, h, i])})
            c.k.attend_row(S[l], A[l], h, i)
            yield Event(Op.SOFTMAX, FORWARD, at, {"head": h, "query": i, "s": _masked(S[l, h, i]),
                                                   "a": row(A[l, h, i])})
            c.k.mix_row(A[l], Vv[l], C[l], h, i)
            yield Event(Op.MIX, FORWARD, at, {
                "head": h, "query": i, "a": row(A[l, h, i]),
                "values": tuple(row(c.head_slice(Vv[l, j], h)) for j in range(c.T)),
                "out": row(c.head_slice(C[l, i], h))})
    for t in range(c.T):
        c.k.linear_row(C[l], p["Wo"][l], p["bo"][l], AO[l], t)
        yield Event(Op.OUT, FORWARD, f"{c.block(l)}.out[{t}]", {"t": t, "c": row(C[l, t]), "out": row(AO[l, t])})
        yield from _dropout(c, l, tk.ATTENTION_OUT, AO[l], t)
        c.k.add_row(X[l], AO[l], R1[l], t)
        yield Event(Op.RESIDUAL, FORWARD, f"{c.block(l)}.residual1[{t}]", {
            "t": t, "x": row(X[l, t]), "add": row(AO[l, t]), "sum": row(R1[l, t])}, closes=_closes(t == c.T - 1))


def _mlp(c, l):
    w, p = c.w, c.p
    X, N1, R1, N2, U, G, M, R2, ST = (w[n] for n in ("X", "N1", "R1", "N2", "U", "G", "M", "R2", "ST"))
    mlp_in = N2[l] if c.pre else N1[l]
    for t in range(c.T):
        last = t == c.T - 1
        if c.pre:
            yield _norm(c, "ln2", l, R1[l], p["ln2_g"][l], p["ln2_b"][l], N2[l], ST[l], 2, t, False)
        else:
            yield _norm(c, "ln1", l, R1[l], p["ln1_g"][l], p["ln1_b"][l], N1[l], ST[l], 0, t, False)
        c.k.linear_row(mlp_in, p["W1"][l], p["b1"][l], U[l], t)
        c.k.relu_row(U[l], G[l], t)
        c.k.linear_row(G[l], p["W2"][l], p["b2"][l], M[l], t)
        yield Event(Op.MLP, FORWARD, f"{c.block(l)}.mlp[{t}]", {
            "t": t, "x": row(mlp_in[t]), "u": row(U[l, t]), "g": row(G[l, t]), "m": row(M[l, t])})
        yield from _dropout(c, l, tk.MLP_OUT, M[l], t)
        base = R1[l] if c.pre else N1[l]
        c.k.add_row(base, M[l], R2[l], t)
        if c.pre:   # the block's output row, written before the event so the stream shows it with this op
            X[l + 1, t, :] = R2[l, t]
        yield Event(Op.RESIDUAL, FORWARD, f"{c.block(l)}.residual2[{t}]", {
            "t": t, "x": row(base[t]), "add": row(M[l, t]), "sum": row(R2[l, t])}, closes=_closes(last and c.pre))
        if not c.pre:
            yield _norm(c, "ln2", l, R2[l], p["ln2_g"][l], p["ln2_b"][l], X[l + 1], ST[l], 2, t, last)


def _output(c):
    w, p = c.w, c.p
    for t in range(c.T):
        yield _norm(c, "final", None, w["X"][c.L], p["lnf_g"], p["lnf_b"], w["NF"], w["STF"], 0, t, False)
        c.k.linear_row(w["NF"], p["Wout"], p["bout"], w["LOG"], t)
        yield Event(Op.LOGITS, FORWARD, f"{c.path}.logits[{t}]", {
            "t": t, "x": row(w["NF"][t]), "logits": row(w["LOG"][t])}, closes=_closes(t == c.T - 1))


def _loss(c):
    w, m = c.w, c.m
    onehot = np.zeros(len(m.vocabulary))
    total = 0.0
    for t in range(c.T):
        target = int(c.targets[t])
        share = c.k.position_loss(w["LOG"], w["PR"], onehot, target, c.scale, t)
        total += share
        last = t == c.T - 1
        if last:
            m.batch_loss += total
        values = {"t": t, "scored": target >= 0, "probabilities": row(w["PR"][t]),
                  "predicted": c.symbol(int(np.argmax(w["PR"][t]))), "share": float(share), "sample_loss": total,
                  "batch_loss": m.batch_loss if last else None, "sample": c.s}
        if target >= 0:
            values.update(target=c.symbol(target), p_target=float(w["PR"][t, target]),
                          loss=float(share / c.scale))
        yield Event(Op.LOSS, LOSS, f"{c.path}.loss[{t}]", values, closes=_closes(last))


# --- backward -----------------------------------------------------------------------------------------
def _norm_back(c, which, l, x, g, stats, k, dy, dg, db, dx, t, last=False):
    c.k.norm_back_row(x, g, stats, k, dy, dg, db, dx, t)
    where = f"{c.block(l)}.{which}[{t}]" if l is not None else f"{c.path}.final_norm[{t}]"
    return Event(Op.NORM_BACK, BACKWARD, where, {"t": t, "norm": which, "dy": row(dy[t]), "dx": row(dx[t])},
                 closes=_closes(last))


def _output_back(c):
    w, d, p, g = c.w, c.d, c.p, c.g
    for t in range(c.T):
        c.k.logits_delta_row(w["PR"], c.targets, c.scale, d["dLOG"], t)
        c.k.linear_back_row(w["NF"], p["Wout"], d["dLOG"], g["Wout"], g["bout"], d["dNF"], t)
        target = int(c.targets[t])
        yield Event(Op.LOGITS_BACK, BACKWARD, f"{c.path}.logits[{t}]", {
            "t": t, "probabilities": row(w["PR"][t]), "target": c.symbol(target) if target >= 0 else None,
            "scale": c.scale, "delta": row(d["dLOG"][t]), "dx": row(d["dNF"][t])})
        yield _norm_back(c, "final", None, w["X"][c.L], p["lnf_g"], w["STF"], 0, d["dNF"], g["lnf_g"], g["lnf_b"],
                         d["dX"][c.L], t, t == c.T - 1)


def _residual_back(c, name, l, t, a, b, out, last=False):
    c.k.add_row(a, b, out, t)
    return Event(Op.RESIDUAL_BACK, BACKWARD, f"{c.block(l)}.{name}[{t}]", {
        "t": t, "through": row(a[t]), "branch": row(b[t]), "sum": row(out[t])}, closes=_closes(last))


def _mlp_back(c, l):
    w, d, p, g = c.w, c.d, c.p, c.g
    N1, N2, R1, R2, U, G, ST = (w[n] for n in ("N1", "N2", "R1", "R2", "U", "G", "ST"))
    dX, dR2, dG, dU, dMIN, dLN, dN1, dR1 = (d[n] for n in ("dX", "dR2", "dG", "dU", "dMIN", "dLN", "dN1", "dR1"))
    mlp_in = N2[l] if c.pre else N1[l]
    for t in range(c.T):
        last = t == c.T - 1
        if c.pre:
            dR2[l, t, :] = dX[l + 1, t]
        else:
            yield _norm_back(c, "ln2", l, R2[l], p["ln2_g"][l], ST[l], 2, dX[l + 1], g["ln2_g"][l], g["ln2_b"][l],
                             dR2[l], t)
        yield from _dropout_back(c, l, tk.MLP_OUT, dR2[l], d["dM"][l], t)
        c.k.linear_back_row(G[l], p["W2"][l], d["dM"][l], g["W2"][l], g["b2"][l], dG[l], t)
        c.k.relu_back_row(U[l], dG[l], dU[l], t)
        c.k.linear_back_row(mlp_in, p["W1"][l], dU[l], g["W1"][l], g["b1"][l], dMIN[l], t)
        yield Event(Op.MLP_BACK, BACKWARD, f"{c.block(l)}.mlp[{t}]", {
            "t": t, "dm": row(d["dM"][l, t]), "dg": row(dG[l, t]), "du": row(dU[l, t]), "dx": row(dMIN[l, t])})
        if c.pre:
            yield _norm_back(c, "ln2", l, R1[l], p["ln2_g"][l], ST[l], 2, dMIN[l], g["ln2_g"][l], g["ln2_b"][l],
                             dLN[l], t)
            yield _residual_back(c, "residual2", l, t, dR2[l], dLN[l], dR1[l], last)
        else:
            yield _residual_back(c, "residual2", l, t, dR2[l], dMIN[l], dN1[l])
            yield _norm_back(c, "ln1", l, R1[l], p["ln1_g"][l], ST[l], 0, dN1[l], g["ln1_g"][l], g["ln1_b"][l],
                             dR1[l], t, last)


def _attention_back(c, l):
    w, d, p, g = c.w, c.d, c.p, c.g
    X, N1, Q, K, Vv, C, A, ST = (w[n] for n in ("X", "N1", "Q", "K", "V", "C", "A", "ST"))
    dX, dR1, dC, dA, dS, dQ, dK, dV, dAIN, dLN = (d[n] for n in ("dX", "dR1", "dC", "dA", "dS", "dQ", "dK", "dV",
                                                                  "dAIN", "dLN"))
    for t in range(c.T):
        yield from _dropout_back(c, l, tk.ATTENTION_OUT, dR1[l], d["dAO"][l], t)
        c.k.linear_back_row(C[l], p["Wo"][l], d["dAO"][l], g["Wo"][l], g["bo"][l], dC[l], t)
        yield Event(Op.OUT_BACK, BACKWARD, f"{c.block(l)}.out[{t}]", {"t": t, "dy": row(d["dAO"][l, t]),
                                                                        "dc": row(dC[l, t])})
    dK[l, :, :] = 0.0
    dV[l, :, :] = 0.0
    for h in range(c.H):
        for i in range(c.T):
            at = f"{c.block(l)}.head[{h}].query[{i}]"
            c.k.mix_back_row(A[l], Vv[l], dC[l], dA[l], dV[l], h, i)
            yield Event(Op.MIX_BACK, BACKWARD, at, {
                "head": h, "query": i, "dc": row(c.head_slice(dC[l, i], h)), "a": row(A[l, h, i]),
                "da": row(dA[l, h, i])})
            total = c.k.softmax_back_row(A[l], dA[l], dS[l], h, i)
            yield Event(Op.SOFTMAX_BACK, BACKWARD, at, {
                "head": h, "query": i, "a": row(A[l, h, i]), "da": row(dA[l, h, i]),
                "weighted": float(total), "ds": row(dS[l, h, i])})
            c.k.scores_back_row(Q[l], K[l], dS[l], dQ[l], dK[l], h, i, c.scaled)
            yield Event(Op.SCORES_BACK, BACKWARD, at, {
                "head": h, "query": i, "ds": row(dS[l, h, i]), "scale": c.scale_by,
                "dq": row(c.head_slice(dQ[l, i], h))})
    x_in = N1[l] if c.pre else X[l]
    for t in range(c.T):
        last = t == c.T - 1
        for name in ("q", "k", "v"):
            c.k.weight_grads_row(x_in, d[f"d{name.upper()}"][l], g[f"W{name}"][l], g[f"b{name}"][l], t)
        c.k.qkv_back_row(p["Wq"][l], p["Wk"][l], p["Wv"][l], dQ[l], dK[l], dV[l], dAIN[l], t)
        yield Event(Op.PROJECT_BACK, BACKWARD, f"{c.block(l)}.qkv[{t}]", {
            "t": t, "dq": row(dQ[l, t]), "dk": row(dK[l, t]), "dv": row(dV[l, t]), "dx": row(dAIN[l, t])})
        if c.pre:
            yield _norm_back(c, "ln1", l, X[l], p["ln1_g"][l], ST[l], 0, dAIN[l], g["ln1_g"][l], g["ln1_b"][l],
                             dLN[l], t)
            yield _residual_back(c, "residual1", l, t, dR1[l], dLN[l], dX[l], last)
        else:
            yield _residual_back(c, "residual1", l, t, dR1[l], dAIN[l], dX[l], last)


def _embeddings_back(c):
    learned = c.m.config["position"] == "learned"
    dX = c.d["dX"]
    for t in range(c.T):
        c.k.embed_back_row(dX, c.tokens, c.g["E"], c.g["P"], t, learned)
        yield Event(Op.EMBED_BACK, BACKWARD, f"{c.path}.embed[{t}]", {
            "t": t, "token": c.symbol(c.tokens[t]), "dx": row(dX[0, t]), "learned_position": learned},
            closes=_closes(t == c.T - 1, Level.SAMPLE))


def sample_events(model, s, batch):
    """Forward, loss and backward of one sequence (row s), one row op at a time."""
    if model.sample == 0:
        model.grad[:] = 0.0
    for scratch in model.ws + model.dws:   # what the pictures show: NaN until an op computes it
        scratch[...] = np.nan
    c = _Sample(model, s, batch)
    c.k.draw_dropout(int(model.config["seed"]), int(model.dropout_keys([s])[0]), c.drop, c.w["DROP"], c.w["DU"])
    yield from _embeddings(c)
    for l in range(c.L):
        yield from _attention(c, l)
        yield from _mlp(c, l)
    yield from _output(c)
    yield from _loss(c)
    yield from _output_back(c)
    for l in range(c.L - 1, -1, -1):
        yield from _mlp_back(c, l)
        yield from _attention_back(c, l)
    yield from _embeddings_back(c)


def update_events(model, n_rows):
    """One optimizer step, one parameter (a whole matrix or vector) at a time, in theta's order: the
    same per-element arithmetic as the compiled update of the whole buffer."""
    model.steps += 1
    kind, lr, mu, b1, b2, eps = model.optimizer_settings()
    start = 0
    for key, view in model.views().items():
        for l in range(view.shape[0] if key in tk.PARAMS[2:18] else 1):
            part = view[l] if key in tk.PARAMS[2:18] else view
            stop = start + part.size
            old = model.theta[start:stop].copy()
            model.optimizer_ops.update_all(model.theta[start:stop], model.grad[start:stop], model.m[start:stop],
                                           model.v[start:stop], kind, lr, mu, b1, b2, eps, model.steps)
            change = model.theta[start:stop] - old
            at = int(np.argmax(np.abs(change)))
            grad = model.grad[start:stop]
            name = f"layer[{l}].{key}" if key in tk.PARAMS[2:18] else key
            if model.learned(key):
                yield Event(Op.UPDATE, UPDATE, f"{model.name}.{name}", {
                    "param": name, "optimizer": optimizers.NAMES[kind], "lr": lr, "t": model.steps,
                    "grad_norm": float(np.sqrt((grad ** 2).sum())), "change": float(np.sqrt((change ** 2).sum())),
                    "where": ",".join(map(str, np.unravel_index(at, part.shape))), "grad": float(grad[at]),
                    "old": float(old[at]), "new": float(model.theta[start + at])})
            start = stop
    yield model.batch_done(n_rows)
