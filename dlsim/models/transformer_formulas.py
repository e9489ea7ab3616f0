"""The transformer's ops and how the math panel writes each one, with the kernels' own numbers: one
query against every key (its dot products term by term, the scale, the mask), the softmax row, the
weighted sum of V, a layer norm's mean, variance and output, the MLP, the residuals; backward through
the softmax's Jacobian into Q, K and V, down to the embeddings."""
from dlsim.models.mlp_formulas import batch
from dlsim.models.neuron_formulas import epoch_summary
from dlsim.models.recurrent_formulas import vector
from dlsim.protocol.metrics import LOSS_AND_ACCURACY, Metric
from dlsim.protocol.numbers import fac, num, product, sum_of


class Op:
    EMBED = "embed"
    NORM = "layer_norm"
    PROJECT = "qkv"
    SCORES = "scores"
    SOFTMAX = "softmax"
    MIX = "weighted_sum"
    OUT = "out_proj"
    RESIDUAL = "residual"
    DROPOUT = "dropout"
    MLP = "mlp"
    LOGITS = "logits"
    LOSS = "loss"
    LOGITS_BACK = "logits_back"
    NORM_BACK = "layer_norm_back"
    MLP_BACK = "mlp_back"
    RESIDUAL_BACK = "residual_back"
    DROPOUT_BACK = "dropout_back"
    OUT_BACK = "out_proj_back"
    MIX_BACK = "weighted_sum_back"
    SOFTMAX_BACK = "softmax_back"
    SCORES_BACK = "scores_back"
    PROJECT_BACK = "qkv_back"
    EMBED_BACK = "embed_back"
    UPDATE = "update"
    BATCH = "batch"
    EPOCH = "epoch"


METRICS = LOSS_AND_ACCURACY + (
    Metric("test_seq_acc", "test sequences wholly right", "test seq acc", chart="sequences right",
           lower_is_better=False, limits=(0.0, 1.0)),
)


def embed(event) -> str:
    v = event.values
    return f"x_{v['t']} = E['{v['token']}'] + P[{v['t']}] = {vector(v['E'], 3)} + {vector(v['P'], 3)} = {vector(v['x'], 4)}"


def layer_norm(event) -> str:
    v = event.values
    return (f"{v['norm']} at {v['t']}: μ = {num(v['mean'])}, σ² = {num(v['var'])}, "
            f"y = g⊙(x − μ)/√(σ² + ε) + b = {vector(v['y'], 4)}")


def qkv(event) -> str:
    v = event.values
    return f"q_{v['t']} = x·W_q + b_q = {vector(v['q'], 3)},  k_{v['t']} = {vector(v['k'], 3)},  v_{v['t']} = {vector(v['v'], 3)}"


def scores(event) -> str:
    """The first key's dot product term by term, then the whole row scaled and masked."""
    v = event.values
    i = v["query"]
    terms = sum_of([product(q, k) for q, k in zip(v["q"], v["keys"][0])], limit=3)
    shown = ", ".join("−∞" if s is None else num(s) for s in v["s"])
    masked = sum(v["masked"])
    mask = f", {masked} later key{'s' * (masked > 1)} masked (−∞)" if masked else ""
    return (f"head {v['head'] + 1}, query {i}: q·k_0 = {terms} = {num(v['dots'][0])};  "
            f"s = q·k/√d = ×{num(v['scale'])}{mask}: ({shown})")


def softmax(event) -> str:
    v = event.values
    return f"head {v['head'] + 1}, query {v['query']}: a = softmax(s) = {vector(v['a'], 8)}"


def weighted_sum(event) -> str:
    v = event.values
    terms = sum_of([product(a, row[0]) for a, row in zip(v["a"], v["values"])], limit=3)
    return f"head {v['head'] + 1}, query {v['query']}: out = Σ_j a_j·v_j; first feature {terms} = {num(v['out'][0])}"


def out_proj(event) -> str:
    v = event.values
    return f"o_{v['t']} = concat(heads)·W_O + b_O = {vector(v['out'], 4)}"


def residual(event) -> str:
    v = event.values
    return f"x + sublayer(x) at {v['t']}: {vector(v['x'], 3)} + {vector(v['add'], 3)} = {vector(v['sum'], 3)}"


def dropout(event) -> str:
    """A sublayer's output row through dropout: which units fell (u < p) and the survivors' scale."""
    v = event.values
    dropped = [d for d, kept in enumerate(v["kept"]) if not kept]
    fell = f"units {', '.join(map(str, dropped))} dropped (u < {num(v['p'])})" if dropped else "none dropped"
    return (f"dropout of the {v['sublayer']} at {v['t']}: u = {vector(v['u'], 3)}; {fell}; the rest ×1/(1−p) = "
            f"×{num(v['scale'])}: {vector(v['out'], 4)}")


