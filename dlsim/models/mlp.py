"""Multi-layer perceptron: per layer z = a·W + b, a = f(z); a loss; backpropagation; an optimizer.

Three paths, one arithmetic. `events(OP)` walks one neuron and one weight at a time, calling the
same scalar kernels that `kernels.mlp.train_batch` loops over, so a stepped batch and a compiled
batch write identical bits; `events(BATCH)` runs a batch per compiled call; `train_fused` whole epochs.
"""
import math

import numpy as np

from dlsim.errors import UserError
from dlsim.kernels import activations as act
from dlsim.kernels import losses, optimizers
from dlsim.kernels import dense
from dlsim.models import chunked
from dlsim.models import options as opt
from dlsim.models.mlp_formulas import FORMULAS, METRICS, Op
from dlsim.models.flat_parameters import FlatParameters
from dlsim.models.base import NO_CLASS, TIE
from dlsim.models.batched import MiniBatched
from dlsim.models.mlp_inspect import MLPInspect
from dlsim.models import mlp_estimate
from dlsim.protocol.datasets import one_hot
from dlsim.protocol.events import BACKWARD, FORWARD, LOSS, UPDATE, Event, Level


class MLP(MLPInspect, FlatParameters, MiniBatched):
    name = "mlp"
    highlightable = frozenset({"neuron_on"})   # a hidden layer's neuron maps, one neuron's marked
    summary = "layers of neurons trained by backpropagation: decision boundaries, gradients, optimizers"
    datasets = ("xor", "circle", "moons", "spiral", "gaussian", "xor4", "and", "or")
    kinds = ("points", "table")   # the dataset kinds it takes
    default_epochs = 200    # a headless run's length when none is given
    metrics = METRICS
    saved = MiniBatched.saved + ("theta", "grad", "m", "v", "batch_index", "sample", "batch_loss", "epoch_loss")
    learning_rule = "backpropagation"
    formulas = FORMULAS
    options = (
        opt.choice("dataset", "xor", "training data", datasets),
        opt.integer("seed", 0, "seeds the data, the initial weights and the shuffling"),
        opt.sizes("hidden", (16, 16), "hidden layer sizes"),
        opt.choice("activation", "tanh", "activation of the hidden layers", act.HIDDEN),
        opt.choice("loss", "bce", "loss: mse and bce use one sigmoid output, softmax_ce one per class",
                   tuple(losses.CODES)),
        *opt.optimizer_options("sgd", 0.3),
        opt.integer("batch", 0, "samples per update: 1 = per sample, 0 = the full training set",
                    low=0, high=10**7),
        opt.integer("samples", 256, "training points", low=2, high=1_000_000),
        opt.integer("test", 64, "test points", low=0, high=1_000_000),
        opt.real("noise", 0.1, "noise added to the points", high=5.0),
        opt.backend(),
    )
    warm_up_configs = ({}, {"loss": "softmax_ce", "optimizer": "adam", "activation": "relu"},
                       {"optimizer": "momentum", "loss": "mse", "activation": "sigmoid"})
    warm_up_size = {"hidden": (2,), "samples": 8, "test": 4, "batch": 4}

    def __init__(self, config, data):
        super().__init__(config, data)
        # the scalar kernels stepping calls one at a time (compiled, or run by Python on numpy)
        self.act, self.losses, self.optimizers, self.dense = (
            self.kernels.scalar(module) for module in (act, losses, optimizers, dense))
        n = data.X.shape[0]
        if config["batch"] > n:
            raise UserError(f"option 'batch': {config['batch']} is larger than the {n} training samples; "
                            f"use 1..{n}, or 0 for the full set")
        self.batch_size = config["batch"] or n
        self.config["shuffle"] = self.batch_size < n  # a full batch sums the same in any order
        self.loss_kind = losses.CODES[config["loss"]]
        outputs = data.classes if self.loss_kind == losses.SOFTMAX_CE else 1
        out_act = act.SOFTMAX if self.loss_kind == losses.SOFTMAX_CE else act.SIGMOID
        self.sizes = np.array((data.X.shape[1], *config["hidden"], outputs), np.int64)
        self.acts = np.array([act.CODES[config["activation"]]] * len(config["hidden"]) + [out_act], np.int64)
        self.X = np.ascontiguousarray(data.X, np.float64)
        self.Y = self.targets(data.y)
        self.hold(self._initial_weights(np.random.default_rng([config["seed"], 1])))  # theta (P,) and the rest
        self.batch_index = 0   # batches done in this epoch
        self.sample = 0        # samples done in this batch
        self.batch_loss = 0.0  # running loss of the current batch
        self.epoch_loss = 0.0  # running Σ batch loss × batch size of the current epoch

    def targets(self, y):
        if self.loss_kind == losses.SOFTMAX_CE:
            return one_hot(y, self.data.classes)
        return y.astype(np.float64)[:, None]

    # --- parameters ---------------------------------------------------------------------------
    def layers(self, buf=None):
        """[(W (I, O), b (O,)), ...] as views into theta (or into a buffer of the same layout)."""
        buf = self.theta if buf is None else buf
        out, off = [], 0
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]):
            W = buf[off:off + n_in * n_out].reshape(n_in, n_out)
            off += n_in * n_out
            out.append((W, buf[off:off + n_out]))
            off += n_out
        return out

    def _named(self, buf):
        named = {}
        for l, (W, b) in enumerate(self.layers(buf)):
            named[f"layer[{l}].W"], named[f"layer[{l}].b"] = W, b
        return named

    def _initial_weights(self, rng):
        """Glorot-uniform for saturating activations, He for ReLU; biases start at zero."""
        theta = np.zeros(sum(int(i * o + o) for i, o in zip(self.sizes[:-1], self.sizes[1:])))
        for (W, _), kind in zip(self.layers(theta), self.acts):
            n_in, n_out = W.shape
            if kind == act.RELU:
                W[:] = rng.normal(0.0, math.sqrt(2.0 / n_in), W.shape)
            else:
                limit = math.sqrt(6.0 / (n_in + n_out))
                W[:] = rng.uniform(-limit, limit, W.shape)
        return theta

    def hyper(self):
        return self.optimizer_settings()

    # --- whole-batch maths (API, evaluation, the pictures: mlp_inspect) -------------------------
    def forward(self, X):
        """Z, A (N, units) of every layer for the inputs X (N, features): each unit's z and output,
        the inputs first in A (units = Σ layer sizes, the input layer's included)."""
        return self._forward(self.check_inputs(X), self.kernels)

    def _forward(self, X, kernels):
        """forward() on inputs already checked, through `kernels` (the model's, or the NumPy references)."""
        units = int(self.sizes.sum())
        Z, A = np.zeros((X.shape[0], units)), np.zeros((X.shape[0], units))
        kernels.mlp.forward(self.theta, self.sizes, self.acts, X, Z, A)
        return Z, A

    def output_layer(self, X):
        """The output layer's z and a (B, O) for the batch X (already checked)."""
        Z, A = self._forward(X, self.kernels)
        out = int(self.sizes[-1])
        return Z[:, -out:], A[:, -out:]

    def outputs(self, X):
        return self.output_layer(self.check_inputs(X))[1]

    def probabilities(self, X):
        """(N, classes): the softmax outputs, or for one sigmoid output ŷ = P(class 1) the columns
        1 − ŷ, ŷ."""
        out = self.outputs(X)
        return np.column_stack([1.0 - out[:, 0], out[:, 0]]) if out.shape[1] == 1 else out

    def gradients(self, X, Y):
        """(loss, {name: ∂L/∂param}) for one forward and backward pass on (X, Y); nothing changes."""
        X, Y = self.check_inputs(X), self.check_targets(Y)
        if len(X) != len(Y):
            raise UserError(f"{len(X)} inputs but {len(Y)} target rows")
        Z, A = self._forward(X, self.kernels)
        grad = np.zeros_like(self.theta)
        loss = self.kernels.mlp.backward(self.theta, grad, self.sizes, self.acts, self.loss_kind,
                                         Y, Z, A, np.zeros_like(Z))
        return loss, self._named(grad)

    def check_targets(self, Y) -> np.ndarray:
        """Y as the (N, outputs) float array the kernels take, or a UserError saying what is wrong:
        the loss's own range (probabilities for bce, a distribution per row for softmax_ce)."""
        Y = np.asarray(Y, np.float64)
        width, loss = int(self.sizes[-1]), losses.NAMES[self.loss_kind]
        if Y.ndim != 2 or Y.shape[1] != width:
            raise UserError(f"targets for loss={loss} must be rows of {width} number{'s' * (width > 1)} "
                            f"(shape (N, {width})), got shape {Y.shape}")
        if not np.all(np.isfinite(Y)):
            raise UserError("targets must be finite numbers")
        if self.loss_kind != losses.MSE and not np.all((Y >= 0.0) & (Y <= 1.0)):
            raise UserError(f"targets for loss={loss} are probabilities: each from 0 to 1")
        if self.loss_kind == losses.SOFTMAX_CE and not np.allclose(Y.sum(axis=1), 1.0, rtol=0, atol=1e-9):
            raise UserError(f"targets for loss=softmax_ce are one distribution per row: each row sums to 1 "
                            f"(one-hot rows, or class numbers 0..{width - 1} as labels)")
        return np.ascontiguousarray(Y)

    def predict(self, X):
        return self._classes(self.outputs(X))

    def ties(self, X):
        out = self.outputs(X)
        return (np.abs(out[:, 0] - 0.5) <= TIE) if out.shape[1] == 1 else _shared_top(out)

    @staticmethod
    def _classes(out):
        """The class of the largest output (a sigmoid's: 1 above 0.5, 0 below), NO_CLASS where the
        outputs tie (ŷ = 0.5 within TIE: as much class 0 as class 1) or are not numbers."""
        if out.shape[1] == 1:
            p = out[:, 0]
            return np.where(p > 0.5 + TIE, 1, np.where(p < 0.5 - TIE, 0, NO_CLASS))
        undecided = _shared_top(out) | ~np.all(np.isfinite(out), axis=1)
        return np.where(undecided, NO_CLASS, out.argmax(axis=1))

    def scores(self, X):
        out = self.outputs(X)
        return out[:, 1] if out.shape[1] > 1 else out[:, 0]

    def evaluate(self):
        d = self.data
        result = {}
        for split, X, y in (("train", d.X, d.y), ("test", d.X_test, d.y_test)):
            if len(y):
                # each row's forward pass is its own: by slices, a stop looked at between two (models/chunked)
                ZA = chunked.stacked(self, np.ascontiguousarray(X, np.float64), lambda x: np.hstack(self.output_layer(x)))
                Z, A = np.hsplit(ZA, 2)
                result[f"{split}_loss"] = float(self.kernels.mlp.mean_loss(Z, A, self.targets(y), self.loss_kind))
                result[f"{split}_acc"] = float(np.mean(self._classes(A) == y))   # a tie is never right
            else:
                result[f"{split}_loss"] = result[f"{split}_acc"] = None
        return result

    # --- the event stream ----------------------------------------------------------------------
    def _compiled_batch(self, rows):
        self.steps += 1
        self.batch_loss = self.kernels.mlp.train_batch(
            self.theta, self.grad, self.m, self.v, self.steps, self.sizes, self.acts, self.loss_kind,
            *self.hyper(), self.X[rows], self.Y[rows])
        return self.batch_done(len(rows))

    def _sample_events(self, s, batch):
        """Forward, loss and backward of one sample, one neuron and one weight at a time."""
        if self.sample == 0:
            self.grad[:] = 0.0
        x, y = self.X[s], self.Y[s]
        layers, grads = self.layers(), self.layers(self.grad)
        zs, as_ = [], [x]
        for l, (W, b) in enumerate(layers):
            kind = self.acts[l]
            z, a = np.empty(W.shape[1]), np.empty(W.shape[1])
            for j in range(len(z)):
                z[j] = self.dense.neuron_z(as_[-1], W, b, j)
                yield Event(Op.WEIGHTED_SUM, FORWARD, f"mlp.layer[{l}].neuron[{j}]",
                            {"inputs": tuple(as_[-1]), "weights": tuple(W[:, j]), "bias": b[j], "z": z[j]})
            if kind == act.SOFTMAX:
                self.act.softmax_row(z, a)
                yield Event(Op.SOFTMAX, FORWARD, f"mlp.layer[{l}]", {"z": tuple(z), "a": tuple(a)},
                            closes=Level.LAYER)
            else:
                for j in range(len(z)):
                    a[j] = self.act.activate(z[j], kind)
                    yield Event(Op.ACTIVATION, FORWARD, f"mlp.layer[{l}].neuron[{j}]",
                                {"fn": act.NAMES[int(kind)], "z": z[j], "a": a[j]},
                                closes=Level.LAYER if j == len(z) - 1 else Level.OP)
            zs.append(z)
            as_.append(a)
        scale = 1.0 / batch
        share = self.losses.sample_loss(zs[-1], as_[-1], y, self.loss_kind, scale)
        self.batch_loss += share
        yield Event(Op.LOSS, LOSS, "mlp.loss", {
            "fn": losses.NAMES[self.loss_kind], "prediction": tuple(as_[-1]), "target": tuple(y),
            "loss": self.losses.sample_loss(zs[-1], as_[-1], y, self.loss_kind, 1.0), "share": share,
            "batch_loss": self.batch_loss, "sample": int(s)}, closes=Level.LAYER)
        out = len(layers) - 1
        delta = np.empty(len(zs[out]))
        for k in range(len(delta)):
            delta[k] = self.losses.output_delta(zs[out], as_[-1], y, self.loss_kind, self.acts[out], scale, k)
            fprime = (None if self.losses.simplifies(self.loss_kind, self.acts[out])   # δ = ŷ − y: no f'(z)
                      else self.act.derivative(zs[out][k], as_[-1][k], self.acts[out]))
            yield Event(Op.DELTA, BACKWARD, f"mlp.layer[{out}].neuron[{k}]", {
                "dL_da": self.losses.loss_grad(as_[-1], y, self.loss_kind, scale, k), "fprime": fprime,
                "delta": delta[k]})
        for l in range(out, -1, -1):
            (W, _), (dW, db), a_in = layers[l], grads[l], as_[l]
            for i in range(W.shape[0]):
                for j in range(W.shape[1]):
                    contribution = a_in[i] * delta[j]
                    dW[i, j] += contribution
                    yield Event(Op.GRAD, BACKWARD, f"mlp.layer[{l}].W[{i},{j}]",
                                {"a": a_in[i], "delta": delta[j], "contribution": contribution,
                                 "total": dW[i, j]})
            for j in range(W.shape[1]):
                db[j] += delta[j]
                last = j == W.shape[1] - 1
                yield Event(Op.GRAD, BACKWARD, f"mlp.layer[{l}].b[{j}]",
                            {"delta": delta[j], "contribution": delta[j], "total": db[j]},
                            closes=(Level.SAMPLE if l == 0 else Level.LAYER) if last else Level.OP)
            if l == 0:
                return
            kind, below = self.acts[l - 1], np.empty(W.shape[0])
            for i in range(W.shape[0]):
                back = self.dense.backprop_sum(W, delta, i)
                fprime = self.act.derivative(zs[l - 1][i], as_[l][i], kind)
                below[i] = back * fprime
                yield Event(Op.DELTA, BACKWARD, f"mlp.layer[{l - 1}].neuron[{i}]", {
                    "weights": tuple(W[i]), "deltas": tuple(delta), "sum": back, "fprime": fprime,
                    "delta": below[i]})
            delta = below

    def _update_events(self, n_rows):
        """One optimizer step, one parameter element at a time, in the buffer's order."""
        self.steps += 1
        kind, lr, mu, b1, b2, eps = self.hyper()
        k = 0
        for name, value in self.params.items():
            for n, index in enumerate(np.ndindex(value.shape)):
                old = self.theta[k]
                self.optimizers.update_element(self.theta, self.grad, self.m, self.v, k, kind, lr, mu,
                                          b1, b2, eps, self.steps)
                values = {"optimizer": optimizers.NAMES[kind], "old": old, "grad": self.grad[k],
                          "lr": lr, "new": self.theta[k]}
                if kind == optimizers.MOMENTUM:
                    values.update(velocity=self.m[k], mu=mu)
                elif kind == optimizers.ADAM:
                    values.update(m=self.m[k], v=self.v[k], t=self.steps)
                k += 1
                ends_layer = name.endswith(".b") and n == value.size - 1
                yield Event(Op.UPDATE, UPDATE, f"mlp.{name}[{','.join(map(str, index))}]", values,
                            closes=Level.LAYER if ends_layer else Level.OP)
        yield self.batch_done(n_rows)

    # --- the fused path ------------------------------------------------------------------------
    def train_fused(self, epochs, every=1):
        """Up to `epochs` epochs on the compiled path (see _train_fused); an epoch too long for one
        compiled call goes by batches, so that a stop takes effect within a chunk (models/chunked)."""
        return chunked.fused(self, epochs, lambda n: self._train_fused(n, every))

    def _train_fused(self, epochs, every=1):
        """Train on the compiled path, `every` epochs per call, evaluating after each call.

        Must start at an epoch boundary. Stops after an epoch whose loss is not finite.
        """
        assert self.batch_index == 0 and self.sample == 0, "train_fused starts at an epoch boundary"
        done = 0
        while done < epochs and not chunked.requested.is_set():   # a stop: between two calls
            n = min(every, epochs - done)
            orders = self.orders(self.epoch, n)
            epoch_losses = np.zeros(n)
            ran, self.steps = self.kernels.mlp.train_epochs(
                self.theta, self.grad, self.m, self.v, self.steps, self.sizes, self.acts,
                self.loss_kind, *self.hyper(), self.X, self.Y, orders, self.batch_size, epoch_losses)
            for e in range(ran):
                self.epoch += 1
                self.record({"loss": float(epoch_losses[e])})
            self.history[-1].update(self.evaluate())
            done += ran
            if ran < n or not math.isfinite(epoch_losses[ran - 1]):  # the kernel stopped on it
                break
        return done

    @classmethod
    def estimate(cls, config, data, history):
        return mlp_estimate.estimate(config, data, history)



def _shared_top(out):
    """True per row (B, O) where more than one class is within TIE of the largest output."""
    return (out >= out.max(axis=1, keepdims=True) - TIE).sum(axis=1) > 1
