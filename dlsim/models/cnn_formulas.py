"""The CNN's ops, their names, and how the math panel writes each one with the numbers the kernels used."""
import math

from dlsim.models.mlp_formulas import activation, loss, softmax
from dlsim.models.neuron_formulas import epoch_summary, weighted_sum
from dlsim.protocol.metrics import LOSS_AND_ACCURACY
from dlsim.protocol.numbers import count, fac, num, product, sum_of


class Op:
    CONV = "conv"                   # one kernel position: Σ window·K + b
    ACTIVATION = "activation"       # one feature-map cell (or one hidden dense neuron)
    POOL = "pool"                   # one 2×2 window: its max and the winner, or its mean
    FLATTEN = "flatten"             # the last pooled maps read as one vector
    WEIGHTED_SUM = "weighted_sum"   # one dense neuron
    SOFTMAX = "softmax"
    LOSS = "loss"
    DELTA = "delta"                 # an output's δ, or a hidden dense neuron's
    GRAD = "grad"                   # one dense neuron's ∂W column and ∂b
    UNFLATTEN = "unflatten"         # the δ reaching one pooled map from the dense layer
    POOL_BACK = "pool_back"         # one pooled δ routed into its window
    MASK = "mask"                   # one cell's δ = ∂L/∂a · f'(z) (the ReLU mask)
    DK = "dK"                       # one position's window·δ added to ∂K
    DB = "db"                       # a kernel's ∂b: the sum of its map's δ
    BELOW = "below"                 # the δ reaching one input cell of a conv layer (full convolution)
    UPDATE = "update"               # one kernel's (or one dense neuron's) optimizer step
    BATCH = "batch"
    EPOCH = "epoch"


METRICS = LOSS_AND_ACCURACY
SHOWN = 4   # terms of a long sum written out before "…"


def _cell(v) -> str:
    return f"({v['r']},{v['c']})"


def conv(event) -> str:
    v = event.values
    terms = [product(x, w) for x, w in zip(v["window"], v["weights"])]
    return (f"z{_cell(v)} = Σ window·K + b = {sum_of(terms, SHOWN)} + {fac(v['bias'])} "
            f"= {num(v['sum'])} + {fac(v['bias'])} = {num(v['z'])}")


def pool(event) -> str:
    v = event.values
    cells = ", ".join(num(a) for a in v["window"])
    if v["kind"] == "max":
        text = f"p{_cell(v)} = max({cells}) = {num(v['value'])}   winner: cell {v['winner']} of the window"
    elif v["kind"] == "mean":
        text = f"p{_cell(v)} = mean({cells}) = {num(v['value'])}"
    else:
        text = f"p{_cell(v)} = a{_cell(v)} = {num(v['value'])}   (no pooling)"
    return text + (f";  {pooled_map(v)}" if "pooled" in v else "")


# a pool pass lists its winners up to here: a 28×28 image's 169 took ten lines, more than the math
# panel holds, and it then showed none of the pass (a text is shown whole or not at all)
WINNERS_LISTED = 9   # the default 8×8 image's 3×3 pooled map, whole


def pooled_map(v) -> str:
    """The whole pool pass of a map (its last window's event carries it): the feature map's range, the
    pooled map's, and which cell of each window won (max pooling)."""
    rows, cols = v["shape"]
    low, high = v["feature_range"]
    text = (f"map {v['f']} pooled: feature map {num(low)} … {num(high)} → pooled {rows}×{cols} "
            f"{num(min(v['pooled']))} … {num(max(v['pooled']))}")
    if v.get("winners") is not None:
        winners = v["winners"]
        cells = [f"({2 * (i // cols) + w // 2},{2 * (i % cols) + w % 2})" for i, w in enumerate(winners[:WINNERS_LISTED])]
        more = f" … {count(len(winners))} in all, marked on the stage" if len(winners) > WINNERS_LISTED else ""
        text += f"; winners at {' '.join(cells)}{more}"
    return text


def flatten(event) -> str:
    v = event.values
    return f"flatten: {v['maps']} maps of {v['shape']} → a vector of {count(v['size'])} inputs for the dense layer"


def delta(event) -> str:
    v = event.values
    if "sum" in v:
        terms = [product(d, w) for w, d in zip(v["weights"], v["deltas"])]
        return f"δ = f'(z)·Σ w·δ = {fac(v['fprime'])}·({sum_of(terms, SHOWN)}) = {num(v['delta'])}"
    return (f"δ = (ŷ − y)/batch = ({num(v['probability'])} − {num(v['target'], 0)})·{fac(v['scale'])} "
            f"= {num(v['delta'])}   (softmax + cross-entropy: f'(z) cancels)")


def grad(event) -> str:
    v = event.values
    return (f"∂W[:,{v['neuron']}] += a·δ with δ = {num(v['delta'])} ({count(len(v['inputs']))} inputs); "
            f"∂b += δ: total {num(v['db'])}")


def unflatten(event) -> str:
    v = event.values
    return (f"δ into pooled map {v['f']}: Σ_j W·δ for each of its {count(len(v['deltas']))} cells "
            f"(largest |δ| {num(max(map(abs, v['deltas'])))})")


