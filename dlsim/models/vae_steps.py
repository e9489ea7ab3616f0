"""The variational autoencoder's training, op by op: the encoder's layers up to its two heads (μ and
log σ², one linear layer), each ε_j drawn, z_j = μ_j + σ_j·ε_j, the decoder's layers, each code
unit's KL and the sample's loss; backward the decoder's δs and gradients, ∂L/∂z, ε's absent
gradient, the KL term's gradient on its own, each head's δ, then the encoder's. The dense layers'
ops are the autoencoder's (ae_steps); each number comes from the scalar kernel that the compiled
path (dlsim.kernels.vae) loops over, in the same order, so a stepped batch writes its bits."""
import math

import numpy as np

from dlsim.kernels import losses
from dlsim.models.ae_steps import deltas_below, forward_events, layer_gradients, output_deltas
from dlsim.models.vae_formulas import Op
from dlsim.protocol.events import BACKWARD, FORWARD, LOSS, Event, Level


def _sampling(model, s, heads):
    """ε drawn for (epoch, row), then z = μ + σ·ε, one code unit at a time."""
    c = model.code
    mu, logvar = heads[:c], heads[c:]
    eps, z = np.empty(c), np.empty(c)
    model.kernels.vae.epsilons(model.config["seed"], model.epoch * model.X.shape[0] + s, eps)
    for j in range(c):
        yield Event(Op.DRAW, FORWARD, f"vae.eps[{j}]", {"eps": eps[j], "sample": int(s), "epoch": model.epoch})
    for j in range(c):
        z[j] = model.ops.reparameterise(mu[j], logvar[j], eps[j])
        yield Event(Op.REPARAM, FORWARD, f"vae.z[{j}]",
                    {"mu": mu[j], "logvar": logvar[j], "sigma": math.exp(0.5 * logvar[j]), "eps": eps[j], "z": z[j]},
                    closes=Level.LAYER if j == c - 1 else Level.OP)
    return eps, z


def _loss(model, s, heads, z_out, a_out, x, scale):
    """Each code unit's KL, then the sample's loss: its reconstruction summed over the values + β·KL."""
    c, beta = model.code, float(model.config["beta"])
    kl = 0.0
    for j in range(c):
        term = model.ops.kl_term(heads[j], heads[c + j])
        kl += term
        yield Event(Op.KL, LOSS, f"vae.kl[{j}]", {"mu": heads[j], "logvar": heads[c + j],
                                                   "sigma2": math.exp(heads[c + j]), "kl": term})
    recon = model.ops.recon_share(z_out, a_out, x, model.loss_kind, 1.0)
    share = model.ops.recon_share(z_out, a_out, x, model.loss_kind, scale) + scale * (beta * kl)
    model.batch_loss += share
    yield Event(Op.LOSS, LOSS, "vae.loss", {
        "fn": losses.NAMES[model.loss_kind], "prediction": tuple(a_out), "target": tuple(x), "recon": recon,
        "kl": kl, "beta": beta, "loss": recon + beta * kl, "share": share, "batch_loss": model.batch_loss,
        "sample": int(s)}, closes=Level.LAYER)


def _z_deltas(model, delta):
    """∂L/∂z_j = Σ_k W_jk·δ_k through the decoder's first layer (z is its input, linear)."""
    W = model.layers()[model.code_layer + 1][0]
    dz = np.empty(model.code)
    for j in range(len(dz)):
        dz[j] = model.dense.backprop_sum(W, delta, j)
        yield Event(Op.Z_DELTA, BACKWARD, f"vae.z[{j}]", {"weights": tuple(W[j]), "deltas": tuple(delta),
                                                          "delta": dz[j]},
                    closes=Level.LAYER if j == len(dz) - 1 else Level.OP)
    return dz


def _head_deltas(model, heads, eps, dz, scale):
    """ε's none; per head unit the KL term's own gradient, then its δ: what came through z plus it."""
    c, beta, top = model.code, float(model.config["beta"]), model.code_layer
    mu, logvar = heads[:c], heads[c:]
    for j in range(c):
        yield Event(Op.NO_GRAD, BACKWARD, f"vae.eps[{j}]", {"eps": eps[j], "sigma": math.exp(0.5 * logvar[j])})
    dh = np.empty(2 * c)
    for j in range(c):
        g = model.ops.kl_grad_mu(mu[j], beta, scale)
        yield Event(Op.KL_GRAD, BACKWARD, f"vae.mu[{j}]",
                    {"head": "μ", "beta": beta, "mu": mu[j], "batch": round(1 / scale), "grad": g})
        dh[j] = dz[j] + g
        yield Event(Op.HEAD_DELTA, BACKWARD, f"vae.layer[{top}].neuron[{j}]",
                    {"head": "μ", "dz": dz[j], "kl_grad": g, "delta": dh[j]})
    for j in range(c):
        g = model.ops.kl_grad_logvar(logvar[j], beta, scale)
        yield Event(Op.KL_GRAD, BACKWARD, f"vae.logvar[{j}]",
                    {"head": "log σ²", "beta": beta, "sigma2": math.exp(logvar[j]), "batch": round(1 / scale), "grad": g})
        through = model.ops.through_z(dz[j], eps[j], logvar[j])
        dh[c + j] = through + g
        yield Event(Op.HEAD_DELTA, BACKWARD, f"vae.layer[{top}].neuron[{c + j}]",
                    {"head": "log σ²", "dz": dz[j], "eps": eps[j], "sigma": math.exp(0.5 * logvar[j]),
                     "through_z": through, "kl_grad": g, "delta": dh[c + j]},
                    closes=Level.LAYER if j == c - 1 else Level.OP)
    return dh


def sample_events(model, s, batch):
    """Forward, loss and backward of one sample (row s), one op at a time."""
    if model.sample == 0:
        model.grad[:] = 0.0
    x = model.X[s]
    top = model.code_layer            # the heads' layer; the decoder's first is top + 1
    zs_e, as_e = yield from forward_events(model, x, 0, top + 1)
    heads = as_e[-1]
    eps, z = yield from _sampling(model, s, heads)
    zs_d, as_d = yield from forward_events(model, z, top + 1)
    zs, as_ = zs_e + zs_d, as_e[:-1] + as_d   # as_[l]: layer l's input (the decoder's first: z)
    scale = 1.0 / batch
    yield from _loss(model, s, heads, zs[-1], as_[-1], x, scale)
    delta = yield from output_deltas(model, zs[-1], as_[-1], x, scale)
    for l in range(len(zs) - 1, top, -1):
        yield from layer_gradients(model, l, as_[l], delta)
        if l > top + 1:
            delta = yield from deltas_below(model, l, zs, as_, delta)
    dz = yield from _z_deltas(model, delta)
    delta = yield from _head_deltas(model, heads, eps, dz, scale)
    for l in range(top, -1, -1):
        yield from layer_gradients(model, l, as_[l], delta)
        if l > 0:
            delta = yield from deltas_below(model, l, zs, as_, delta)
