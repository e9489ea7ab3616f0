"""The autoencoder's training, op by op: (the input's corruption), each layer's weighted sums and
activations down to the code and back up, the reconstruction loss against the clean input, each δ
and each weight's gradient; at the batch's end the tied gradients summed, then every parameter's
update. Each number comes from the scalar kernel that the compiled path (dlsim.kernels.ae, built on
dlsim.kernels.mlp's blocks) loops over, in the same order, so a stepped batch writes its bits."""
import numpy as np

from dlsim.kernels import activations as act
from dlsim.kernels import losses, optimizers
from dlsim.kernels.ae import SALT
from dlsim.models.ae_formulas import Op
from dlsim.protocol.events import BACKWARD, FORWARD, LOSS, UPDATE, Event, Level


def corruption_events(model, s, x):
    """Each input value kept or dropped by its uniform number (drawn for this epoch and row), into
    the corrupted input it returns through `out`."""
    p = float(model.config["denoise"])
    n, f = model.X.shape
    u = np.empty(f)
    model.kernels.ae.uniforms(model.config["seed"], model.epoch * n + s, SALT, u)
    out = np.empty(f)
    for k in range(f):
        out[k] = model.ops.corrupt(x[k], u[k], p)
        yield Event(Op.CORRUPT, FORWARD, f"ae.input[{k}]",
                    {"x": x[k], "u": u[k], "p": p, "kept": bool(u[k] >= p), "input": out[k], "sample": int(s)},
                    closes=Level.LAYER if k == f - 1 else Level.OP)
    return out


def forward_events(model, x, first=0, last=None):
    """Layers first … last − 1's weighted sums and activations from their input x (all of them: down
    to the code and back up); returns their z's and [x, a's]."""
    zs, as_ = [], [x]
    layers = model.layers()
    for l in range(first, len(layers) if last is None else last):
        (W, b), kind = layers[l], model.acts[l]
        z, a = np.empty(W.shape[1]), np.empty(W.shape[1])
        for j in range(len(z)):
            z[j] = model.dense.neuron_z(as_[-1], W, b, j)
            yield Event(Op.WEIGHTED_SUM, FORWARD, f"{model.name}.layer[{l}].neuron[{j}]",
                        {"inputs": tuple(as_[-1]), "weights": tuple(W[:, j]), "bias": b[j], "z": z[j]})
        for j in range(len(z)):
            a[j] = model.act.activate(z[j], kind)
            yield Event(Op.ACTIVATION, FORWARD, f"{model.name}.layer[{l}].neuron[{j}]",
                        {"fn": act.NAMES[int(kind)], "z": z[j], "a": a[j]},
                        closes=Level.LAYER if j == len(z) - 1 else Level.OP)
        zs.append(z)
        as_.append(a)
    return zs, as_


def output_deltas(model, z, a, y, scale):
    kind, out = model.acts[-1], len(model.acts) - 1
    delta = np.empty(len(z))
    for k in range(len(delta)):
        delta[k] = model.output_delta(z, a, y, scale, k)
        fprime = (None if model.losses.simplifies(model.loss_kind, kind)
                  else model.act.derivative(z[k], a[k], kind))
        yield Event(Op.DELTA, BACKWARD, f"{model.name}.layer[{out}].neuron[{k}]", {
            "dL_da": model.loss_grad(a, y, scale, k), "fprime": fprime, "delta": delta[k]})
    return delta


def layer_gradients(model, l, a_in, delta):
    """∂W += a·δ per weight, then ∂b += δ, for layer l."""
    dW, db = model.layers(model.grad)[l]
    for i in range(dW.shape[0]):
        for j in range(dW.shape[1]):
            contribution = a_in[i] * delta[j]
            dW[i, j] += contribution
            yield Event(Op.GRAD, BACKWARD, f"{model.name}.layer[{l}].W[{i},{j}]",
                        {"a": a_in[i], "delta": delta[j], "contribution": contribution, "total": dW[i, j]})
    for j in range(dW.shape[1]):
        db[j] += delta[j]
        last = j == dW.shape[1] - 1
        yield Event(Op.GRAD, BACKWARD, f"{model.name}.layer[{l}].b[{j}]",
                    {"delta": delta[j], "contribution": delta[j], "total": db[j]},
                    closes=(Level.SAMPLE if l == 0 else Level.LAYER) if last else Level.OP)


