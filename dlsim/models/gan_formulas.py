"""The GAN's ops, its metrics, and how the math panel writes each op with the kernels' numbers.
A neuron's sums, activations, δs, gradients and updates read as the MLP's: the path says whose."""
from dlsim.models.mlp_formulas import activation, delta, grad, update
from dlsim.models.neuron_formulas import epoch_summary, so_far, weighted_sum
from dlsim.protocol.metrics import Metric
from dlsim.protocol.numbers import count, num


class Op:
    LATENT = "latent"              # the z a fake point starts from
    WEIGHTED_SUM = "weighted_sum"
    ACTIVATION = "activation"
    D_LOSS = "d_loss"              # one point's term of D's loss
    G_LOSS = "g_loss"              # one fake point's term of G's loss
    DELTA = "delta"
    GRAD = "grad"
    FAKE_GRAD = "fake_grad"        # ∂L_G/∂x̂: how D tells G to move one fake point
    UPDATE = "update"
    D_STEP = "d_step"
    G_STEP = "g_step"
    EPOCH = "epoch"


METRICS = (
    Metric("d_loss", "D loss", chart="loss", lower_is_better=None, live=False),
    Metric("g_loss", "G loss", chart="loss", lower_is_better=None, live=False),
    Metric("d_acc", "D accuracy (real vs fake)", "D acc", chart="D accuracy · distance", lower_is_better=None,
           limits=(0.0, 1.0)),
    Metric("distance", "distance real ↔ generated", "distance", chart="D accuracy · distance", limits=(0.0, 1.0)),
)


def _point(p) -> str:
    return "(" + ", ".join(num(v) for v in p) + ")"


def latent(event) -> str:
    v = event.values
    return f"z = {_point(v['z'])} drawn from {v['latent']}: fake point {v['point']} starts here"


def d_loss(event) -> str:
    v = event.values
    term = "−log D(x)" if v["target"] == 1 else "−log(1 − D(x))"
    return (f"{'real' if v['target'] == 1 else 'fake'} point: {term} = {num(v['loss'])} with D = {num(v['d'])};"
            f"  {so_far(v, 'loss/2B', 'D loss')}")


def g_loss(event) -> str:
    v = event.values
    term = "−log D(x̂)" if v["fn"] == "non_saturating" else "log(1 − D(x̂))"
    return f"G loss term {term} = {num(v['loss'])} with D(x̂) = {num(v['d'])};  {so_far(v, 'term/B', 'G loss')}"


def fake_grad(event) -> str:
    v = event.values
    return (f"∂L_G/∂x̂ = Σ w·δ through D = {_point(v['grad'])} at x̂ = {_point(v['x'])}: "
            f"G's step moves it along {_point([-g for g in v['grad']])}")


def d_step(event) -> str:
    v = event.values
    return (f"D step {count(v['step'])} done: D loss {num(v['loss'])} on {count(v['points'])} real + "
            f"{count(v['points'])} fake points; G unchanged")


def g_step(event) -> str:
    v = event.values
    return f"G step {count(v['step'])} done: G loss {num(v['loss'])} through D (frozen) on {count(v['points'])} fakes"


FORMULAS = {Op.LATENT: latent, Op.WEIGHTED_SUM: weighted_sum, Op.ACTIVATION: activation, Op.D_LOSS: d_loss,
            Op.G_LOSS: g_loss, Op.DELTA: delta, Op.GRAD: grad, Op.FAKE_GRAD: fake_grad, Op.UPDATE: update,
            Op.D_STEP: d_step, Op.G_STEP: g_step, Op.EPOCH: epoch_summary(METRICS, "iteration")}
