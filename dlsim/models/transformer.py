"""The transformer: token and position embeddings, then per block layer norm, multi-head
self-attention (Q, K, V, QKᵀ/√d, an optional causal mask, softmax, the weighted sum of V, the output
projection), a residual, layer norm, a two-layer MLP and a residual; a final layer norm, a linear
read-out and cross-entropy on the answer's positions. Small enough to step through by hand (by
default one block of two heads, d_model 16, reversing four digits). Optionally residual dropout on
each sublayer's output before its residual (dlsim.kernels.transformer says how it is drawn).

Three paths, one arithmetic: `events(OP)` steps one row at a time (one position's layer norm, one
query against every key, one softmax row, …: transformer_steps), `events(BATCH)` runs a batch per
compiled call, `train_fused` whole epochs (dlsim.kernels.transformer); all write the same bits.
What the pictures show is computed in transformer_inspect (inspect()).
"""
import math

import numpy as np

from dlsim.errors import UserError
from dlsim.kernels import optimizers
from dlsim.kernels import transformer as tk
from dlsim.models import chunked, transformer_data, transformer_estimate
from dlsim.models import options as opt
from dlsim.models.batched import MiniBatched
from dlsim.models.flat_parameters import FlatParameters
from dlsim.models.transformer_formulas import FORMULAS, METRICS
from dlsim.models.transformer_inspect import TransformerInspect
from dlsim.models.transformer_steps import sample_events, update_events

FUSED_CHUNK = 1000   # epochs per compiled call at most, so the sample orders stay small
BLOCK_PARAMS = tk.PARAMS[2:18]   # those with a block axis: layer[l].Wq is Wq[l]


