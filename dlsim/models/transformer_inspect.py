"""What the transformer's pictures show, computed by the model through its kernels: each head's
attention matrix (tokens × tokens), the token strip with the query in hand, the residual stream
(position × dimension) entering each block and leaving the last, the output distribution, and, for
the poems, text the network writes.

While a sequence is stepped, everything is that sequence as its ops computed it so far (the
workspace the row kernels wrote; NaN where nothing was computed yet). Otherwise the sequence shown
(the first test sequence, else the first training one) is run whole through the kernels of the
model's backend (kernels_now()), so the picture follows training. A mixin of the Transformer class.
"""
import numpy as np

from dlsim.kernels import transformer as tk
from dlsim.models.per_weights import kept
from dlsim.protocol.events import Level
from dlsim.protocol.paths import parse

WRITTEN = 40   # characters the poems network writes after its prompt

INSPECTED = {
    "sample": "the training sequence being stepped (absent between sequences)",
    "tokens": "the sequence shown, one symbol per position (the token strip)",
    "targets": "what each position should predict ('·': no loss there)",
    "predicted": "what each position predicts now (its most likely next token)",
    "attention": "each block's and head's attention (blocks, heads, T, T): row i is query i's softmax "
                 "over the keys (NaN: not computed yet)",
    "scores": "the scaled, masked scores QKᵀ/√d before the softmax (blocks, heads, T, T); −inf: masked",
    "peak": "how sharp each head is (blocks, heads): the mean over its queries of the largest attention "
            "weight (1/T: spread evenly over every key it may see … 1: all on one key)",
    "query": "(block, head, query) of the attention row in hand while stepping",
    "position": "the position in hand while stepping (a row op's t, or the query)",
    "residual": "the residual stream (blocks + 1, T, d_model): the embeddings, then each block's output",
    "probabilities": "the output distribution (T, vocabulary): each position's softmax of its logits",
    "sampling": "the distribution the next token is drawn from (T, vocabulary): each position's softmax of "
                "its logits / temperature among its top_k most likely (the options temperature and top_k)",
    "generated": "(prompt, text): the poems network's own continuation of a prompt, each character drawn "
                 "from the sampling distribution (temperature, top_k; seeded by the seed)",
}


