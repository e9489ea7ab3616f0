"""What the RNN and the LSTM share as models: options, data, the flat parameter buffer, the batch and
epoch cursor, the update (clip, then the optimizer, one parameter at a time), the compiled and fused
paths, evaluation and cost. A subclass writes one sequence's forward and BPTT op by op
(`_sequence_events`), calling the same scalar helpers that the batch kernels loop over.

Three paths, one arithmetic: `events(OP)` steps one unit (or gate) and one time step at a time,
`events(BATCH)` runs a batch per compiled call (`kernels.<net>.train_batch`), `train_fused` whole
epochs (`kernels.<net>.train_epochs`); all write the same bits (tests/test_recurrent_models.py).
A "layer" is one time step; a sample is one sequence. What the pictures show is computed in
recurrent_inspect.py (inspect()); the targets the API's gradients take, in recurrent_targets.py.
The public entry points taking sequences check them first (check_inputs: (N, T, features) as the
model was built).
"""
import math

import numpy as np

from dlsim.errors import UserError
from dlsim.kernels import optimizers
from dlsim.kernels import recurrent as rc
from dlsim.kernels.recurrent_reference import unpack
from dlsim.models import chunked
from dlsim.models import recurrent_estimate, recurrent_data
from dlsim.models.batched import MiniBatched
from dlsim.models.flat_parameters import FlatParameters
from dlsim.models.recurrent_formulas import METRICS, Op
from dlsim.models.recurrent_inspect import SequencePictures
from dlsim.models.recurrent_options import layer_sizes
from dlsim.models.recurrent_targets import SequenceTargets
from dlsim.protocol.events import UPDATE, Event, Level

FUSED_CHUNK = 1000   # epochs per compiled call at most, so the sample orders stay small


