"""The GAN's op-level stream: one neuron of D or G, one weight at a time, through the very scalar
kernels that kernels.gan's batch loops apply, so a stepped D or G step writes the compiled step's bits.

A D step's points are its B real points, then B fakes (each first through G, from its z); each goes
forward through D, into D's loss, and backward into D's gradients. A G step's points are B fakes:
z → G → D, G's loss, δ back through D (frozen: no gradient of its own), ∂L_G/∂x̂ (the push D gives the
fake point), then on into G's gradients. After the points, the network's update, weight by weight.
"""
import numpy as np

from dlsim.kernels import activations as act
from dlsim.kernels import losses, optimizers
from dlsim.models.gan_formulas import Op
from dlsim.protocol.events import BACKWARD, FORWARD, LOSS, UPDATE, Event, Level


def _forward(m, net, x):
    """`net`'s forward pass on one input x, a neuron at a time; returns (zs, as_) as the MLP's."""
    zs, as_ = [], [x]
    for l, (W, b) in enumerate(m.layers(net)):
        kind = m.acts[net][l]
        z, a = np.empty(W.shape[1]), np.empty(W.shape[1])
        for j in range(len(z)):
            z[j] = m.ops.dense.neuron_z(as_[-1], W, b, j)
            yield Event(Op.WEIGHTED_SUM, FORWARD, f"gan.{net}.layer[{l}].neuron[{j}]",
                        {"inputs": tuple(as_[-1]), "weights": tuple(W[:, j]), "bias": b[j], "z": z[j]})
        for j in range(len(z)):
            a[j] = m.ops.act.activate(z[j], kind)
            yield Event(Op.ACTIVATION, FORWARD, f"gan.{net}.layer[{l}].neuron[{j}]",
                        {"fn": act.NAMES[int(kind)], "z": z[j], "a": a[j]},
                        closes=Level.LAYER if j == len(z) - 1 else Level.OP)
        zs.append(z)
        as_.append(a)
    return zs, as_


def _backward(m, net, zs, as_, delta):
    """δ from `net`'s output layer down, each weight's gradient added into the step's (the MLP's
    order); the point is done at layer 0's last bias."""
    layers, grads = m.layers(net), m.layers(net, m.grad)
    for l in range(len(layers) - 1, -1, -1):
        (W, _), (dW, db), a_in = layers[l], grads[l], as_[l]
        for i in range(W.shape[0]):
            for j in range(W.shape[1]):
                contribution = a_in[i] * delta[j]
                dW[i, j] += contribution
                yield Event(Op.GRAD, BACKWARD, f"gan.{net}.layer[{l}].W[{i},{j}]",
                            {"a": a_in[i], "delta": delta[j], "contribution": contribution, "total": dW[i, j]})
        for j in range(W.shape[1]):
            db[j] += delta[j]
            last = j == W.shape[1] - 1
            yield Event(Op.GRAD, BACKWARD, f"gan.{net}.layer[{l}].b[{j}]",
                        {"delta": delta[j], "contribution": delta[j], "total": db[j]},
                        closes=(Level.SAMPLE if l == 0 else Level.LAYER) if last else Level.OP)
        if l == 0:
            return
        delta = yield from _delta_below(m, net, l, zs, as_, delta)


def _delta_below(m, net, l, zs, as_, delta):
    """δ of layer l − 1 from layer l's: f'(z)·Σ_j W_ij·δ_j, a neuron at a time."""
    W, kind = m.layers(net)[l][0], m.acts[net][l - 1]
    below = np.empty(W.shape[0])
    for i in range(W.shape[0]):
        back = m.ops.dense.backprop_sum(W, delta, i)
        fprime = m.ops.act.derivative(zs[l - 1][i], as_[l][i], kind)
        below[i] = back * fprime
        yield Event(Op.DELTA, BACKWARD, f"gan.{net}.layer[{l - 1}].neuron[{i}]", {
            "weights": tuple(W[i]), "deltas": tuple(delta), "sum": back, "fprime": fprime, "delta": below[i]},
            closes=Level.LAYER if i == W.shape[0] - 1 else Level.OP)
    return below


def _fake(m, point, z):
    """A fake point's start: its z, then G's forward pass; returns G's (zs, as_)."""
    yield Event(Op.LATENT, FORWARD, f"gan.z[{point}]", {"z": tuple(z), "latent": m.config["latent"], "point": point})
    return (yield from _forward(m, "G", z))


def sample_events(m, net, s):
    """Point s of the D or G step at the cursor."""
    if s == 0:
        m.part(m.grad, net)[:] = 0.0   # the step's gradient starts from nothing
    Xb, Zb = m.step_inputs(net)
    yield from (_d_point(m, s, Xb, Zb) if net == "D" else _g_point(m, s, Zb))


