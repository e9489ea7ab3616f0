"""What the CNN's pictures show, computed by the model: the maps and δs of the layer in focus for the
image in hand, the class probabilities, the facts of the layer (stride, padding, pooling), the
arithmetic of the kernel position in hand, and the test set's confusion matrix.

While a sample is stepped the maps are the model's own workspace (fm, dm, win), filling in as the
events go. Otherwise they are one forward pass of the image in hand with the weights as they are now,
by `sample_forward`: the very loop a compiled batch runs for each image, through the kernels the model
has now (Model.kernels_now: its own, or Python running the same code while the app compiles them).
So every number shown is one the training computes, to the bit.
"""
from dataclasses import dataclass

import numpy as np

from dlsim.kernels import activations as act
from dlsim.kernels import cnn as ck
from dlsim.models.cnn_focus import Focus, arithmetic, focus
from dlsim.models.cnn_net import pad_of, pooling_kind
from dlsim.models.per_weights import kept

INSPECTED = {
    "sample": "the training image in hand (its row of the training set): the one stepped, else the last one stepped",
    "label": "the true class of the image in hand",
    "focus_layer": "the conv layer the last event is about (0: the first; a dense layer's event shows the last)",
    "focus_kernel": "the kernel of that layer the last event is about (0 where it names none)",
    "position": "(row, column) of the kernel position, map cell or pooled cell the last event is at",
    "layer_input": "the input of the layer in focus (channel, row, column): the image, or the pooled maps below",
    "kernel": "the weights of the kernel in focus (channel, row, column)",
    "kernel_bias": "the bias of the kernel in focus",
    "kernel_grad": "∂L/∂K of the kernel in focus (of the batch's mean loss), added up over the images so far",
    "z_map": "z = Σ window·K + b of the kernel in focus at each position, before the activation",
    "feature_map": "a = f(z): the feature map of the kernel in focus for the image in hand",
    "pooled": "the feature map pooled 2×2: each window's max (or mean)",
    "pool_winners": "which cell of its 2×2 window each pooled cell took (0 top left, 1 top right, 2 bottom left, 3 bottom right)",
    "pool_winner": "(row, column) in the feature map of the cell the pool window in hand took (max pooling)",
    "delta_pooled": "∂L/∂p: the δ each pooled cell sends back (while a sample is stepped)",
    "delta_routed": "∂L/∂a: that δ routed through the pool into the feature map (to the winners, or spread)",
    "delta_map": "δ = ∂L/∂z = ∂L/∂a·f'(z): the δ of each position, masked by the activation",
    "delta_input": "the δ reaching the layer's input, the pooled maps below (conv layers after the first)",
    "probs": "the softmax's class probabilities for the image in hand (once its forward pass reached it)",
    "predicted": "the class with the highest probability for the image in hand (−1 on a tie)",
    "confusion": "test images by true class (rows) and predicted class (columns), for the weights now",
    "misclassified": "the test images (rows of the test set) the network gets wrong, for the weights now",
}
MAP_NAMES = {"x": "layer_input", "z": "z_map", "a": "feature_map", "p": "pooled", "win": "pool_winners",
             "dp": "delta_pooled", "da": "delta_routed", "dz": "delta_map"}


@dataclass(frozen=True)
class LayerFacts:
    """How conv layer l reads its input: kernel side, stride, the zeros added around (each side), pooling."""
    size: int
    stride: int
    pad: int
    pool: str
    activation: str = "relu"   # f of a = f(z)


@dataclass(frozen=True)
class TestConfusion:
    matrix: np.ndarray      # (classes, classes): true class (row), predicted class (column)
    predicted: np.ndarray   # (M,) each test image's class, NO_CLASS on a tie
    wrong: np.ndarray       # rows of the test set predicted wrong (a tie is wrong)
    accuracy: float


# where the test set's class probabilities for the weights now are kept (per_weights): an evaluation
# computes them with the same forward pass as predict, bit for bit, and a frame's confusion matrix reads them
TEST_PROBABILITIES = "_test_probabilities_kept"