def deltas_below(model, l, zs, as_, delta):
    """δ of layer l − 1's neurons: (Σ_j W_ij·δ_j)·f'(z_i)."""
    W, kind = model.layers()[l][0], model.acts[l - 1]
    below = np.empty(W.shape[0])
    for i in range(W.shape[0]):
        back = model.dense.backprop_sum(W, delta, i)
        fprime = model.act.derivative(zs[l - 1][i], as_[l][i], kind)
        below[i] = back * fprime
        yield Event(Op.DELTA, BACKWARD, f"{model.name}.layer[{l - 1}].neuron[{i}]", {
            "weights": tuple(W[i]), "deltas": tuple(delta), "sum": back, "fprime": fprime, "delta": below[i]})
    return below


def sample_events(model, s, batch):
    """Forward, loss and backward of one sample (row s), one op at a time."""
    if model.sample == 0:
        model.grad[:] = 0.0
    x = y = model.X[s]   # the target is the clean input
    if model.config["denoise"] > 0:
        x = yield from corruption_events(model, s, x)
    zs, as_ = yield from forward_events(model, x)
    scale = 1.0 / batch
    share = model.sample_loss(zs[-1], as_[-1], y, scale)
    model.batch_loss += share
    yield Event(Op.LOSS, LOSS, "ae.loss", {
        "fn": losses.NAMES[model.loss_kind], "prediction": tuple(as_[-1]), "target": tuple(y),
        "loss": model.sample_loss(zs[-1], as_[-1], y, 1.0), "share": share,
        "batch_loss": model.batch_loss, "sample": int(s)}, closes=Level.LAYER)
    delta = yield from output_deltas(model, zs[-1], as_[-1], y, scale)
    for l in range(len(zs) - 1, -1, -1):
        yield from layer_gradients(model, l, as_[l], delta)
        if l > 0:
            delta = yield from deltas_below(model, l, zs, as_, delta)


def tie_events(model):
    """Each tied weight's gradient: the encoder's and its decoder twin's summed, into both."""
    layers = model.layers(model.grad)
    n = len(layers)
    for l in range(n // 2):
        m = n - 1 - l
        enc, dec = layers[l][0], layers[m][0]
        for i in range(enc.shape[0]):
            for j in range(enc.shape[1]):
                e, d = enc[i, j], dec[j, i]
                enc[i, j] = dec[j, i] = e + d
                last = i == enc.shape[0] - 1 and j == enc.shape[1] - 1
                yield Event(Op.TIE, UPDATE, f"{model.name}.layer[{l}].W[{i},{j}]",
                            {"encoder": e, "decoder": d, "tied": enc[i, j], "twin": f"layer[{m}].W[{j},{i}]"},
                            closes=Level.LAYER if last else Level.OP)


def update_events(model, n_rows):
    """(The tied gradients summed, then) one optimizer step, one parameter element at a time, in the
    buffer's order."""
    if model.tied:
        yield from tie_events(model)
    model.steps += 1
    kind, lr, mu, b1, b2, eps = model.hyper()
    k = 0
    for name, value in model.params.items():
        for n, index in enumerate(np.ndindex(value.shape)):
            old = model.theta[k]
            model.optimizers.update_element(model.theta, model.grad, model.m, model.v, k, kind, lr, mu,
                                            b1, b2, eps, model.steps)
            values = {"optimizer": optimizers.NAMES[kind], "old": old, "grad": model.grad[k], "lr": lr,
                      "new": model.theta[k]}
            if kind == optimizers.MOMENTUM:
                values.update(velocity=model.m[k], mu=mu)
            elif kind == optimizers.ADAM:
                values.update(m=model.m[k], v=model.v[k], t=model.steps)
            k += 1
            ends_layer = name.endswith(".b") and n == value.size - 1
            yield Event(Op.UPDATE, UPDATE, f"{model.name}.{name}[{','.join(map(str, index))}]", values,
                        closes=Level.LAYER if ends_layer else Level.OP)
    yield model.batch_done(n_rows)
