"""What the CNN's view computes with each frame: the layer and kernel in focus (from the last event's
path), that layer's maps and δs for the image in hand (copies), how far they are filled in, the
class probabilities, and the test set's confusion matrix.

While a sample is stepped the maps are the model's own workspace, filling in as the events go; at a
boundary (or after a compiled run) they are one forward pass of the last stepped image (or the first)
with the weights as they are now, by the NumPy reference.
"""
import re

import numpy as np

from dlsim.kernels import cnn as ck
from dlsim.kernels import cnn_reference as ref
from dlsim.models.cnn_net import pad_of, pooling_kind
from dlsim.protocol.events import Level

PLACE = re.compile(r"layer\[(\d+)\](?:\.kernel\[(\d+)\](?:\.(pos|a|pool)\[(\d+),(\d+)\]|\.(b|pool))?)?")
FORWARD_OPS = {"conv": 0, "activation": 0, "pool": 1}
MISCLASSIFIED = 8   # test images shown that the network gets wrong
BACKWARD_OPS = ("pool_back", "mask", "dK", "db", "below", "unflatten")


def focus(model, last) -> dict:
    """The conv layer, kernel and cell the last event is about, and which pass it belongs to."""
    out = {"l": 0, "f": 0, "cell": None, "op": last.op if last else None, "phase": last.phase if last else None}
    if last is None or last.closes >= Level.SAMPLE:
        return out
    match = PLACE.search(last.path)
    if not match:
        return out
    l = int(match.group(1))
    if l >= model.n_conv:   # a dense layer: show the last conv layer
        out["l"] = model.n_conv - 1
        return out
    out["l"] = l
    out["f"] = int(match.group(2) or 0)
    if match.group(4) is not None:   # (a δ reaching the layer below lands on that layer's pooled map)
        out["cell"] = (int(match.group(4)), int(match.group(5)))
    return out


def _fresh(model, s: int) -> dict:
    """Every conv layer's maps for training image s, with the weights as they are now."""
    conv_maps, dense_maps = ref.forward(model.theta, model.conv, model.sizes, model.dense_act, model.X[s:s + 1])
    z = dense_maps[-1][1]
    probs = ref.softmax_ce(z, np.zeros_like(z))[1][0]
    layers = [{"x": x[0], "z": z_[0], "a": a[0], "p": p[0], "win": w[0]} for x, z_, a, p, w in conv_maps]
    return {"layers": layers, "probs": probs}


def _stepped(model) -> dict:
    layers = []
    for l in range(model.n_conv):
        x, z, a, p = (v.copy() for v in model.conv_maps(l))
        dx, dz, da, dp = (v.copy() for v in model.conv_maps(l, model.dm))
        win = model.conv_maps(l, model.win)[3].copy()
        layers.append({"x": x, "z": z, "a": a, "p": p, "win": win, "dx": dx, "dz": dz, "da": da, "dp": dp})
    return {"layers": layers, "probs": model.dense_maps(len(model.sizes) - 2)[2].copy()}


def cnn_extras(model, last, trace) -> dict:
    where = focus(model, last)
    inside = last is not None and last.closes < Level.SAMPLE and model.current >= 0
    s = model.current if model.current >= 0 else 0
    maps = _stepped(model) if inside else _fresh(model, s)
    l, f = where["l"], where["f"]
    row = model.conv[l]
    K, b = (v.copy() for v in model.conv_params(l))
    dK = model.conv_params(l, model.grad)[0].copy()
    layer = maps["layers"][l]
    probs = maps["probs"] if abs(float(np.sum(maps["probs"])) - 1.0) < 1e-6 else None   # no softmax yet
    # how far the forward maps of layer l are filled in: (pass, kernel, cell) of the last event, where
    # a conv or pool pass of layer l is under way
    op = where["op"]
    progress = (FORWARD_OPS[op], f, where["cell"]) if inside and op in FORWARD_OPS and where["cell"] else None
    return {
        **where, "inside": inside, "sample": s, "label": int(model.data.y[s]), "names": model.class_names,
        "layers": maps["layers"], "probs": probs, "K": K, "b": b, "dK": dK,
        "stride": int(row[ck.STRIDE]), "shift": pad_of(int(row[ck.SIZE]), int(row[ck.PADDING])),
        "size": int(row[ck.SIZE]), "pool": pooling_kind(int(row[ck.POOL])),
        "progress": progress, "n_conv": model.n_conv,
        "backward": inside and op in BACKWARD_OPS,
        "arithmetic": _arithmetic(last, trace) if inside else None,
    }


def _arithmetic(last, trace):
    """The kernel position in hand, as its event gave it: a conv (window, weights, products, sum, bias,
    z) with the activation that followed, or a dK (window, δ, ∂K so far)."""
    if last.op in ("conv", "dK"):
        return dict(last.values, op=last.op)
    if last.op == "activation" and "kernel[" in last.path:
        conv = trace.get(("conv", last.path.replace(".a[", ".pos[")))
        if conv is not None:
            return dict(conv.values, op="conv", a=last.values["a"], fn=last.values["fn"])
    return None


class Confusion:
    """The test set's confusion matrix and its misclassified images, computed again only when the
    weights changed."""

    def __init__(self):
        self._key = None
        self._result = None

    def __call__(self, model) -> dict:
        d = model.data
        if not len(d.y_test):
            return {}
        key = (id(model), model.theta.tobytes())
        if key != self._key:
            predicted = model.predict(d.X_test)
            n = d.classes
            matrix = np.zeros((n, n), np.int64)
            right = predicted >= 0
            np.add.at(matrix, (d.y_test[right], predicted[right]), 1)
            wrong = np.flatnonzero(predicted != d.y_test)
            self._result = {"confusion": matrix, "wrong": wrong, "predicted": predicted,
                            "wrong_images": d.X_test[wrong[:MISCLASSIFIED]].copy(),
                            "test_acc": float(np.mean(predicted == d.y_test))}
            self._key = key
        return self._result