class Transformer(TransformerInspect, FlatParameters, MiniBatched):
    weights_on_screen = False   # its screen draws attention and the residual stream, no weights heatmap
    name = "transformer"
    highlightable = frozenset({"attention"})   # that head's matrix, that cell selected
    summary = "attention: each position asks every other which to listen to (QKᵀ/√d, softmax, ·V)"
    datasets = transformer_data.TASKS
    kinds = ("text",)
    default_epochs = 30
    metrics = METRICS
    formulas = FORMULAS
    learning_rule = "backpropagation through attention"
    saved = MiniBatched.saved + ("theta", "grad", "m", "v", "batch_index", "sample", "batch_loss", "epoch_loss",
                                 "ws", "dws")
    options = (
        opt.choice("dataset", "reverse", "the task: reverse, sort or copy digits; check brackets; "
                   "induction (the letter after an earlier one); poems (next character)", transformer_data.TASKS),
        opt.integer("seed", 0, "seeds the data, the initial weights and the shuffling"),
        opt.integer("length", 4, "the task's length: digits to reverse, sort or copy; brackets; letters "
                    "(induction); characters of context (poems)", low=2, high=64),
        opt.integer("layers", 1, "transformer blocks", low=1, high=2),
        opt.integer("heads", 2, "attention heads per block (d_model must split evenly among them)", low=1, high=4),
        opt.integer("d_model", 16, "width of the residual stream (each head gets d_model / heads)", low=8, high=64),
        opt.integer("mlp", 32, "hidden units of each block's two-layer MLP (ReLU)", low=1, high=256),
        opt.choice("causal", "yes", "yes: a position attends only to itself and earlier ones (the mask)",
                   ("yes", "no")),
        opt.choice("norm", "pre", "layer norm before each sublayer (pre, GPT-2) or after its residual (post, "
                   "the 2017 paper)", ("pre", "post")),
        opt.choice("scaled", "yes", "yes: divide the scores QKᵀ by √(d_model/heads), as every transformer does; no: "
                   "leave them raw (the softmax saturates: see the lesson on why √d)", ("yes", "no")),
        opt.choice("position", "learned", "position embeddings: learned, sinusoidal (fixed), or none",
                   tuple(tk.POSITIONS)),
        opt.real("temperature", 1.0, "sampling: the next-token distribution is softmax(logits / temperature) "
                 "(below 1 sharper, above 1 flatter; 0: always the most likely); the poems network writes with it",
                 high=5.0, live=True),
        opt.integer("top_k", 0, "sampling: draw only among the k most likely next tokens (0: all of them)",
                    low=0, high=64, live=True),
        opt.real("dropout", 0.0, "residual dropout in training: each unit of the attention's and the MLP's "
                 "outputs zeroed with this probability (the rest scaled by 1/(1−p)) before the residual", high=0.5,
                 live=True),
        *opt.optimizer_options("adam", 0.01),
        opt.integer("batch", -1, "sequences per update: 1 = per sequence, 0 = all of them, −1 = the task's "
                    "own (32 to sort, 16 otherwise)", low=-1, high=10**7),
        opt.integer("samples", 0, "training sequences; 0: the task's own (4000 to sort, 512 otherwise)",
                    low=0, high=1_000_000),
        opt.integer("test", 128, "test sequences", low=0, high=1_000_000),
        opt.backend(),
    )
    warm_up_configs = ({}, {"norm": "post", "causal": "no", "position": "sinusoidal", "layers": 2, "scaled": "no"})
    warm_up_size = {"samples": 4, "test": 2, "batch": 2, "d_model": 8, "mlp": 4}

    def __init__(self, config, data):
        config = transformer_data.with_task_defaults(config)
        super().__init__(config, data)
        if config["d_model"] % config["heads"]:
            raise UserError(f"option 'heads': d_model {config['d_model']} does not split into "
                            f"{config['heads']} heads; use a d_model divisible by {config['heads']}")
        self.tk, self.optimizer_ops = self.kernels.scalar(tk), self.kernels.scalar(optimizers)
        self.task = transformer_data.make(self.config)
        self.data = self.task.dataset()
        self.X, self.Y = self.task.X, self.task.Y
        n = len(self.X)
        if config["batch"] > n:
            raise UserError(f"option 'batch': {config['batch']} is larger than the {n} training sequences; "
                            f"use 1..{n}, or 0 for all of them")
        self.batch_size = config["batch"] or n
        self.config["shuffle"] = self.batch_size < n
        self.cfg = tk.config(len(self.task.vocabulary), self.task.context, config["d_model"], config["heads"],
                             config["mlp"], config["layers"], config["causal"] == "yes", config["norm"] == "pre",
                             config["position"], config["scaled"] == "yes")
        self.hold(self._initial_theta(np.random.default_rng([config["seed"], 1])))
        self.ws, self.dws = self.tk.workspace(self.cfg), self.tk.gradient_workspace(self.cfg)
        self.batch_index = 0
        self.sample = 0
        self.batch_loss = 0.0
        self.epoch_loss = 0.0

    def scratch_config(self):
        """The task comes from the options: the warm-up's copy is made small through them."""
        return {**self.config, **self.warm_up_size}

    # --- parameters -------------------------------------------------------------------------------
    @property
    def vocabulary(self) -> str:
        return self.task.vocabulary

    def views(self, buf=None) -> dict[str, np.ndarray]:
        """Every parameter by its kernel name (PARAMS), block axis first, as views into buf."""
        return dict(zip(tk.PARAMS, self.tk.unpack(self.theta if buf is None else buf, self.cfg)))

    def learned(self, key: str) -> bool:
        """Whether a parameter trains: fixed (sinusoidal) or absent positions do not."""
        return key != "P" or self.config["position"] == "learned"

    def _named(self, buf):
        named = {}
        for key, view in self.views(buf).items():
            if not self.learned(key):
                continue
            if key in BLOCK_PARAMS:
                for l in range(view.shape[0]):
                    named[f"layer[{l}].{key}"] = view[l]
            else:
                named[key] = view
        return named

    def _initial_theta(self, rng):
        """Weights normal with σ = 1/√(inputs), embeddings N(0, 1), layer norms' gains 1, biases 0;
        sinusoidal positions as in the 2017 paper, or none (zeros)."""
        theta = np.zeros(tk.n_params(self.cfg))
        views = self.views(theta)
        for key, view in views.items():
            if key in ("ln1_g", "ln2_g", "lnf_g"):
                view[...] = 1.0
            elif key in ("E", "P"):
                view[...] = rng.normal(0.0, 1.0, view.shape)
            elif key.startswith("W"):
                view[...] = rng.normal(0.0, 1.0 / math.sqrt(view.shape[-2]), view.shape)
        if self.config["position"] != "learned":
            views["P"][...] = sinusoids(*views["P"].shape) if self.config["position"] == "sinusoidal" else 0.0
        return theta

    def hyper(self) -> np.ndarray:
        """(optimizer, lr, μ, β1, β2, ε, dropout, seed): what a compiled batch or epoch is given."""
        return np.array((*self.optimizer_settings(), self.config["dropout"], self.config["seed"]), np.float64)

    def dropout_keys(self, rows) -> np.ndarray:
        """Each row's key for its dropout draws this epoch: epoch·N + row (a function of its place alone)."""
        return (self.epoch * len(self.X) + np.asarray(rows)).astype(np.int64)

    # --- whole-batch maths: the API, evaluation, the pictures ------------------------------------
    def check_tokens(self, X, what="sequences") -> np.ndarray:
        """X as int64 tokens (N, T), or a UserError in one line."""
        X = self.check_inputs(X, what)
        V = len(self.vocabulary)
        if not np.all((X == np.round(X)) & (X >= 0) & (X < V)):
            raise UserError(f"{what} must be token numbers 0..{V - 1} (of {self.vocabulary!r})")
        return np.ascontiguousarray(X.astype(np.int64))

    def encode(self, text: str) -> np.ndarray:
        """The tokens of a string of the task's symbols (T of them): (1, T) for the API's calls."""
        missing = sorted(set(text) - set(self.vocabulary))
        if missing or len(text) != self.task.context:
            raise UserError(f"a sequence is {self.task.context} symbols of {self.vocabulary!r}, got {text!r}")
        return np.array([[self.vocabulary.index(c) for c in text]], np.int64)

    def logits(self, X, kernels=None) -> np.ndarray:
        """(N, T, V): every position's logits for the token sequences X (N, T)."""
        X = X if isinstance(X, np.ndarray) and X.dtype == np.int64 else self.check_tokens(X)
        out = np.zeros((len(X), self.task.context, len(self.vocabulary)))
        (kernels or self.kernels).transformer.outputs(self.theta, self.cfg, X, out)
        return out

    def outputs(self, X):
        return self.logits(X)

    def attention_of(self, X, kernels=None) -> np.ndarray:
        """(N, L, H, T, T): every block's and head's attention for the token sequences X."""
        X = X if isinstance(X, np.ndarray) and X.dtype == np.int64 else self.check_tokens(X)
        L, H, T = (int(self.cfg[i]) for i in (tk.LAYERS, tk.HEADS, tk.CONTEXT))
        out = np.zeros((len(X), L, H, T, T))
        (kernels or self.kernels).transformer.attention(self.theta, self.cfg, X, out)
        return out

    def probabilities(self, X):
        """(N, vocabulary): each sequence's next-token probabilities at its last position."""
        last = self.logits(X)[:, -1]
        e = np.exp(last - last.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def predict(self, X):
        """The token each sequence's last position predicts."""
        return self.logits(X)[:, -1].argmax(axis=1)

    def check_targets(self, Y, n) -> np.ndarray:
        Y = np.asarray(Y)
        V, T = len(self.vocabulary), self.task.context
        if Y.shape != (n, T) or not np.all((Y == np.round(Y)) & (Y >= tk.IGNORE) & (Y < V)):
            raise UserError(f"targets must be next tokens 0..{V - 1} (or {tk.IGNORE}: no loss there), "
                            f"shape ({n}, {T}); got shape {Y.shape}")
        return np.ascontiguousarray(Y.astype(np.int64))

    def gradients(self, X, Y=None):
        """(loss, {name: ∂L/∂param}) of the sequences X with targets Y (default: X are the training
        sequences, or their first rows, and Y their targets); nothing changes."""
        X = self.check_tokens(X)
        if Y is None:
            if not np.array_equal(X, self.X[:len(X)]):
                raise UserError("give the targets Y of sequences that are not the training ones")
            Y = self.Y[:len(X)]
        Y = self.check_targets(Y, len(X))
        grad = np.zeros_like(self.theta)
        loss = self.kernels.transformer.gradients(self.theta, grad, self.cfg, X, Y)
        return float(loss), {k: v.copy() for k, v in self._named(grad).items()}

    def scored(self, logits, Y):
        """(loss, token accuracy, sequence accuracy) of logits against targets Y (IGNORE: not scored)."""
        mask = Y != tk.IGNORE
        top = logits.max(-1, keepdims=True)
        logp = logits - top - np.log(np.exp(logits - top).sum(-1, keepdims=True))
        ce = -np.take_along_axis(logp, np.where(mask, Y, 0)[..., None], -1)[..., 0]
        loss = float(((ce * mask).sum(1) / np.maximum(mask.sum(1), 1)).mean())
        right = logits.argmax(-1) == Y
        return loss, float(right[mask].mean()), float((right | ~mask).all(1).mean())

    def evaluate(self):
        result = {}
        for split, X, Y in (("train", self.X, self.Y), ("test", self.task.X_test, self.task.Y_test)):
            if len(X):
                logits = chunked.stacked(self, X, lambda x: self.logits(np.ascontiguousarray(x)))
                result[f"{split}_loss"], result[f"{split}_acc"], result[f"{split}_seq_acc"] = self.scored(logits, Y)
            else:
                result[f"{split}_loss"] = result[f"{split}_acc"] = result[f"{split}_seq_acc"] = None
        return result

    # --- the event stream ---------------------------------------------------------------------------
    def _compiled_batch(self, rows):
        self.steps += 1
        self.batch_loss = float(self.kernels.transformer.train_batch(
            self.theta, self.grad, self.m, self.v, self.steps, self.cfg, self.hyper(), self.X[rows], self.Y[rows],
            self.dropout_keys(rows)))
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
        if self.config["dropout"] > 0 and self.config["backend"] == "cuda":
            raise UserError("option 'dropout': the GPU's fused epochs do not drop units yet; use --backend cpu, "
                            "or dropout=0 on the GPU")
        done = 0
        while done < epochs and not chunked.requested.is_set():
            n = min(every, epochs - done, FUSED_CHUNK)
            orders = self.orders(self.epoch, n)
            losses = np.zeros(n)
            ran, self.steps = self.kernels.transformer.train_epochs(
                self.theta, self.grad, self.m, self.v, self.steps, self.cfg, self.hyper(), self.X, self.Y,
                orders, self.batch_size, losses, self.epoch)
            for e in range(ran):
                self.epoch += 1
                self.record({"loss": float(losses[e])})
            self.history[-1].update(self.evaluate())
            done += ran
            if ran < n or not math.isfinite(losses[ran - 1]):
                break
        return done

    @classmethod
    def estimate(cls, config, data, history):
        return transformer_estimate.estimate(config, history)


def sinusoids(T: int, D: int) -> np.ndarray:
    """(T, D): PE[t, 2i] = sin(t/10000^(2i/D)), PE[t, 2i+1] = cos(…) (Vaswani et al., 2017)."""
    t = np.arange(T)[:, None]
    rates = 1.0 / 10000 ** (np.arange(0, D, 2) / D)
    out = np.zeros((T, D))
    out[:, 0::2] = np.sin(t * rates)
    out[:, 1::2] = np.cos(t * rates[:D // 2])
    return out