class CNNInspect:
    """The CNN's `inspect()` and what its view draws (mixed into the CNN model)."""
    inspected = INSPECTED

    def inspect(self, last=None, trace=None) -> dict:
        seen = self.picture(last, trace)
        return {name: seen[name] for name in INSPECTED if name in seen}

    def picture(self, last=None, trace=None, backend=None) -> dict:
        """Everything the CNN's pictures show at `last`: the inspected names (the kernel in focus),
        and for the view the whole layer in focus ("maps": x, z, a, p, win and, while stepping, the
        δs dx, dz, da, dp of every kernel; "kernels", "grads"), "focus", "facts", "arithmetic",
        "accuracy" and "misclassified_as". `backend`: the kernels to compute with (default: now's)."""
        backend = backend or self.kernels_now()
        where = focus(last, self.n_conv, self.current >= 0)
        s = self.current if self.current >= 0 else 0
        l, f = where.layer, where.kernel
        maps, probs = self.stepped_maps(l) if where.inside else self.fresh_maps(s, l, backend)
        K, b = (v.copy() for v in self.conv_params(l))
        dK = self.conv_params(l, self.grad)[0].copy()
        out = {"sample": s, "label": int(self.data.y[s]), "focus_layer": l, "focus_kernel": f,
               "kernel": K[f], "kernel_bias": float(b[f]), "kernel_grad": dK[f],
               "maps": maps, "kernels": K, "grads": dK, "focus": where, "facts": self.layer_facts(l),
               "arithmetic": arithmetic(last, trace) if where.inside else None}
        for key, name in MAP_NAMES.items():
            if key in maps and (key != "win" or out["facts"].pool == "max"):
                out[name] = maps[key] if key == "x" else maps[key][f]
        if "dx" in maps and l > 0:
            out["delta_input"] = maps["dx"]
        if where.cell is not None:
            out["position"] = where.cell
            winner = self._pool_winner(where, maps)
            if winner is not None:
                out["pool_winner"] = winner
        if probs is not None:
            out["probs"] = probs
            out["predicted"] = int(self._classes(probs[None])[0])
        confusion = self.test_confusion(backend)
        if confusion is not None:
            out.update(confusion=confusion.matrix, misclassified=confusion.wrong, accuracy=confusion.accuracy,
                       misclassified_as=confusion.predicted[confusion.wrong])
        return out

    def _pool_winner(self, where: Focus, maps: dict):
        if where.op not in ("pool", "pool_back") or self.layer_facts(where.layer).pool != "max":
            return None
        r, c = where.cell
        w = int(maps["win"][where.kernel, r, c])
        return 2 * r + w // 2, 2 * c + w % 2

    def layer_facts(self, l: int) -> LayerFacts:
        row = self.conv[l]
        size = int(row[ck.SIZE])
        return LayerFacts(size, int(row[ck.STRIDE]), pad_of(size, int(row[ck.PADDING])),
                          pooling_kind(int(row[ck.POOL])), act.NAMES[int(row[ck.ACT])])

    def stepped_maps(self, l: int):
        """Conv layer l's maps and δs as the stepped sample has filled them in (copies), and the
        probabilities once its softmax ran (the workspace starts each sample at zero)."""
        x, z, a, p = (v.copy() for v in self.conv_maps(l))
        dx, dz, da, dp = (v.copy() for v in self.conv_maps(l, self.dm))
        win = self.conv_maps(l, self.win)[3].copy()
        probs = self.dense_maps(len(self.sizes) - 2)[2].copy()
        maps = {"x": x, "z": z, "a": a, "p": p, "win": win, "dx": dx, "dz": dz, "da": da, "dp": dp}
        return maps, (probs if np.any(probs != 0.0) else None)

    def fresh_maps(self, s: int, l: int, backend=None):
        """Conv layer l's maps and the probabilities of training image s, with the weights now."""
        fm, win = np.zeros(self.o[-1]), np.zeros(self.o[-1], np.int64)   # a workspace of its own
        self.conv_maps(0, fm)[0][...] = self.X[s]
        (backend or self.kernels_now()).scalar(ck).sample_forward(self.theta, *self._arch(), fm, win)
        x, z, a, p = self.conv_maps(l, fm)
        maps = {"x": x, "z": z, "a": a, "p": p, "win": self.conv_maps(l, win)[3]}
        return maps, self.dense_maps(len(self.sizes) - 2, fm)[2]

    def test_confusion(self, backend=None) -> TestConfusion | None:
        """The test set's confusion matrix for the weights now (None without a test set), computed
        again only when the weights (or the kernels computing it) changed."""
        d = self.data
        if not len(d.y_test):
            return None
        backend = backend or self.kernels_now()
        # the probabilities an evaluation just computed on these weights (a run's last epoch) serve as they are
        P = kept(self, TEST_PROBABILITIES, backend.name, lambda: self._test_probabilities(backend))
        return kept(self, "_confusion_kept", backend.name, lambda: self._confusion(P))

    def _test_probabilities(self, backend) -> np.ndarray:
        P = np.zeros((len(self.data.y_test), int(self.sizes[-1])))
        backend.cnn.predict(self.theta, *self._arch(), np.ascontiguousarray(self.data.X_test, np.float64), P)
        return P

    def _confusion(self, P) -> TestConfusion:
        d = self.data
        predicted = self._classes(P)
        n = d.classes
        matrix = np.zeros((n, n), np.int64)
        decided = predicted >= 0
        np.add.at(matrix, (d.y_test[decided], predicted[decided]), 1)
        return TestConfusion(matrix, predicted, np.flatnonzero(predicted != d.y_test),
                             float(np.mean(predicted == d.y_test)))


def cell_values(shown: dict, which: str, r: int, c: int) -> dict:
    """What one cell of the kernel in focus's feature map (`which` = "map") or pooled map ("pooled")
    holds in a picture (`shown`, from CNNInspect.picture): a map cell's z and a = f(z) (and while a
    sample is stepped backward, ∂L/∂a and δ = ∂L/∂z); a pooled cell's value and, for max pooling, the
    map cell it took (and its δ, ∂L/∂p). The numbers are the picture's: the kernels computed them."""
    maps, f = shown["maps"], shown["focus_kernel"]
    out = {"which": which, "kernel": f, "cell": (r, c)}
    if which == "map":
        out.update(z=float(maps["z"][f, r, c]), a=float(maps["a"][f, r, c]), fn=shown["facts"].activation)
        for key, name in (("da", "dL_da"), ("dz", "delta")):
            if key in maps:
                out[name] = float(maps[key][f, r, c])
        return out
    out["p"] = float(maps["p"][f, r, c])
    if shown["facts"].pool == "max":
        w = int(maps["win"][f, r, c])
        out["winner"] = (2 * r + w // 2, 2 * c + w % 2)
    if "dp" in maps:
        out["delta"] = float(maps["dp"][f, r, c])
    return out