def dropout_back(event) -> str:
    v = event.values
    return f"dropout back at {v['t']}: ∂ passes where kept, ×{num(v['scale'])}; 0 where dropped: {vector(v['dx'], 4)}"


def mlp(event) -> str:
    v = event.values
    return f"MLP at {v['t']}: u = x·W₁ + b₁, g = ReLU(u) = {vector(v['g'], 4)}, m = g·W₂ + b₂ = {vector(v['m'], 4)}"


def logits(event) -> str:
    v = event.values
    return f"z_{v['t']} = LN(x)·W_out + b_out = {vector(v['logits'], 6)}"


def loss(event) -> str:
    v = event.values
    if not v["scored"]:
        return f"position {v['t']}: predicts '{v['predicted']}' (no loss here: not part of the answer)"
    return (f"position {v['t']}: −log p('{v['target']}') = −log {num(v['p_target'])} = {num(v['loss'])} "
            f"(predicts '{v['predicted']}'); share {num(v['share'])}")


def logits_back(event) -> str:
    v = event.values
    if v["target"] is None:
        return f"position {v['t']}: no loss, δ = 0"
    return f"δ_{v['t']} = scale·(p − onehot('{v['target']}')) = {fac(v['scale'])}·(…) = {vector(v['delta'], 6)}"


def layer_norm_back(event) -> str:
    v = event.values
    return (f"{v['norm']} back at {v['t']}: ∂x = (∂x̂ − mean(∂x̂) − x̂·mean(∂x̂⊙x̂))/σ = {vector(v['dx'], 4)}")


def mlp_back(event) -> str:
    v = event.values
    return f"MLP back at {v['t']}: ∂g = W₂·∂m, ∂u = ∂g⊙[u > 0], ∂x = W₁·∂u = {vector(v['dx'], 4)}"


def residual_back(event) -> str:
    v = event.values
    return f"the residual passes ∂ through and adds the branch's: {vector(v['through'], 3)} + {vector(v['branch'], 3)} = {vector(v['sum'], 3)}"


def out_proj_back(event) -> str:
    v = event.values
    return f"∂concat(heads)_{v['t']} = W_O·∂o = {vector(v['dc'], 4)}"


def weighted_sum_back(event) -> str:
    v = event.values
    return f"head {v['head'] + 1}, query {v['query']}: ∂a_j = ∂out·v_j = {vector(v['da'], 8)};  ∂v_j += a_j·∂out"


def softmax_back(event) -> str:
    v = event.values
    return (f"head {v['head'] + 1}, query {v['query']}: ∂s_j = a_j·(∂a_j − Σ_k a_k·∂a_k), Σ = {num(v['weighted'])}: "
            f"{vector(v['ds'], 8)}")


def scores_back(event) -> str:
    v = event.values
    return (f"head {v['head'] + 1}, query {v['query']}: ∂q = Σ_j ∂s_j·k_j·{num(v['scale'])} = {vector(v['dq'], 4)};  "
            f"∂k_j += ∂s_j·q·{num(v['scale'])}")


def qkv_back(event) -> str:
    v = event.values
    return f"∂x_{v['t']} = W_q·∂q + W_k·∂k + W_v·∂v = {vector(v['dx'], 4)}"


def embed_back(event) -> str:
    v = event.values
    into = "E['" + v["token"] + "']" + (f" and P[{v['t']}]" if v["learned_position"] else "")
    return f"∂x_{v['t']} = {vector(v['dx'], 4)} into {into}"


def update(event) -> str:
    v = event.values
    return (f"{v['param']} ({v['optimizer']}, lr {num(v['lr'])}): ‖∂‖ = {num(v['grad_norm'])}, moved by "
            f"{num(v['change'])}; largest at [{v['where']}]: {num(v['old'])} → {num(v['new'])}")


FORMULAS = {Op.EMBED: embed, Op.NORM: layer_norm, Op.PROJECT: qkv, Op.SCORES: scores, Op.SOFTMAX: softmax,
            Op.MIX: weighted_sum, Op.OUT: out_proj, Op.RESIDUAL: residual, Op.MLP: mlp, Op.LOGITS: logits,
            Op.LOSS: loss, Op.LOGITS_BACK: logits_back, Op.NORM_BACK: layer_norm_back, Op.MLP_BACK: mlp_back,
            Op.RESIDUAL_BACK: residual_back, Op.OUT_BACK: out_proj_back, Op.MIX_BACK: weighted_sum_back,
            Op.SOFTMAX_BACK: softmax_back, Op.SCORES_BACK: scores_back, Op.PROJECT_BACK: qkv_back,
            Op.EMBED_BACK: embed_back, Op.DROPOUT: dropout, Op.DROPOUT_BACK: dropout_back, Op.UPDATE: update, Op.BATCH: batch, Op.EPOCH: epoch_summary(METRICS)}
