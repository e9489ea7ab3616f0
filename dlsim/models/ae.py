"""The autoencoder: an encoder squeezes each input to a small code, a decoder rebuilds the input
from it, and the reconstruction error trains both (64 → 16 → 2 → 16 → 64 on the 8×8 digits; 2 → 1 → 2
on a 2-D point set).

It is an MLP whose target is its own input: the same dense layers, activations, losses and
optimizers (dlsim.kernels.mlp's blocks), with the middle layer — the code — one a learner can look at.
Options the MLP has not: tied weights (the decoder's W is the encoder's transposed: one set of
weights, two uses) and denoising (each input value dropped with probability `denoise`, the draws
recorded ops, so that rewinding and replaying draws the same mask). Three paths, one arithmetic:
`events(OP)` walks one neuron and one weight at a time (ae_steps), `events(BATCH)` runs a batch per
compiled call, `train_fused` whole epochs (dlsim.kernels.ae).
"""
import math

import numpy as np

from dlsim.errors import UserError
from dlsim.kernels import activations as act
from dlsim.kernels import ae as ae_kernels
from dlsim.kernels import dense, losses, optimizers
from dlsim.kernels.mlp_reference import unpack
from dlsim.models import ae_data, ae_estimate, chunked
from dlsim.models import options as opt
from dlsim.models.ae_formulas import FORMULAS, METRICS
from dlsim.models.ae_inspect import AEInspect
from dlsim.models.ae_steps import sample_events, update_events
from dlsim.models.batched import MiniBatched
from dlsim.models.flat_parameters import FlatParameters
from dlsim.models.per_weights import keep, kept

CODE_PAIRS = 10**7   # test × training codes compared for test_code_acc, at most
POINT_SETS = ("xor", "circle", "moons", "spiral", "gaussian")


