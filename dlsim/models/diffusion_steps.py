"""The diffusion model's training, op by op: the draw of t and ε for the point in hand, the forward
process noising it (x_t, one coordinate at a time), its time features, then the denoiser's weighted
sums and activations, the MSE between ε̂ and ε, each δ and each weight's gradient; at the batch's end
every parameter's update. Each number comes from the scalar kernel the compiled path
(dlsim.kernels.diffusion) loops over, in the same order, so a stepped batch writes its bits.

The denoiser is an MLP with the autoencoder's stepped layers (ae_steps), whose paths carry the
network's name."""
import numpy as np

from dlsim.kernels import losses
from dlsim.models import ae_steps
from dlsim.models.diffusion_formulas import Op
from dlsim.protocol.events import FORWARD, LOSS, Event, Level

PREFIX = "diffusion."


def input_events(model, s):
    """Point s's draw, its noising and its time features: the denoiser's input (2 + E,) and its target ε."""
    ts, eps = model.draws()
    t, e = int(ts[s]), eps[s]
    T, ab = model.T, model.alpha_bar
    yield Event(Op.DRAW, FORWARD, f"{PREFIX}draw", {"sample": int(s), "t": t, "T": T, "eps": (e[0], e[1]),
                                                     "alpha_bar": ab[t]})
    x0 = model.X[s]
    x = np.empty(int(model.sizes[0]))
    for k in range(2):
        x[k] = model.ops.noised(x0[k], e[k], model.sqrt_ab[t], model.sqrt_1mab[t])
        yield Event(Op.NOISE, FORWARD, f"{PREFIX}x_t[{k}]", {
            "x0": x0[k], "eps": e[k], "sqrt_ab": model.sqrt_ab[t], "sqrt_1mab": model.sqrt_1mab[t], "t": t,
            "x_t": x[k]}, closes=Level.LAYER if k == 1 else Level.OP)
    for j in range(len(x) - 2):
        x[2 + j] = model.ops.feature(t, T, j)
        yield Event(Op.EMBED, FORWARD, f"{PREFIX}embed[{j}]", {
            "t": t, "T": T, "fn": "sin" if j % 2 == 0 else "cos", "scale": 2 ** (j // 2), "value": x[2 + j]},
            closes=Level.LAYER if j == len(x) - 3 else Level.OP)
    return x, np.array(e)


def sample_events(model, s, batch):
    """Forward, loss and backward of one point (row s), one op at a time."""
    if model.sample == 0:
        model.grad[:] = 0.0
    x, y = yield from input_events(model, s)
    zs, as_ = yield from ae_steps.forward_events(model, x)
    scale = 1.0 / batch
    share = model.sample_loss(zs[-1], as_[-1], y, scale)
    model.batch_loss += share
    yield Event(Op.LOSS, LOSS, f"{PREFIX}loss", {
        "fn": losses.NAMES[model.loss_kind], "prediction": tuple(as_[-1]), "target": tuple(y),
        "loss": model.sample_loss(zs[-1], as_[-1], y, 1.0), "share": share,
        "batch_loss": model.batch_loss, "sample": int(s)}, closes=Level.LAYER)
    delta = yield from ae_steps.output_deltas(model, zs[-1], as_[-1], y, scale)
    for l in range(len(zs) - 1, -1, -1):
        yield from ae_steps.layer_gradients(model, l, as_[l], delta)
        if l > 0:
            delta = yield from ae_steps.deltas_below(model, l, zs, as_, delta)


def update_events(model, n_rows):
    """One optimizer step, one parameter element at a time (the autoencoder's, untied)."""
    return ae_steps.update_events(model, n_rows)