class Recurrent(SequencePictures, SequenceTargets, FlatParameters, MiniBatched):
    highlightable = frozenset({"dh"})
    highlighted_whole = frozenset({"dh"})   # the ‖δh_t‖ bars, every step's
    kinds = ("sequences",)
    datasets = recurrent_data.TASKS
    default_epochs = 30
    metrics = METRICS
    learning_rule = "backpropagation through time"
    cell: dict = {}   # the cell's shape in cfg (its kernel module's CELL): gate rows per unit, states
    saved = MiniBatched.saved + ("theta", "grad", "m", "v", "dh_sq", "dh_norms", "clipped", "clipped_grad",
                                 "batch_index", "sample", "batch_loss", "epoch_loss", "epoch_norm", "seq")
    warm_up_size = {"length": 6, "samples": 4, "test": 2, "batch": 2}

    def scratch_config(self):
        """A recurrent network makes its task from its options (the data handed to a copy is not
        used): the warm-up's copy is made small through them, not a full-size one trained an epoch."""
        return {**self.config, **self.warm_up_size}

    @property
    def gates(self) -> int:
        """Rows per unit in W_x, W_h, b: 1 (RNN) or 4 (LSTM: f, i, g, o)."""
        return self.cell["gates"]

    def __init__(self, config, data):
        super().__init__(config, data)
        # the scalar kernels stepping calls one at a time (compiled, or by Python on numpy)
        self.rc, self.optimizer_ops = self.kernels.scalar(rc), self.kernels.scalar(optimizers)
        self.task = recurrent_data.make(self.config, data)   # data: read only when it is the learner's own
        self.data = self.task.dataset()
        T, n = self.task.length, self.task.X.shape[0]
        if config["truncate"] > T:
            raise UserError(f"option 'truncate': {config['truncate']} is longer than the {T}-step sequences; "
                            f"use 0 (the whole sequence) or 1..{T}")
        if config["batch"] > n:
            raise UserError(f"option 'batch': {config['batch']} is larger than the {n} training sequences; "
                            f"use 1..{n}, or 0 for all of them")
        self.batch_size = config["batch"] or n
        self.config["shuffle"] = self.batch_size < n
        sizes = layer_sizes(config)
        self.cfg = self.rc.config(self.task.X.shape[2], sizes[0], self.task.Y.shape[2], **self.cell,
                                  layers=len(sizes), activation=self.activation_name(), loss=self.task.loss,
                                  per_step=self.task.per_step, truncate=config["truncate"],
                                  learn_h0=config["h0"] == "learned", optimizer=config["optimizer"])
        self.X, self.Y = self.task.X, self.task.Y
        self.hold(self.initial_theta(np.random.default_rng([config["seed"], 1])))   # theta (P,) and the rest
        L = len(sizes)
        self.dh_sq = np.zeros((L, T))               # Σ over the batch's sequences so far of ‖δh_t‖²
        self.dh_norms = np.zeros((L, T))            # the last batch's ‖δh_t‖ (over the batch)
        self.clipped = (0.0, 0.0)                   # the last update's gradient norm before, after clipping
        self.clipped_grad = np.zeros_like(self.theta)   # (P,) the last update's gradient, as clipped
        self.batch_index = 0    # batches done in this epoch
        self.sample = 0         # sequences done in this batch
        self.batch_loss = 0.0   # running loss of the current batch
        self.epoch_loss = 0.0   # running Σ batch loss × batch size of the current epoch
        self.epoch_norm = 0.0   # running Σ gradient norm (before clipping) of the epoch's batches
        self.seq: dict = {}     # the sequence being stepped, as computed (recurrent_steps' record)
        self._text_cache = (None, None)   # (key, text): what _generated last wrote (not a state)
        self._passes: dict = {}   # the pictures' last forward passes, by what for (not a state)

    # --- what a subclass says ------------------------------------------------------------------
    def activation_name(self) -> str:
        return "tanh"

    def initial_theta(self, rng) -> np.ndarray:
        """The parameters' starting values (kernels.<net>_reference.initial_theta)."""
        raise NotImplementedError

    @property
    def net(self):
        """This network's whole-batch kernels: `kernels.rnn` or `kernels.lstm` (compiled or NumPy)."""
        return getattr(self.kernels, self.name)

    # --- parameters ---------------------------------------------------------------------------
    def _named(self, buf):
        layers, Wy, by = unpack(buf, self.cfg)
        named = {}
        for l, layer in enumerate(layers):
            for key, view in layer.items():
                if key in ("h0", "c0") and self.config["h0"] != "learned":
                    continue
                named[f"layer[{l}].{key}"] = view
        named["Wy"], named["by"] = Wy, by
        return named

    @property
    def last_clipped_gradient(self) -> dict[str, np.ndarray] | None:
        """The gradient the last update applied, after clipping by its global norm (copies, by
        parameter name; its norm before and after clipping is `clipped`), or None before any update."""
        return {k: v.copy() for k, v in self._named(self.clipped_grad).items()} if self.steps else None

    def hyper(self):
        _, lr, mu, beta1, beta2, eps = self.optimizer_settings()
        return self.rc.hyper(lr, mu, beta1, beta2, eps, float(self.config["clip"]))

    # --- evaluation --------------------------------------------------------------------------
    def outputs(self, X) -> np.ndarray:
        """Logits (N, T, O) for the sequences X (N, T, F)."""
        return self.net.outputs(self.theta, self.cfg, self.check_inputs(X))

    def _scored(self, logits):
        """The logits of the steps that carry a loss: (N, T or 1, O)."""
        return logits if self.task.per_step else logits[:, -1:]

    def mean_loss(self, logits, Y) -> float:
        out = self._scored(logits)
        if self.task.loss == "mse":   # the mean over every output of every scored step, as the kernels
            return float(((out - Y) ** 2).sum() / out.size)
        top = out.max(axis=-1, keepdims=True)
        lse = top + np.log(np.exp(out - top).sum(axis=-1, keepdims=True))
        return float((Y * (lse - out)).sum() / (out.shape[0] * out.shape[1]))

    @property
    def has_classes(self) -> bool:
        """A softmax over classes, or several outputs a step; one number a step (sine, adding) is a
        regression."""
        return self.task.loss == "softmax_ce" or self.task.Y.shape[2] > 1

    def accuracy(self, logits, Y) -> float | None:
        """The share of scored steps whose largest output is the target's class (None: a regression)."""
        if not self.has_classes:
            return None
        return float(np.mean(self._scored(logits).argmax(axis=-1) == Y.argmax(axis=-1)))

    def evaluate(self):
        result = {}
        for split, X, Y in (("train", self.X, self.Y), ("test", self.task.X_test, self.task.Y_test)):
            if len(X):
                # each sequence on its own: by slices, a stop looked at between two (models/chunked)
                logits = chunked.stacked(self, self.check_inputs(X), lambda x: self.net.outputs(self.theta, self.cfg, x))
                result[f"{split}_loss"], result[f"{split}_acc"] = self.mean_loss(logits, Y), self.accuracy(logits, Y)
            else:
                result[f"{split}_loss"] = result[f"{split}_acc"] = None
        return result

    def predict(self, X):
        """The class of each sequence's last output."""
        return self.outputs(X)[:, -1].argmax(axis=1)

    def probabilities(self, X) -> np.ndarray:
        """(N, classes): each sequence's class probabilities after its last step (the softmax of its
        last logits), for a task scored by softmax-CE."""
        if self.task.loss != "softmax_ce":
            raise UserError(f"{self.name} on {self.task.name} (loss=mse) gives numbers, not class probabilities")
        last = self.outputs(X)[:, -1]
        e = np.exp(last - last.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def exercise(self) -> None:
        """Evaluation, and what inspect() computes at rest (one sequence unrolled, the answers or the
        written text), through the model's own kernels: the app's warm-up compiles them."""
        super().exercise()
        self._pictures(self.kernels, None)
        if self.task.loss == "softmax_ce":
            self.probabilities(self.X[:1])

    # --- the event stream ----------------------------------------------------------------------
    def _sample_events(self, s, batch):
        if self.sample == 0:
            self.grad[:] = 0.0
            self.dh_sq[:] = 0.0
        yield from self._sequence_events(s, batch)

    def _compiled_batch(self, rows):
        self.steps += 1
        loss, before, after = self.net.train_batch(self.theta, self.grad, self.m, self.v, self.steps, self.cfg,
                                                   self.hyper(), self.X[rows], self.Y[rows], self.dh_norms)
        self.batch_loss, self.clipped = float(loss), (float(before), float(after))
        self.clipped_grad[:] = self.grad
        return self.batch_done(len(rows))

    def _update_events(self, n_rows):
        """The batch's ‖δh_t‖, the clip, then one optimizer step, parameter by parameter."""
        self.dh_norms[:] = np.sqrt(self.dh_sq)
        self.rc.forget_initial_gradients(self.grad, self.cfg)
        threshold = float(self.config["clip"])
        before, after = self.rc.clip_global(self.grad, threshold)
        self.clipped = (float(before), float(after))
        self.clipped_grad[:] = self.grad
        yield Event(Op.CLIP, UPDATE, f"{self.name}.grad", {
            "threshold": threshold, "before": before, "after": after, "fired": after < before},
            closes=Level.LAYER)
        self.steps += 1
        h = self.hyper()
        kind = int(self.cfg[rc.OPTIMIZER])
        learned = set(self.params)   # an initial state that is not learned is updated too (its
        start = 0                    # gradient is zero, so it stays put), as the kernels do, unseen
        for name, view in self._all_views():
            stop = start + view.size
            old = self.theta[start:stop].copy()
            self.optimizer_ops.update_all(self.theta[start:stop], self.grad[start:stop], self.m[start:stop],
                                  self.v[start:stop], kind, h[rc.LR], h[rc.MU], h[rc.BETA1], h[rc.BETA2],
                                  h[rc.EPS], self.steps)
            change = self.theta[start:stop] - old
            at = int(np.argmax(np.abs(change)))
            new = float(self.theta[start + at])
            start = stop
            if name in learned:
                yield Event(Op.UPDATE, UPDATE, f"{self.name}.{name}", {
                    "param": name, "optimizer": optimizers.NAMES[kind], "lr": h[rc.LR],
                    "change": float(np.sqrt((change ** 2).sum())),
                    "where": ",".join(map(str, np.unravel_index(at, view.shape))), "old": float(old[at]),
                    "new": new})
        yield self.batch_done(n_rows)

    def _all_views(self):
        """Every parameter in the buffer's order, learned initial states or not: (name, view)."""
        layers, Wy, by = unpack(self.theta, self.cfg)
        for l, layer in enumerate(layers):
            for key, view in layer.items():
                yield f"layer[{l}].{key}", view
        yield "Wy", Wy
        yield "by", by

    def batch_values(self):
        self.epoch_norm += self.clipped[0]
        return {"before": self.clipped[0], "after": self.clipped[1], "dh_norms": tuple(self.dh_norms[-1].tolist())}

    def epoch_values(self):
        norm, self.epoch_norm = self.epoch_norm / self.n_batches(), 0.0
        return {"grad_norm": norm}

    # --- the fused path ------------------------------------------------------------------------
    def train_fused(self, epochs, every=1):
        """Up to `epochs` epochs on the compiled path (see _train_fused); an epoch too long for one
        compiled call goes by batches, so that a stop takes effect within a chunk (models/chunked)."""
        return chunked.fused(self, epochs, lambda n: self._train_fused(n, every))

    def _train_fused(self, epochs, every=1):
        """Whole epochs per compiled call (`every` at a time, evaluating after each call)."""
        assert self.batch_index == 0 and self.sample == 0, "train_fused starts at an epoch boundary"
        done = 0
        while done < epochs and not chunked.requested.is_set():   # a stop: between two calls
            n = min(every, epochs - done, FUSED_CHUNK)
            orders = self.orders(self.epoch, n)
            losses, norms = np.zeros(n), np.zeros(n)
            ran, self.steps = self.net.train_epochs(self.theta, self.grad, self.m, self.v, self.steps, self.cfg,
                                                    self.hyper(), self.X, self.Y, orders, self.batch_size,
                                                    losses, norms, self.dh_norms)
            for e in range(ran):
                self.epoch += 1
                self.record({"loss": float(losses[e]), "grad_norm": float(norms[e])})
            self.clipped_grad[:] = self.grad   # the last batch's, as clipped
            self.history[-1].update(self.evaluate())
            done += ran
            if ran < n or not math.isfinite(losses[ran - 1]):
                break
        return done

    # --- cost ---------------------------------------------------------------------------------
    @classmethod
    def estimate(cls, config, data, history):
        return recurrent_estimate.estimate(cls.cell["gates"], config, data, history)

    # the compiled code is the same for every option (they are values in cfg, not types); the
    # second variant runs the stepped path's two-layer, learned-h₀ and truncation branches
    warm_up_configs = ({"hidden": 2}, {"hidden": (2, 2), "h0": "learned", "truncate": 2})
