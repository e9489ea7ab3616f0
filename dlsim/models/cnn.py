"""A convolutional network: kernels sliding over an image, pooling, dense layers, softmax cross-entropy.

Per conv layer: each kernel at each position (r, c) gives Σ window·K + b, then f(z) (ReLU or tanh);
2×2 pooling keeps each window's max (and which cell won) or its mean; the last pooled maps are
flattened into a dense layer (an optional hidden one first) and a softmax. Backward: the output δ,
the dense ∂W, the δ back into the pooled maps, routed through the pool to the winners (or spread),
masked by f'(z), then ∂K accumulating window·δ position by position, ∂b, and the δ reaching the
layer below (the full convolution with the flipped kernel). Then every kernel's update.

Three paths, one arithmetic: `events(OP)` steps one position, one cell, one neuron at a time through
the very helpers (dlsim.kernels.conv, dlsim.kernels.cnn) that `kernels.cnn.train_batch` loops over,
in the same order, so a stepped batch and a compiled one write the same bits; `events(BATCH)` runs a
batch per compiled call; `train_fused` whole epochs. A sample's maps and δs live in one workspace
(`fm`, `dm`, `win`: the kernels' layout), saved with the state, so the view shows them as they fill.
"""
import math
from types import SimpleNamespace

import numpy as np

from dlsim.errors import UserError
from dlsim.kernels import activations as act
from dlsim.kernels import cnn as ck
from dlsim.kernels import conv as cv
from dlsim.kernels import losses, optimizers
from dlsim.models import chunked
from dlsim.models import cnn_estimate, cnn_net
from dlsim.models import options as opt
from dlsim.models.flat_parameters import FlatParameters
from dlsim.models.per_weights import keep
from dlsim.models.base import NO_CLASS, TIE
from dlsim.models.batched import MiniBatched
from dlsim.models.cnn_formulas import FORMULAS, METRICS
from dlsim.models.cnn_inspect import TEST_PROBABILITIES, CNNInspect
from dlsim.models.cnn_net import layer_dims
from dlsim.models.cnn_steps import sample_events, update_events
from dlsim.protocol import datasets, images
from dlsim.protocol.datasets import IMAGES, Source, one_hot

DATASETS = ("bars", "shapes", "colour_shapes", "digits")
CLASS_NAMES = {"bars": images.BARS, "shapes": images.SHAPES, "colour_shapes": images.SHAPES,
               "digits": images.DIGITS}


# --- the image sets, registered under the names the CNN offers --------------------------------------
def _generated(make):
    def generate(rng, n, noise, image=8):
        return make(n, image, noise, int(rng.integers(2**31)))
    return generate


def _digits(rng, n, noise, image=8):
    X, y = images.digits()
    if image != X.shape[-1]:   # a shipped set: its side is its own, and silently drawing 8×8 would mislead
        raise UserError(f"option 'image': the digits are {X.shape[-1]}×{X.shape[-1]} images; use image="
                        f"{X.shape[-1]} with dataset=digits, or image={images.SIZES.start}…{images.SIZES.stop - 1} "
                        f"with bars, shapes or colour_shapes")
    if n > len(X):
        raise UserError(f"the digits set has {len(X):,} images: samples + test must be at most that (got {n:,})")
    pick = rng.permutation(len(X))[:n]
    X = X[pick]
    return (np.clip(X + rng.uniform(-noise, noise, X.shape), 0.0, 1.0) if noise else X), y[pick]


for _name, _source in (("bars", Source(IMAGES, _generated(images.bars), 2)),
                       ("shapes", Source(IMAGES, _generated(images.shapes), 3)),
                       ("colour_shapes", Source(IMAGES, _generated(images.colour_shapes), 3)),
                       ("digits", Source(IMAGES, _digits, 10))):
    datasets.register(_name, _source)


def _one_of(name, default, help, values):
    """An option taking one of a few whole numbers (a kernel size 3 or 5), from the command line or Python."""
    def parse(raw):
        value = int(raw) if isinstance(raw, str) else raw
        if isinstance(value, bool) or value not in values:
            raise ValueError
        return int(value)
    return opt.Option(name, default, help, parse, "one of: " + ", ".join(map(str, values)),
                      choices=tuple(str(v) for v in values))