def _d_point(m, s, Xb, Zb):
    B = m.batch
    real = s < B
    if real:
        x = Xb[s]
    else:
        x = (yield from _fake(m, s - B, Zb[s - B]))[1][-1]
    zs, as_ = yield from _forward(m, "D", x)
    scale, y = 1.0 / (2 * B), np.array([1.0 if real else 0.0])
    share = m.ops.losses.sample_loss(zs[-1], as_[-1], y, losses.BCE, scale)
    m.step_loss += share
    yield Event(Op.D_LOSS, LOSS, "gan.D.loss", {
        "target": int(y[0]), "d": as_[-1][0], "loss": m.ops.losses.sample_loss(zs[-1], as_[-1], y, losses.BCE, 1.0),
        "share": share, "batch_loss": m.step_loss, "point": s if real else s - B}, closes=Level.LAYER)
    out = len(zs) - 1
    delta = np.array([m.ops.losses.output_delta(zs[out], as_[-1], y, losses.BCE, act.SIGMOID, scale, 0)])
    yield Event(Op.DELTA, BACKWARD, f"gan.D.layer[{out}].neuron[0]", {
        "dL_da": m.ops.losses.loss_grad(as_[-1], y, losses.BCE, scale, 0), "fprime": None, "delta": delta[0]})
    yield from _backward(m, "D", zs, as_, delta)


def _g_point(m, s, Zb):
    scale, kind = 1.0 / m.batch, m.g_kind()
    gzs, gas = yield from _fake(m, s, Zb[s])
    zs, as_ = yield from _forward(m, "D", gas[-1])
    share = scale * m.ops.gan.g_term(zs[-1][0], kind)
    m.step_loss += share
    delta = np.array([m.ops.gan.g_delta(as_[-1][0], kind, scale)])
    yield Event(Op.G_LOSS, LOSS, "gan.G.loss", {
        "fn": m.config["g_loss"], "d": as_[-1][0], "loss": m.ops.gan.g_term(zs[-1][0], kind), "share": share,
        "batch_loss": m.step_loss, "delta": delta[0], "point": s}, closes=Level.LAYER)
    for l in range(len(zs) - 1, 0, -1):   # back through D, frozen: δ only
        delta = yield from _delta_below(m, "D", l, zs, as_, delta)
    W0 = m.layers("D")[0][0]
    x_grad = np.array([m.ops.dense.backprop_sum(W0, delta, i) for i in range(W0.shape[0])])
    yield Event(Op.FAKE_GRAD, BACKWARD, f"gan.fake[{s}]", {
        "x": tuple(gas[-1]), "grad": tuple(x_grad), "point": s}, closes=Level.LAYER)
    out, kind_out = len(gzs) - 1, m.acts["G"][-1]
    delta = np.empty(len(x_grad))
    for k in range(len(x_grad)):
        fprime = m.ops.act.derivative(gzs[out][k], gas[-1][k], kind_out)
        delta[k] = x_grad[k] * fprime
        yield Event(Op.DELTA, BACKWARD, f"gan.G.layer[{out}].neuron[{k}]",
                    {"dL_da": x_grad[k], "fprime": fprime, "delta": delta[k]})
    yield from _backward(m, "G", gzs, gas, delta)


def update_events(m, net):
    """One optimizer step of `net` alone, a parameter element at a time in its buffer's order."""
    if net == "D":
        m.t_d += 1
        t = m.t_d
    else:
        m.t_g += 1
        t = m.t_g
    theta, grad, first, second = m.buffers(net)
    h = m.hyper(net)
    kind, (lr, mu, b1, b2, eps) = int(h[0]), (float(x) for x in h[1:])
    k = 0
    for l, (W, b) in enumerate(m.layers(net)):
        for name, value in (("W", W), ("b", b)):
            for n, index in enumerate(np.ndindex(value.shape)):
                old = theta[k]
                m.ops.optimizers.update_element(theta, grad, first, second, k, kind, lr, mu, b1, b2, eps, t)
                values = {"optimizer": optimizers.NAMES[kind], "old": old, "grad": grad[k], "lr": lr,
                          "new": theta[k]}
                if kind == optimizers.MOMENTUM:
                    values.update(velocity=first[k], mu=mu)
                elif kind == optimizers.ADAM:
                    values.update(m=first[k], v=second[k], t=t)
                k += 1
                ends_layer = name == "b" and n == value.size - 1
                yield Event(Op.UPDATE, UPDATE, f"gan.{net}.layer[{l}].{name}[{','.join(map(str, index))}]",
                            values, closes=Level.LAYER if ends_layer else Level.OP)
    yield m.step_done(net, m.step_loss)