class AE(AEInspect, FlatParameters, MiniBatched):
    name = "ae"
    summary = "an encoder squeezes the input to a small code, a decoder rebuilds it: what a bottleneck keeps"
    datasets = ("digits", *POINT_SETS)
    dataset_source = {"digits": ae_data.NAME}
    kinds = ("vectors", "points")
    default_epochs = 30
    metrics = METRICS
    saved = MiniBatched.saved + ("theta", "grad", "m", "v", "batch_index", "sample", "batch_loss", "epoch_loss")
    learning_rule = "backpropagation of its reconstruction error"
    formulas = FORMULAS
    options = (
        opt.choice("dataset", "digits", "inputs to rebuild: the 8×8 handwritten digits (64 values), or a 2-D "
                   "point set", datasets),
        opt.integer("seed", 0, "seeds the data, the initial weights, the shuffling and the corruption"),
        opt.sizes("encoder", (16,), "the encoder's hidden layer sizes before the code (the decoder mirrors "
                  "them; 0: none)", high=512),
        opt.integer("code", 2, "units in the code layer (the bottleneck)", low=1, high=512),
        opt.choice("activation", "tanh", "activation of the hidden layers (the code is linear)", act.HIDDEN),
        opt.choice("loss", "mse", "reconstruction loss: mse, or bce for inputs in [0, 1] (the digits)",
                   ("mse", "bce")),
        opt.choice("tied", "no", "yes: the decoder's weights are the encoder's transposed", ("no", "yes")),
        opt.real("denoise", 0.0, "denoising: the share of input values dropped (set to 0) at random; the "
                 "target stays the clean input", high=0.95, live=True),
        *opt.optimizer_options("adam", 0.01),
        opt.integer("batch", 32, "samples per update: 1 = per sample, 0 = the full training set",
                    low=0, high=10**7),
        opt.integer("samples", 1000, "training inputs (the digits have 1,797 in all)", low=2, high=1_000_000),
        opt.integer("test", 300, "test inputs", low=0, high=1_000_000),
        opt.real("noise", 0.0, "noise added to the data itself", high=5.0),
        opt.backend(),
    )
    warm_up_configs = ({}, {"tied": "yes", "denoise": 0.25, "loss": "bce", "optimizer": "sgd"},
                       {"optimizer": "momentum", "activation": "relu"})
    warm_up_size = {"encoder": (3,), "samples": 8, "test": 4, "batch": 4}

    def __init__(self, config, data):
        super().__init__(config, data)
        self.act, self.losses, self.optimizers, self.dense, self.ops = (
            self.kernels.scalar(module) for module in (act, losses, optimizers, dense, ae_kernels))
        self.X = np.ascontiguousarray(data.X.reshape(len(data.X), -1), np.float64)   # (N, F)
        n, f = self.X.shape
        if config["batch"] > n:
            raise UserError(f"option 'batch': {config['batch']} is larger than the {n} training samples; "
                            f"use 1..{n}, or 0 for the full set")
        self.batch_size = config["batch"] or n
        self.config["shuffle"] = self.batch_size < n
        self.loss_kind = losses.CODES[config["loss"]]
        in_unit = bool(np.all((self.X >= 0.0) & (self.X <= 1.0)))
        if self.loss_kind == losses.BCE and not in_unit:
            raise UserError(f"option 'loss': bce rebuilds values in [0, 1], and {data.name}'s are not; use mse")
        # a sigmoid output where the inputs are in [0, 1] (the digits), else a linear one (the points)
        self.output = act.SIGMOID if in_unit else act.LINEAR
        self.tied = config.get("tied") == "yes"
        self._shape(f, tuple(config["encoder"]), config["code"], act.CODES[config["activation"]])
        self.hold(self._initial_weights(np.random.default_rng([config["seed"], 1])))
        self.batch_index = 0
        self.sample = 0
        self.batch_loss = 0.0
        self.epoch_loss = 0.0

    def _shape(self, f, encoder, code, hidden):
        """The layers: their sizes, activations, and which one's outputs are the code."""
        self.code = code
        self.sizes = np.array((f, *encoder, code, *encoder[::-1], f), np.int64)
        self.acts = np.array([hidden] * len(encoder) + [act.LINEAR] + [hidden] * len(encoder) + [self.output],
                             np.int64)
        self.code_layer = len(encoder)      # the layer whose outputs are the code

    # --- parameters -------------------------------------------------------------------------------
    def layers(self, buf=None):
        """[(W (I, O), b (O,)), ...] as views into theta (or a buffer of the same layout)."""
        return unpack(self.theta if buf is None else buf, self.sizes)

    def _named(self, buf):
        named = {}
        for l, (W, b) in enumerate(self.layers(buf)):
            named[f"layer[{l}].W"], named[f"layer[{l}].b"] = W, b
        return named

    def _parameter_count(self):
        return sum(int(i * o + o) for i, o in zip(self.sizes[:-1], self.sizes[1:]))

    def _initial_weights(self, rng):
        """Glorot-uniform (He for ReLU), biases at zero; tied: each decoder W the encoder's transposed."""
        theta = np.zeros(self._parameter_count())
        layers = self.layers(theta)
        for l, ((W, _), kind) in enumerate(zip(layers, self.acts)):
            n_in, n_out = W.shape
            if self.tied and l >= len(layers) // 2:
                W[:] = layers[len(layers) - 1 - l][0].T
            elif kind == act.RELU:
                W[:] = rng.normal(0.0, math.sqrt(2.0 / n_in), W.shape)
            else:
                limit = math.sqrt(6.0 / (n_in + n_out))
                W[:] = rng.uniform(-limit, limit, W.shape)
        return theta

    def set_param(self, name, value, index=None):
        """Set a parameter; with tied weights its twin in the other half of the network too."""
        super().set_param(name, value, index)
        twin = self.twin_of(name)
        if twin is not None:
            self.params[twin][...] = self.params[name].T

    def twin_of(self, name: str) -> str | None:
        """The tied twin of a weight matrix's name (layer[0].W ↔ layer[3].W), or None."""
        n = len(self.sizes) - 1
        for l in range(n):
            if self.tied and name == f"layer[{l}].W" and l != n - 1 - l:
                return f"layer[{n - 1 - l}].W"
        return None

    def hyper(self):
        return self.optimizer_settings()

    # --- one sample's loss, as the stepped path computes it (the MLP's: the mean over the values) ---
    def sample_loss(self, z, a, y, scale):
        return self.losses.sample_loss(z, a, y, self.loss_kind, scale)

    def output_delta(self, z, a, y, scale, k):
        return self.losses.output_delta(z, a, y, self.loss_kind, self.acts[-1], scale, k)

    def loss_grad(self, a, y, scale, k):
        return self.losses.loss_grad(a, y, self.loss_kind, scale, k)

    # --- whole-batch maths: the API, evaluation, the pictures (ae_inspect) ----------------------------
    def _forward(self, X, kernels, first=0, last=None):
        """Z, A (N, units) of layers first … last − 1 for inputs X (N, sizes[first]) already checked,
        through `kernels` (the inputs first in A)."""
        last = len(self.sizes) - 1 if last is None else last
        sizes = np.ascontiguousarray(self.sizes[first:last + 1])
        start = sum(int(i * o + o) for i, o in zip(self.sizes[:first], self.sizes[1:first + 1]))
        stop = start + sum(int(i * o + o) for i, o in zip(sizes[:-1], sizes[1:]))
        units = int(sizes.sum())
        Z, A = np.zeros((X.shape[0], units)), np.zeros((X.shape[0], units))
        kernels.ae.forward(np.ascontiguousarray(self.theta[start:stop]), sizes,
                           np.ascontiguousarray(self.acts[first:last]), X, Z, A)
        return Z, A

    def _flat(self, X, what="inputs"):
        X = self.check_inputs(X, what)
        return X.reshape(len(X), -1)

    def reconstruct(self, X, kernels=None):
        """The network's rebuilding of each input row of X: (N, features)."""
        out = int(self.sizes[-1])
        return self._forward(self._flat(X), kernels or self.kernels)[1][:, -out:]

    def encode_and_reconstruct(self, X, kernels=None):
        """(codes (N, code), rebuilt inputs (N, features)) of the input rows of X: encode's and
        reconstruct's numbers from one forward pass (a run frame's test input: one compiled call)."""
        A = self._forward(self._flat(X), kernels or self.kernels)[1]
        at = int(self.sizes[:self.code_layer + 1].sum())   # the code layer's columns (the inputs first)
        return A[:, at:at + self.code].copy(), A[:, -int(self.sizes[-1]):]

    def encode(self, X, kernels=None):
        """The code of each input row of X: (N, code)."""
        A = self._forward(self._flat(X), kernels or self.kernels, 0, self.code_layer + 1)[1]
        return A[:, -self.code:]

    def decode(self, Z, kernels=None):
        """What the decoder makes of codes Z (N, code): (N, features)."""
        width = self.code
        Z = np.asarray(Z, np.float64) if not isinstance(Z, np.ndarray) else Z.astype(np.float64)
        if Z.ndim != 2 or Z.shape[1] != width or not np.all(np.isfinite(Z)):
            raise UserError(f"codes must be finite rows of {width} number{'s' * (width > 1)} "
                            f"(shape (N, {width})), got shape {Z.shape}")
        A = self._forward(np.ascontiguousarray(Z), kernels or self.kernels, self.code_layer + 1)[1]
        return A[:, -int(self.sizes[-1]):]

    def outputs(self, X):
        return self.reconstruct(X)

    def targets(self, y):
        """An autoencoder's target is its input, not a label: None stands for "the inputs themselves"."""
        return None

    def check_targets(self, Y):
        Y = np.asarray(Y, np.float64)
        f = int(self.sizes[-1])
        if Y.ndim != 2 or Y.shape[1] != f or not np.all(np.isfinite(Y)):
            raise UserError(f"targets must be finite rows of {f} numbers (shape (N, {f})), the clean inputs; "
                            f"got shape {Y.shape}")
        if self.loss_kind == losses.BCE and not np.all((Y >= 0.0) & (Y <= 1.0)):
            raise UserError("targets for loss=bce are values from 0 to 1")
        return np.ascontiguousarray(Y)

    def gradients(self, X, Y=None):
        """(loss, {name: ∂L/∂param}) of rebuilding X (as it is given: no corruption) into Y (default:
        X itself); with tied weights both twins carry their sum. Nothing changes."""
        X = self._flat(X)
        Y = X if Y is None else self.check_targets(Y)
        if len(X) != len(Y):
            raise UserError(f"{len(X)} inputs but {len(Y)} target rows")
        Z, A = self._forward(X, self.kernels)
        grad = np.zeros_like(self.theta)
        loss = self.kernels.ae.backward(self.theta, grad, self.sizes, self.acts, self.loss_kind, Y, Z, A,
                                         np.zeros_like(Z))
        if self.tied:
            self.kernels.ae.tie_gradients(grad, self.sizes)
        return loss, self._named(grad)

    def predict(self, X):
        """The class a code carries: that of the training input whose code is nearest to each row's
        (ties to the lower row). Labels never train an autoencoder; this reads what its code kept."""
        return self._nearest_class(self.encode(X))

    def _nearest_class(self, codes):
        train = kept(self, "_train_codes_kept", self.kernels.name, lambda: self.encode(self.X))
        nearest = np.zeros(len(codes), np.int64)
        self.kernels.ae.nearest_rows(np.ascontiguousarray(codes), np.ascontiguousarray(train), nearest)
        return self.data.y[nearest]

    def code_accuracy(self, X, y, codes=None):
        """The share of rows of X whose code's nearest training code is of their class y (None for
        sets too large to compare every pair); `codes`: X's codes, where already computed."""
        if len(X) == 0 or len(X) * len(self.X) > CODE_PAIRS:
            return None
        codes = self.encode(X) if codes is None else codes
        if not np.isfinite(codes).all():   # diverged: no code is nearest to a NaN
            return None
        return float(np.mean(self._nearest_class(codes) == y))

    def evaluate(self):
        """The mean reconstruction loss of the clean training and test inputs (forward passes by
        slices of rows, a stop looked at between two: models/chunked), and what the code kept."""
        result, codes = {}, {}
        out = int(self.sizes[-1])
        at = int(self.sizes[:self.code_layer + 1].sum())   # the code layer's columns of A (the inputs first)
        test = self.test_rows()

        def rows(x):   # per row: the output layer's z and a, and the code
            Z, A = self._forward(x, self.kernels)
            return np.hstack([Z[:, -out:], A[:, -out:], A[:, at:at + self.code]])
        for split, X in (("train", self.X), ("test", test)):
            if len(X):
                got = chunked.stacked(self, X, rows)
                Z, A, codes[split] = (np.ascontiguousarray(got[:, a:b]) for a, b in ((0, out), (out, 2 * out), (2 * out, None)))
                result[f"{split}_loss"] = float(self.kernels.ae.mean_loss(Z, A, X, self.loss_kind))
            else:
                result[f"{split}_loss"] = None
        self.keep_codes(codes.get("train"), codes.get("test"))
        result["test_code_acc"] = self.code_accuracy(test, self.data.y_test, codes.get("test"))
        return result

    def keep_codes(self, train, test) -> None:
        """The codes of the training and test inputs (None: not computed), as an evaluation's forward
        passes computed them with the weights as they are: the nearest-code search and the code plane
        take them from there rather than encode every input again (two compiled calls a run chunk)."""
        for slot, codes in (("_train_codes_kept", train), ("_codes_kept", test)):
            if codes is not None:
                keep(self, slot, self.kernels.name, codes)

    # --- the event stream ---------------------------------------------------------------------------
    def corrupted(self, rows):
        """The inputs of `rows` as this epoch's draws corrupt them (the clean inputs without denoising)."""
        p = float(self.config["denoise"])
        if p <= 0.0:
            return self.X[rows]
        n, f = self.X.shape
        out, u = np.empty((len(rows), f)), np.empty(f)
        for k, r in enumerate(rows):
            self.kernels.ae.corrupt_row(self.config["seed"], self.epoch * n + int(r), p, self.X[r], u, out[k])
        return out

    def _compiled_batch(self, rows):
        self.steps += 1
        self.batch_loss = self.kernels.ae.train_batch(
            self.theta, self.grad, self.m, self.v, self.steps, self.sizes, self.acts, self.loss_kind,
            *self.hyper(), self.tied, self.corrupted(rows), self.X[rows])
        return self.batch_done(len(rows))

    def _sample_events(self, s, batch):
        return sample_events(self, s, batch)

    def _update_events(self, n_rows):
        return update_events(self, n_rows)

    # --- the fused path ----------------------------------------------------------------------------
    def train_fused(self, epochs, every=1):
        return chunked.fused(self, epochs, lambda n: self._train_fused(n, every))

    def _train_fused(self, epochs, every=1):
        assert self.batch_index == 0 and self.sample == 0, "train_fused starts at an epoch boundary"
        done = 0
        while done < epochs and not chunked.requested.is_set():
            n = min(every, epochs - done)
            orders = self.orders(self.epoch, n)
            epoch_losses = np.zeros(n)
            ran, self.steps = self.kernels.ae.train_epochs(
                self.theta, self.grad, self.m, self.v, self.steps, self.sizes, self.acts, self.loss_kind,
                *self.hyper(), self.tied, self.X, orders, self.batch_size, epoch_losses,
                float(self.config["denoise"]), self.config["seed"], self.epoch)
            for e in range(ran):
                self.epoch += 1
                self.record({"loss": float(epoch_losses[e])})
            self.history[-1].update(self.evaluate())
            done += ran
            if ran < n or not math.isfinite(epoch_losses[ran - 1]):
                break
        return done

    @classmethod
    def estimate(cls, config, data, history):
        return ae_estimate.estimate(config, data, history)