class CNN(CNNInspect, FlatParameters, MiniBatched):
    highlightable = frozenset({"feature_map", "pooled", "confusion"})   # a cell of the stage's maps
    highlighted_whole = frozenset({"confusion"})   # its page in the classes panel
    name = "cnn"
    summary = "kernels sliding over images: feature maps, pooling, and backpropagation through both"
    datasets = DATASETS
    kinds = ("images",)
    default_epochs = 20
    metrics = METRICS
    saved = MiniBatched.saved + ("theta", "grad", "m", "v", "fm", "dm", "win", "current", "batch_index", "sample",
                           "batch_loss", "epoch_loss")
    learning_rule = "backpropagation through the pooling and the convolutions"
    formulas = FORMULAS
    options = (
        opt.choice("dataset", "bars", "images: horizontal vs vertical bars, crosses/circles/squares (grey or in "
                   "colour), or the UCI handwritten digits (8×8)", DATASETS),
        opt.integer("seed", 0, "seeds the data, the initial kernels and weights and the shuffling"),
        opt.sizes("kernels", (4,), "kernels per conv layer, one number a layer (1 to 3 layers): 4 or 4,8",
                  low=1, high=64),
        _one_of("size", 3, "kernel side", (3, 5)),
        _one_of("stride", 1, "kernel step across the image", (1, 2)),
        opt.choice("padding", "valid", "valid: the kernel stays inside; same: zeros around keep the size "
                   "(at stride 1)", tuple(cv.PADDINGS)),
        opt.choice("activation", "relu", "activation of the feature maps (and the hidden dense layer)",
                   ("relu", "tanh")),
        opt.choice("pool", "max", "2×2 pooling after each conv layer, stride 2", tuple(cv.POOLS)),
        opt.sizes("hidden", (), "sizes of hidden dense layers after the flatten (0: none)", high=512),
        opt.choice("preset", "random", "first conv layer's kernels: random, hand-set edge detectors, or a blur",
                   cnn_net.PRESETS),
        opt.integer("freeze", 0, "conv layers, from the first, whose kernels and biases never change", high=3),
        *opt.optimizer_options("sgd", 0.1),
        opt.integer("batch", 16, "samples per update: 1 = per sample, 0 = the full training set", high=10**6),
        opt.integer("image", 8, "image side of the generated sets, 8 to 28 (the digits are 8×8 only)",
                    low=images.SIZES.start, high=images.SIZES.stop - 1),
        opt.integer("samples", 200, "training images", low=2, high=100_000),
        opt.integer("test", 100, "test images", low=0, high=100_000),
        opt.real("noise", 0.1, "noise added to each pixel, up to ±noise", high=1.0),
        opt.backend(),
    )
    EPS = 1e-8   # Adam's ε
    warm_up_size = {"samples": 4, "test": 2, "batch": 2}

    def __init__(self, config, data):
        super().__init__(config, data)
        # the scalar kernels stepping calls one at a time (compiled, or by Python on numpy)
        self.ops = SimpleNamespace(**{name: self.kernels.scalar(module) for name, module in (
            ("act", act), ("ck", ck), ("cv", cv), ("losses", losses), ("optimizers", optimizers))})
        n = data.X.shape[0]
        if config["batch"] > n:
            raise UserError(f"option 'batch': {config['batch']} is larger than the {n} training samples; "
                            f"use 1..{n}, or 0 for the full set")
        if config["freeze"] > len(config["kernels"]):
            raise UserError(f"option 'freeze': {config['freeze']} conv layers, but the network has "
                            f"{len(config['kernels'])}; use 0..{len(config['kernels'])}")
        self.batch_size = config["batch"] or n
        self.config["shuffle"] = self.batch_size < n
        self.conv, self.sizes = cnn_net.build(data.shape, config, data.classes)
        self.dense_act = act.CODES[config["activation"]]
        self.po = cnn_net.param_offsets(self.conv, self.sizes)
        self.o = cnn_net.map_offsets(self.conv, self.sizes)
        self.frozen = self.po[2 * config["freeze"]]   # the frozen layers' parameters lie first in theta
        self.X = np.ascontiguousarray(data.X, np.float64)
        self.Y = self.targets(data.y)
        self.hold(cnn_net.initial_weights(self.conv, self.sizes, self.dense_act,
                                          np.random.default_rng([config["seed"], 1])))   # theta (P,) and the rest
        if config["preset"] != "random":
            K, b = self.conv_params(0)
            K[...] = cnn_net.preset(config["preset"], *K.shape[:3])
            b[...] = 0.0
        self.fm = np.zeros(self.o[-1])          # a sample's maps, in the kernels' layout
        self.dm = np.zeros(self.o[-1])          # their δs, at the same places
        self.win = np.zeros(self.o[-1], np.int64)   # each pooled cell's winner, at the pooled maps' places
        self.current = -1       # the training image whose maps fm holds (-1: none stepped yet)
        self.class_names = getattr(data, "class_names", ()) or CLASS_NAMES[config["dataset"]]   # own data: its own
        self.batch_index = 0    # batches done in this epoch
        self.sample = 0         # samples done in this batch
        self.batch_loss = 0.0   # running loss of the current batch
        self.epoch_loss = 0.0   # running Σ batch loss × batch size of the current epoch
        self.params_written = 0   # weights typed in so far: a conv layer stepped meanwhile re-reads its kernel

    def targets(self, y):
        return one_hot(y, self.data.classes)

    def set_param(self, name, value, index=None):
        super().set_param(name, value, index)
        self.params_written += 1

    # --- parameters and maps (views into the flat buffers) ----------------------------------------
    @property
    def n_conv(self) -> int:
        return len(self.conv)

    def conv_params(self, l, buf=None):
        """Conv layer l's kernels (F, C, k, k) and biases (F,)."""
        buf, po, row = self.theta if buf is None else buf, self.po, self.conv[l]
        f, ch, k = int(row[ck.N_KERNELS]), int(row[ck.IN_C]), int(row[ck.SIZE])
        return buf[po[2 * l]:po[2 * l + 1]].reshape(f, ch, k, k), buf[po[2 * l + 1]:po[2 * l + 1] + f]

    def dense_params(self, d, buf=None):
        """Dense layer d's W (I, O) and b (O,)."""
        buf, at = self.theta if buf is None else buf, self.po[2 * (self.n_conv + d)]
        n_in, n_out = int(self.sizes[d]), int(self.sizes[d + 1])
        return buf[at:at + n_in * n_out].reshape(n_in, n_out), buf[at + n_in * n_out:at + (n_in + 1) * n_out]

    def conv_maps(self, l, buf=None):
        """Conv layer l's input (C, H, W), z and a (F, Ho, Wo) and pooled map (F, Hp, Wp) in fm (or in
        dm: their δs; or in win: the pooled cells' winners)."""
        buf, o, row = self.fm if buf is None else buf, self.o, self.conv[l]
        ho, wo, hp, wp = layer_dims(row)
        f = int(row[ck.N_KERNELS])
        shape_in = tuple(int(v) for v in row[[ck.IN_C, ck.IN_H, ck.IN_W]])
        return (buf[o[3 * l]:o[3 * l] + math.prod(shape_in)].reshape(shape_in),
                buf[o[3 * l + 1]:o[3 * l + 2]].reshape(f, ho, wo), buf[o[3 * l + 2]:o[3 * l + 3]].reshape(f, ho, wo),
                buf[o[3 * l + 3]:o[3 * l + 3] + f * hp * wp].reshape(f, hp, wp))

    def dense_maps(self, d, buf=None):
        """Dense layer d's input, z and a."""
        buf, at = self.fm if buf is None else buf, 3 * self.n_conv + 2 * d
        n_in, n_out = int(self.sizes[d]), int(self.sizes[d + 1])
        o = self.o
        return buf[o[at]:o[at] + n_in], buf[o[at + 1]:o[at + 1] + n_out], buf[o[at + 2]:o[at + 2] + n_out]

    def _named(self, buf):
        named = {}
        for l in range(self.n_conv):
            named[f"layer[{l}].K"], named[f"layer[{l}].b"] = self.conv_params(l, buf)
        for d in range(len(self.sizes) - 1):
            named[f"layer[{self.n_conv + d}].W"], named[f"layer[{self.n_conv + d}].b"] = self.dense_params(d, buf)
        return named

    def hyper(self):
        return self.optimizer_settings()

    # --- whole-batch maths (API, evaluation) --------------------------------------------------------
    def _arch(self):
        return self.conv, self.sizes, self.dense_act

    def probabilities(self, X):
        """(N, classes): each image's class probabilities (the softmax), by the model's kernels."""
        X = self.check_inputs(X, "images")
        P = np.zeros((X.shape[0], int(self.sizes[-1])))
        self.kernels.cnn.predict(self.theta, *self._arch(), X, P)
        return P

    outputs = probabilities   # (the name the other networks give their outputs)

    def gradients(self, X, Y):
        X = self.check_inputs(X, "images")
        Y = self.check_targets(Y)
        if Y.shape[0] != X.shape[0]:
            raise UserError(f"{X.shape[0]} images but {Y.shape[0]} target rows")
        grad = np.zeros_like(self.theta)
        loss = self.kernels.cnn.gradients(self.theta, grad, *self._arch(), X, Y)
        return float(loss), self._named(grad)

    def check_targets(self, Y):
        Y = np.asarray(Y, np.float64)
        width = int(self.sizes[-1])
        if Y.ndim != 2 or Y.shape[1] != width:
            raise UserError(f"targets must be rows of {width} numbers (shape (N, {width})), got shape {Y.shape}")
        if not np.all(np.isfinite(Y)) or not np.all((Y >= 0.0) & (Y <= 1.0)) or \
                not np.allclose(Y.sum(axis=1), 1.0, rtol=0, atol=1e-9):
            raise UserError(f"targets are one distribution per row: numbers from 0 to 1 summing to 1 "
                            f"(one-hot rows, or class numbers 0..{width - 1} as labels)")
        return np.ascontiguousarray(Y)

    @staticmethod
    def _classes(P):
        undecided = (P >= P.max(axis=1, keepdims=True) - TIE).sum(axis=1) > 1
        return np.where(undecided | ~np.all(np.isfinite(P), axis=1), NO_CLASS, P.argmax(axis=1))

    def predict(self, X):
        return self._classes(self.probabilities(X))

    def ties(self, X):
        P = self.probabilities(X)
        return (P >= P.max(axis=1, keepdims=True) - TIE).sum(axis=1) > 1

    def scores(self, X):
        """Each image's probability of class 1."""
        return self.probabilities(X)[:, 1]

    def evaluate(self):
        d = self.data
        result = {}
        for split, X, y in (("train", self.X, d.y), ("test", d.X_test, d.y_test)):
            if len(y):
                P = np.zeros((len(y), int(self.sizes[-1])))
                loss = self._loss_by_rows(np.ascontiguousarray(X, np.float64), self.targets(y), P)
                result[f"{split}_loss"] = float(loss)
                result[f"{split}_acc"] = float(np.mean(self._classes(P) == y))
                if split == "test":   # the confusion matrix a frame shows next, for these weights
                    keep(self, TEST_PROBABILITIES, self.kernels.name, P)
            else:
                result[f"{split}_loss"] = result[f"{split}_acc"] = None
        return result

    def _loss_by_rows(self, X, Y, P) -> float:
        """The kernels' evaluate (P filled, the mean loss returned) a slice of images at a time, a
        stop looked at between two (models/chunked), the running total carried from slice to slice:
        the same additions in the same order as one call. A backend without evaluate_rows (the GPU's,
        the NumPy references) makes its one call."""
        by_rows = getattr(self.kernels.cnn, "evaluate_rows", None)
        if by_rows is None:
            return self.kernels.cnn.evaluate(self.theta, *self._arch(), X, Y, P)
        arch, scale, total = self._arch(), 1.0 / max(len(X), 1), [0.0]

        def rows(lo, hi):
            total[0] = by_rows(self.theta, *arch, X[lo:hi], Y[lo:hi], P[lo:hi], scale, total[0])
        chunked.by_rows(self, len(X), rows)
        return total[0]

    # --- the event stream ----------------------------------------------------------------------------
    def _sample_events(self, s, batch):
        return sample_events(self, s, batch)

    def _update_events(self, n_rows):
        return update_events(self, n_rows)

    def _compiled_batch(self, rows):
        self.steps += 1
        self.batch_loss = self.kernels.cnn.train_batch(
            self.theta, self.grad, self.m, self.v, self.steps, self.frozen, *self._arch(), *self.hyper(),
            self.X[rows], self.Y[rows])
        return self.batch_done(len(rows))

    # --- the fused path ------------------------------------------------------------------------------
    def train_fused(self, epochs, every=1):
        """Up to `epochs` epochs on the compiled path (see _train_fused); an epoch too long for one
        compiled call goes by batches, so that a stop takes effect within a chunk (models/chunked)."""
        return chunked.fused(self, epochs, lambda n: self._train_fused(n, every))

    def _train_fused(self, epochs, every=1):
        """Train on the compiled path, `every` epochs per call, evaluating after each call. Must start at
        an epoch boundary; stops after an epoch whose loss is not finite."""
        assert self.batch_index == 0 and self.sample == 0, "train_fused starts at an epoch boundary"
        done = 0
        while done < epochs and not chunked.requested.is_set():   # a stop: between two calls
            n = min(every, epochs - done)
            orders = self.orders(self.epoch, n)
            epoch_losses = np.zeros(n)
            ran, self.steps = self.kernels.cnn.train_epochs(
                self.theta, self.grad, self.m, self.v, self.steps, self.frozen, *self._arch(), *self.hyper(),
                self.X, self.Y, orders, self.batch_size, epoch_losses)
            ran, self.steps = int(ran), int(self.steps)
            for e in range(ran):
                self.epoch += 1
                self.record({"loss": float(epoch_losses[e])})
            self.history[-1].update(self.evaluate())
            done += ran
            if ran < n or not math.isfinite(epoch_losses[ran - 1]):
                break
        return done

    def exercise(self):
        """Evaluation, and what the pictures compute (cnn_inspect): a forward pass of one image and
        the test set's predictions, by the model's own kernels (compiled here, at warm-up)."""
        super().exercise()
        if len(self.data.y_test):   # the evaluation's probabilities would serve the picture: predict compiles here
            self._test_probabilities(self.kernels)
        self.picture(backend=self.kernels)

    @classmethod
    def estimate(cls, config, data, history):
        return cnn_estimate.estimate(config, data, history)

    def epoch_progress(self):
        return self.batch_index, self.n_batches()
