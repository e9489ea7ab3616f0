"""What the RNN's and the LSTM's math panels write the same way: a unit's weighted sum at time t, the
output and the step's loss, the output's δ, a time step's gradient contributions and ‖δh_t‖, the
clip, the update of one parameter, the batch and the epoch. rnn_formulas and lstm_formulas add
their own ops (the activation; the gates and the cell)."""
from dlsim.models.neuron_formulas import epoch_summary, loss_rule, so_far
from dlsim.protocol.metrics import LOSS_AND_ACCURACY, Metric
from dlsim.protocol.numbers import count, fac, num, product, sum_of


class Op:
    SUM = "weighted_sum"
    OUTPUT = "output"
    LOSS = "loss"
    OUTPUT_DELTA = "output_delta"
    GRAD = "grad"
    INITIAL = "initial_grad"
    CLIP = "clip"
    UPDATE = "update"
    BATCH = "batch"
    EPOCH = "epoch"


METRICS = LOSS_AND_ACCURACY + (
    Metric("grad_norm", "gradient norm", "‖∇‖", chart="‖∇‖ per epoch", lower_is_better=None, live=False),
)


def vector(values, limit: int = 6) -> str:
    values = list(values)
    shown = [num(v) for v in values[:limit]] + (["…"] if len(values) > limit else [])
    return "(" + ", ".join(shown) + ")"


def previous(t: int) -> str:
    """The state entering step t: h_{t−1}, or the initial state at t = 0."""
    return f"h_{t - 1}" if t > 0 else "h_init"


def terms(v) -> str:
    """b + W_x·x_t + W_h·h_{t−1}, term by term (abbreviated past a few)."""
    xs = [product(x, w) for x, w in zip(v["x"], v["wx"])]
    hs = [product(h, w) for h, w in zip(v["h"], v["wh"])]
    parts = [num(v["bias"]), "(" + sum_of(xs) + ")"] + (["(" + sum_of(hs) + ")"] if hs else [])
    return " + ".join(parts)


def weighted_sum(event) -> str:
    v = event.values
    return f"z = b + W_x·x_{v['t']} + W_h·{previous(v['t'])} = {terms(v)} = {num(v['z'])}"


def output(event) -> str:
    """The step's whole result: its state h_t (and a cell's c_t), then ŷ_t, always the logits (the
    scores before any softmax; the loss line writes the softmax's probabilities)."""
    v = event.values
    t = v["t"]
    state = f"h_{t} = {vector(v['h'], 4)}" + (f", c_{t} = {vector(v['c'], 4)}" if "c" in v else "")
    kind = " (logits, before the softmax)" if v.get("softmax") else ""
    return f"t = {t}: {state};  ŷ_{t} = W_y·h_{t} + b_y = {vector(v['logits'])}{kind}"


def loss(event) -> str:
    """ŷ_t is the output layer's logits everywhere; a softmax loss names its probabilities p_t."""
    v = event.values
    rule = loss_rule(v['fn'], len(v['prediction']))
    shown = f"ŷ_{v['t']}"
    if v['fn'] == "softmax_ce":
        shown, rule = f"p_{v['t']} = softmax(ŷ_{v['t']})", rule.replace("ŷ", "p")
    return (f"{v['fn']}({shown} = {vector(v['prediction'])}, y = {vector(v['target'])}) = "
            f"{rule} = {num(v['loss'])}   {so_far(v, None)}")


def output_delta(event) -> str:
    v = event.values
    return (f"t = {v['t']}: δy = ∂L/∂ŷ = {vector(v['dy'])};  ∂W_y += δy·h_{v['t']}ᵀ, ∂b_y += δy"
            + ("   (✂ truncate cuts the sequence into chunks of k steps, not a sliding window: nothing "
               "flows back from t + 1, the next chunk)" if v.get("cut") else ""))


def grad(event) -> str:
    v = event.values
    return (f"t = {v['t']}: ‖δh_{v['t']}‖ = {num(v['dh_norm'])};  ∂W_x += δ·x_{v['t']}ᵀ (‖+‖ {num(v['dwx'])}), "
            f"∂W_h += δ·{previous(v['t'])}ᵀ (‖+‖ {num(v['dwh'])});  ‖∂W_h‖ so far {num(v['wh_total'])}")


def initial(event) -> str:
    v = event.values
    return f"∂h₀ += what reached t = 0: {vector(v['carry'])}"


def clip(event) -> str:
    v = event.values
    if v["threshold"] <= 0:
        return f"‖∇‖ = {num(v['before'])} (clipping off)"
    if v["fired"]:
        return (f"clip: ‖∇‖ = {num(v['before'])} > {num(v['threshold'])}: every gradient × "
                f"{fac(v['threshold'] / v['before'])} → ‖∇‖ = {num(v['after'])}")
    return f"no clip: ‖∇‖ = {num(v['before'])} ≤ {num(v['threshold'])}"


def update(event) -> str:
    v = event.values
    return (f"{v['param']} ← {v['optimizer']} step with lr {num(v['lr'])}: ‖Δ‖ = {num(v['change'])}; "
            f"largest at [{v['where']}]: {num(v['old'])} → {num(v['new'])}")


def batch(event) -> str:
    v = event.values
    clipped = f", clipped to {num(v['after'])}" if v["after"] < v["before"] else ""
    return f"step {count(v['step'])} done: batch loss {num(v['loss'])}, ‖∇‖ {num(v['before'])}{clipped}"


FORMULAS = {Op.SUM: weighted_sum, Op.OUTPUT: output, Op.LOSS: loss, Op.OUTPUT_DELTA: output_delta,
            Op.GRAD: grad, Op.INITIAL: initial, Op.CLIP: clip, Op.UPDATE: update, Op.BATCH: batch,
            Op.EPOCH: epoch_summary(METRICS)}
