"""The MLP's ops, their names and how the math panel writes them (with the kernels' numbers)."""
from dlsim.models.neuron_formulas import epoch_summary, loss_rule, so_far, weighted_sum
from dlsim.protocol.metrics import LOSS_AND_ACCURACY
from dlsim.protocol.numbers import count, fac, num, product, sum_of
from dlsim.protocol.paths import parse


class Op:
    WEIGHTED_SUM = "weighted_sum"
    ACTIVATION = "activation"
    SOFTMAX = "softmax"
    LOSS = "loss"
    DELTA = "delta"
    GRAD = "grad"
    UPDATE = "update"
    BATCH = "batch"
    EPOCH = "epoch"


METRICS = LOSS_AND_ACCURACY


def activation(event) -> str:
    v = event.values
    return f"a = {v['fn']}({num(v['z'])}) = {num(v['a'])}"


def softmax(event) -> str:
    v = event.values
    return "a = softmax(" + ", ".join(num(z) for z in v["z"]) + ") = (" + ", ".join(num(a) for a in v["a"]) + ")"


LISTED = 16   # outputs a loss writes one by one; past that, the vectors' ends and their length


def _listed(texts: list[str]) -> str:
    """'0.496, 0.502, 0.509, …, 0.511 (64 values)' past LISTED: an autoencoder's 64 pixels, twice,
    ran past what the math panel holds, and it then showed no line of the loss at all."""
    if len(texts) <= LISTED:
        return ", ".join(texts)
    return ", ".join(texts[:3]) + f", …, {texts[-1]} ({len(texts)} values)"


def loss(event) -> str:
    v = event.values
    pred = _listed([num(p) for p in v["prediction"]])
    # a class's 0 or 1 whole, a regression target (diffusion's ε, an autoencoder's input) as it is
    target = _listed([num(t, 0) if float(t).is_integer() else num(t) for t in v["target"]])
    rule = loss_rule(v["fn"], len(v["prediction"]))
    return f"{v['fn']}(ŷ = {pred}, y = {target}) = {rule} = {num(v['loss'])}   {so_far(v)}"


def delta(event) -> str:
    v = event.values
    if "sum" in v:
        terms = [product(d, w) for w, d in zip(v["weights"], v["deltas"])]
        return f"δ = f'(z)·Σ w·δ = {fac(v['fprime'])}·({sum_of(terms)}) = {num(v['delta'])}"
    if v.get("fprime") is None:   # cross-entropy after a sigmoid or softmax: f'(z) cancels
        return f"δ = (ŷ − y)/batch = {num(v['delta'])}   (cross-entropy: f'(z) cancels)"
    return f"δ = ∂L/∂a·f'(z) = {fac(v['dL_da'])}·{fac(v['fprime'])} = {num(v['delta'])}"


def grad(event) -> str:
    v = event.values
    if "a" in v:
        return f"∂L/∂w += a·δ = {fac(v['a'])}·{fac(v['delta'])} = {num(v['contribution'])}   total {num(v['total'])}"
    return f"∂L/∂b += δ = {num(v['delta'])}   total {num(v['total'])}"


def update(event) -> str:
    v = event.values
    p = "b" if parse(event.path).is_bias() else "w"
    if v["optimizer"] == "sgd":
        return f"{p} ← {p} − lr·∂L/∂{p} = {num(v['old'])} − {num(v['lr'])}·{fac(v['grad'])} = {num(v['new'])}"
    if v["optimizer"] == "momentum":
        return (f"v ← μv + ∂L/∂{p} = {num(v['velocity'])};  {p} ← {p} − lr·v = {num(v['old'])} − "
                f"{num(v['lr'])}·{fac(v['velocity'])} = {num(v['new'])}")
    # m̂/(√v̂ + ε), the step in units of lr, read back from what the kernel did (the event does not
    # carry β₁, β₂ and ε): at t = 1 it is ±1 for every weight, whatever the size of its gradient
    ratio = (v["old"] - v["new"]) / v["lr"]
    return (f"adam (t={v['t']}): m = {num(v['m'])}, v = {num(v['v'], 5)};  {p} ← {p} − lr·m̂/(√v̂ + ε) = "
            f"{num(v['old'])} − {num(v['lr'])}·{fac(ratio)} = {num(v['new'])}")


def batch(event) -> str:
    v = event.values
    return f"step {count(v['step'])} done: batch loss {num(v['loss'])}"


FORMULAS = {Op.WEIGHTED_SUM: weighted_sum, Op.ACTIVATION: activation, Op.SOFTMAX: softmax, Op.LOSS: loss,
            Op.DELTA: delta, Op.GRAD: grad, Op.UPDATE: update, Op.BATCH: batch,
            Op.EPOCH: epoch_summary(METRICS)}