def pool_back(event) -> str:
    v = event.values
    routed = ", ".join(num(d) for d in v["routed"])
    if v["kind"] == "max":
        return f"δ{_cell(v)} = {num(v['delta'])} → all of it to the winner (cell {v['winner']}): ({routed})"
    if v["kind"] == "mean":
        return f"δ{_cell(v)} = {num(v['delta'])} → a quarter to each cell: ({routed})"
    return f"δ{_cell(v)} = {num(v['delta'])} passes straight through"


def mask(event) -> str:
    v = event.values
    why = ("z > 0: passes" if v["fprime"] else "z ≤ 0: blocked") if v["fn"] == "relu" else f"1 − a² = {num(v['fprime'])}"
    return f"δ{_cell(v)} = ∂L/∂a·f'(z) = {fac(v['dL_da'])}·{fac(v['fprime'])} = {num(v['delta'])}   ({why})"


def dK(event) -> str:
    v = event.values
    return (f"∂K += window·δ{_cell(v)} with δ = {num(v['delta'])}: ∂K[0,0] += {product(v['window'][0], v['delta'])} "
            f"→ {num(v['total'][0])}")


def db(event) -> str:
    v = event.values
    text = f"∂b[{v['f']}] = Σ δ over the {count(v['cells'])} cells of its map = {num(v['total'])}"
    if "kernel_grads" in v:
        text += ";  " + layer_gradient(v)
    return text


def grid(values, k: int) -> str:
    """A k×k grid of numbers on one line, row by row: [a b c; d e f; g h i]."""
    return "[" + "; ".join(" ".join(num(x) for x in values[r * k:(r + 1) * k]) for r in range(k)) + "]"


def layer_gradient(v) -> str:
    """Every kernel's ∂K (its first channel, where it has several) and ∂b: the layer's gradient so far."""
    channel = f" (channel 0 of {v['channels']})" if v["channels"] > 1 else ""
    parts = [f"∂K{f} = {grid(g, v['size'])}, ∂b{f} = {num(b)}"
             for f, (g, b) in enumerate(zip(v["kernel_grads"], v["bias_grads"]))]
    return f"the layer's gradient so far{channel}: " + " · ".join(parts)


def below(event) -> str:
    v = event.values
    return (f"δ_in({v['y']},{v['x']}) = Σ δ·K (flipped kernel) = {sum_of([num(t) for t in v['terms']] or ['0'], SHOWN)}"
            f" = {num(v['delta'])}")


def update(event) -> str:
    """The first weight's step written out with the numbers the optimizer used (the rest of the kernel
    or neuron moves the same way, each by its own gradient)."""
    v = event.values
    w = v["name"]
    old, g, new = v["old"][0], v["grad"][0], v["new"][0]
    if v["optimizer"] == "frozen":
        return f"{v['what']} is frozen: no update ({w} stays {num(old)})"
    if v["optimizer"] == "sgd":
        step = f"{w} ← {w} − lr·∂L/∂{w} = {num(old)} − {num(v['lr'])}·{fac(g)} = {num(new)}"
    elif v["optimizer"] == "momentum":
        vel = v["velocity"][0]
        step = (f"v ← μ·v + ∂L/∂{w} = {num(vel)} (μ {num(v['mu'])}, ∂L/∂{w} {num(g)});  "
                f"{w} ← {w} − lr·v = {num(old)} − {num(v['lr'])}·{fac(vel)} = {num(new)}")
    else:
        t, m, s2 = v["t"], v["m"][0], v["v"][0]
        m_hat, v_hat = m / (1.0 - v["beta1"] ** t), s2 / (1.0 - v["beta2"] ** t)
        step = (f"(t = {count(t)}) m = {num(m)}, v = {num(s2)} (∂L/∂{w} {num(g)}); m̂ = {num(m_hat)}, "
                f"v̂ = {num(v_hat)};  {w} ← {w} − lr·m̂/(√v̂ + ε) = {num(old)} − {num(v['lr'])}·{fac(m_hat)}"
                f"/{num(math.sqrt(v_hat))} = {num(new)}")
    others = len(v["old"]) - 1
    return (f"{v['optimizer']} step on {v['what']}: {step}; its other {count(others)} weights the same way, "
            f"each with its own gradient (largest change {num(v['largest'])})")


def batch(event) -> str:
    v = event.values
    return f"step {count(v['step'])} done: batch loss {num(v['loss'])}"


FORMULAS = {Op.CONV: conv, Op.ACTIVATION: activation, Op.POOL: pool, Op.FLATTEN: flatten,
            Op.WEIGHTED_SUM: weighted_sum, Op.SOFTMAX: softmax, Op.LOSS: loss, Op.DELTA: delta, Op.GRAD: grad,
            Op.UNFLATTEN: unflatten, Op.POOL_BACK: pool_back, Op.MASK: mask, Op.DK: dK, Op.DB: db,
            Op.BELOW: below, Op.UPDATE: update, Op.BATCH: batch, Op.EPOCH: epoch_summary(METRICS)}
