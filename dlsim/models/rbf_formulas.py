"""The RBF network's ops, their names and metrics, and how the math panel writes them (with the
numbers the kernels used)."""
from dlsim.kernels.rbf import DELTA, KMEANS, SOLVE
from dlsim.models.neuron_formulas import epoch_summary, so_far
from dlsim.protocol.metrics import Metric
from dlsim.protocol.numbers import count, fac, num, product, sum_of


class Op:
    DISTANCE = "distance"      # ‖x − c_j‖² of one unit
    GAUSSIAN = "gaussian"      # φ_j = exp(−d²/2σ²)
    OUTPUT = "output"          # ŷ = b + Σ w_j φ_j
    LOSS = "loss"
    DELTA = "delta"            # δ = ∂L/∂ŷ
    GRAD = "grad"              # one parameter's gradient
    UPDATE = "update"          # one parameter's optimizer step
    ASSIGN = "assign"          # k-means: a sample to its nearest centre
    MOVE = "move"              # k-means: a centre to the mean of its samples
    ROW = "row"                # the normal equations take one sample's φ
    SOLVE = "solve"            # the least-squares solve of the output weights
    BATCH = "batch"
    EPOCH = "epoch"


# k-means is not a forward pass: its first step has a phase of its own (the protocol leaves a model
# its own names, as the RBM's positive and negative), so the badge reads ASSIGN while each sample's
# distances are measured and it goes to its nearest centre. The second, each centre moved to the mean
# of its samples, is Lloyd's own "update step": phase update, as the delta rule's and the solve's.
ASSIGN_PHASE = "assign"

METRICS = (
    Metric("train_loss", "train loss (MSE)", "train loss", chart="loss"),
    Metric("train_acc", "train accuracy", "train acc", chart="accuracy", lower_is_better=False, limits=(0.0, 1.0),
           classes=True),
    Metric("test_loss", "test loss (MSE)", "test loss", chart="loss"),
    Metric("test_acc", "test accuracy", "test acc", chart="accuracy", lower_is_better=False, limits=(0.0, 1.0),
           classes=True),
    # a k-means pass's own objective (its epoch's `loss` is the network's MSE, so that one curve and
    # the divergence watchdog follow one quantity across the stages)
    Metric("distortion", "k-means distortion (mean ‖x − c‖² to the nearest centre)", "distortion", live=False),
)

STAGES = {KMEANS: "kmeans", SOLVE: "solve", DELTA: "delta"}   # what an epoch does, as events and inspect say it
SOLVE_SHOWN = 6   # the normal equations are written out up to this many unknowns (K + 1)


def _vector(values) -> str:
    return "(" + ", ".join(num(v) for v in values) + ")"


def distance(event) -> str:
    v = event.values
    terms = [f"({num(x)} − {fac(c)})²" for x, c in zip(v["x"], v["c"])]   # (−2.450 − (−2.410))²
    return f"d² = ‖x − c‖² = {sum_of(terms)} = {num(v['d2'])}"


def gaussian(event) -> str:
    v = event.values
    return f"φ = exp(−d²/2σ²) = exp(−{num(v['d2'])}/(2·{fac(v['sigma'])}²)) = {num(v['phi'])}"


def output(event) -> str:
    v = event.values
    terms = [product(p, w) for p, w in zip(v["phi"], v["weights"])]
    return f"ŷ = b + Σ w·φ = {sum_of([num(v['bias'])] + terms)} = {num(v['yhat'])}"


def loss(event) -> str:
    v = event.values
    return (f"(ŷ − t)² = ({num(v['yhat'])} − {fac(v['target'])})² = {num(v['loss'])}   "
            f"{so_far(v)}")


def delta(event) -> str:
    v = event.values
    return f"δ = ∂L/∂ŷ = 2(ŷ − t)/batch = {num(v['delta'])}"


def grad(event) -> str:
    v = event.values
    if v["of"] == "w":
        return f"∂L/∂w += δ·φ = {fac(v['delta'])}·{fac(v['phi'])} = {num(v['contribution'])}   total {num(v['total'])}"
    if v["of"] == "b":
        return f"∂L/∂b += δ = {num(v['contribution'])}   total {num(v['total'])}"
    if v["of"] == "c":
        return (f"∂L/∂c += δ·w·φ·(x − c)/σ² = {fac(v['delta'])}·{fac(v['w'])}·{fac(v['phi'])}·"
                f"{fac(v['diff'])}/{fac(v['sigma'])}² = {num(v['contribution'])}   total {num(v['total'])}")
    return (f"∂L/∂σ += δ·w·φ·d²/σ³ = {fac(v['delta'])}·{fac(v['w'])}·{fac(v['phi'])}·{fac(v['d2'])}/"
            f"{fac(v['sigma'])}³ = {num(v['contribution'])}   total {num(v['total'])}")


def update(event) -> str:
    v = event.values
    if v["optimizer"] == "sgd":
        return f"θ ← θ − lr·∂L/∂θ = {num(v['old'])} − {num(v['lr'])}·{fac(v['grad'])} = {num(v['new'])}"
    return f"{v['optimizer']}: θ ← {num(v['old'])} → {num(v['new'])} (∂L/∂θ = {num(v['grad'])})"


def assign(event) -> str:
    v = event.values
    return (f"nearest centre: c{v['centre']} at d² = {num(v['d2'])}; its running sum takes x "
            f"(now {count(v['count'])} sample{'s' * (v['count'] != 1)})")


def move(event) -> str:
    v = event.values
    if not v["count"]:
        return f"c{v['centre']} won no sample: it stays at {_vector(v['new'])}"
    return f"c ← mean of its {count(v['count'])} samples: {_vector(v['old'])} → {_vector(v['new'])}"


def row(event) -> str:
    v = event.values
    return f"A += φ̃φ̃ᵀ, r += φ̃·t with φ̃ = {_vector(v['phi'])} + (1), t = {num(v['target'])}"


def solve(event) -> str:
    v = event.values
    text = f"solve (A + λI)·(w, b) = r, λ = {num(v['ridge'])}: w = {_vector(v['weights'])}, b = {num(v['bias'])}"
    if "A" in v:
        rows = "; ".join(" ".join(num(a) for a in r) for r in v["A"])
        text += f"   A = [{rows}], r = {_vector(v['r'])}"
    return text + f"   MSE {num(v['loss'])}"


def batch(event) -> str:
    v = event.values
    what = {"kmeans": "k-means pass (mean ‖x − c‖²)", "solve": "least-squares solve (MSE)",
            "delta": "delta-rule update (batch MSE)"}[v["stage"]]
    return f"step {count(v['step'])} done: {what} {num(v['loss'])}"


FORMULAS = {Op.DISTANCE: distance, Op.GAUSSIAN: gaussian, Op.OUTPUT: output, Op.LOSS: loss, Op.DELTA: delta,
            Op.GRAD: grad, Op.UPDATE: update, Op.ASSIGN: assign, Op.MOVE: move, Op.ROW: row, Op.SOLVE: solve,
            Op.BATCH: batch, Op.EPOCH: epoch_summary(METRICS)}