class TransformerInspect:
    inspected = INSPECTED

    def sample_in_hand(self, last):
        """The row of data whose forward, loss or backward pass `last` belongs to (None otherwise)."""
        if last is None or last.level >= Level.BATCH or last.phase not in ("forward", "loss", "backward"):
            return None
        rows = self.batch_rows()
        k = self.sample if last.closes < Level.SAMPLE else self.sample - 1   # the cursor moved on
        return int(rows[k]) if 0 <= k < len(rows) else None

    def shown(self):
        """(tokens, targets) of the sequence shown at rest."""
        if len(self.task.X_test):
            return self.task.X_test[0], self.task.Y_test[0]
        return self.X[0], self.Y[0]

    def run_whole(self, tokens, kernels=None):
        """One sequence's workspace, computed whole (dict by WS names)."""
        scalar = (kernels or self.kernels_now()).scalar(tk)
        ws = scalar.workspace(self.cfg)
        scalar.forward_sample(scalar.unpack(self.theta, self.cfg), self.cfg, np.ascontiguousarray(tokens), ws)
        targets = np.full(len(tokens), tk.IGNORE, np.int64)
        scalar.loss_sample(self.cfg, targets, ws, 1.0, np.zeros(len(self.vocabulary)))
        return dict(zip(tk.WS, ws))

    def inspect(self, last=None, trace=None):
        s = self.sample_in_hand(last)
        if s is not None:
            w = dict(zip(tk.WS, self.ws))
            tokens, targets = self.X[s], self.Y[s]
            out = {"sample": s}
        else:
            tokens, targets = self.shown()
            w = self.run_whole(tokens)
            out = {}
        V = self.vocabulary
        out["tokens"] = "".join(V[int(t)] for t in tokens)
        out["targets"] = "".join(V[int(t)] if t >= 0 else "·" for t in targets)
        out["attention"], out["scores"] = w["A"].copy(), w["S"].copy()
        if np.all(np.isfinite(w["A"])):
            out["peak"] = w["A"].max(axis=-1).mean(axis=-1)
        out["residual"], out["probabilities"] = w["X"].copy(), w["PR"].copy()
        out["sampling"] = np.stack([self.sampling(z) for z in w["LOG"]])
        if np.all(np.isfinite(w["PR"])):
            out["predicted"] = "".join(V[int(k)] for k in w["PR"].argmax(axis=1))
        if s is not None:
            out.update(self._in_hand(last))
        if self.task.name == "poems":
            key = (self.kernels_now().name, self.config["temperature"], self.config["top_k"], self.config["seed"])
            out["generated"] = kept(self, "_generated_kept", key, self.generated)
        return out

    def _in_hand(self, last):
        """Where the stream stands: the query row (block, head, query) or the position."""
        parts = dict(parse(last.path).parts)
        out = {}
        if "head" in parts:
            out["query"] = (parts.get("block", (0,))[0], parts["head"][0], parts["query"][0])
            out["position"] = parts["query"][0]
        elif "t" in last.values:
            out["position"] = int(last.values["t"])
        return out

    def generated(self, length=WRITTEN):
        """(prompt, text): what the network writes after the first training window, one character at
        a time, each time reading the last T characters written, drawn at the options' temperature
        and top_k (the same text for the same weights, options and seed)."""
        prompt = "".join(self.vocabulary[t] for t in self.task.X[0])
        return prompt, self.sample_text(prompt, length, self.config["temperature"], self.config["top_k"],
                                        self.config["seed"], self.kernels_now())

    def sampling(self, z, temperature=None, top_k=None) -> np.ndarray:
        """The distribution a next token is drawn from, given its logits z: softmax(z / temperature)
        over the top_k most likely tokens (0: all of them), 0 elsewhere; temperature 0 puts all of it
        on the most likely token (the argmax). Defaults: the options temperature and top_k."""
        temperature = self.config["temperature"] if temperature is None else temperature
        top_k = self.config["top_k"] if top_k is None else top_k
        z = np.asarray(z, np.float64)
        if not np.all(np.isfinite(z)):
            return np.full(z.shape, np.nan)
        if temperature <= 0:
            return np.eye(len(z))[int(z.argmax())]
        if 0 < top_k < len(z):
            z = np.where(z >= np.sort(z)[-top_k], z, -np.inf)
        p = np.exp((z - z.max()) / temperature)
        return p / p.sum()

    def sample_text(self, prompt: str, length: int = WRITTEN, temperature: float = 1.0, top_k: int = 0,
                    seed: int = 0, kernels=None) -> str:
        """Text written after `prompt` (its last T characters are read), each character drawn from the
        softmax of the logits / temperature among the top_k most likely (0: all); temperature 0 takes
        the most likely (`sampling`)."""
        from dlsim.errors import UserError
        T, V = self.task.context, self.vocabulary
        if len(prompt) < T or set(prompt) - set(V):
            raise UserError(f"the prompt needs at least {T} characters, each one of {V!r}")
        rng = np.random.default_rng(seed)
        tokens = [V.index(ch) for ch in prompt]
        for _ in range(length):
            z = self.run_whole(np.array(tokens[-T:], np.int64), kernels or self.kernels)["LOG"][-1]
            if temperature <= 0:
                tokens.append(int(z.argmax()))
                continue
            tokens.append(int(rng.choice(len(z), p=self.sampling(z, temperature, top_k))))
        return "".join(V[t] for t in tokens[len(prompt):])

    def exercise(self):
        """Compile what the pictures call beyond training: one sequence run whole, the attention."""
        super().exercise()
        self.run_whole(self.shown()[0], self.kernels)
        self.attention_of(self.X[:1], self.kernels)
