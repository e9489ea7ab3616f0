"""What the RNN's and the LSTM's pictures show, computed by the model (Model.inspect): the sequence in
hand unrolled in time (x_t, the states, the outputs, ‖δh_t‖), the answers to a few test sequences,
and text the network writes itself.

While a sequence is being stepped, everything is that sequence as the model computed it (its record,
`seq`): the steps not reached yet are zero and `known` says how many are; in the backward pass, ‖δh_t‖
fills from the last step back. Otherwise the last sequence stepped (0 at first) is run whole, once,
through the kernels of the model's backend (`kernels_now()`: the NumPy references only while the app
compiles them), so the picture follows training. A cell adds its own arrays (`_cell_pictures`: the
LSTM's c and gates) from the same record or pass.
"""
from typing import Any

import numpy as np

from dlsim.protocol.events import Level
from dlsim.protocol.sequences import decode

ANSWERS = 12               # test sequences in the answers list
PROMPT, WRITTEN = 12, 40   # characters: the prompt's length, and how many the network writes after it

INSPECTED = {
    "sequence": "the training sequence shown: the one being stepped, else the last one stepped (0 at first)",
    "phase": "forward or backward (through time) while a sequence is stepped; ready: it is run whole",
    "t": "the time step in hand while a sequence is stepped",
    "known": "how many steps of the sequence shown are computed (all of them when it is run whole)",
    "x": "the sequence's inputs x_t (T, features)",
    "y": "its targets y_t (T, outputs), or (1, outputs) after the last step only",
    "h": "the top layer's hidden state h_t (T+1, units); row 0 is h₀",
    "h_norm": "‖h_t‖ per step (T+1,): how big the top layer's state is at each step; [0] is ‖h₀‖",
    "outputs": "the outputs ŷ_t (T, outputs), before any softmax",
    "dh": "‖δh_t‖ = ‖∂L/∂h_t‖ per step (T,), first layer: the sequence's own while stepping back "
          "through it, else the last batch's",
    "clip_norms": "(before, after): the last update's gradient norm before and after clipping",
    "answers": "(sequence, truth, answer, right) for the first test sequences: the class, or the number, "
               "after the last step (memory, adding and counting tasks)",
    "generated": "(prompt, text, epoch): text the network writes from a prompt, its most likely next "
                 "character at each step, rewritten once an epoch (characters)",
}


class SequencePictures:
    """Mixed into the Recurrent model: its inspect() and what that needs compiled (exercise)."""
    inspected = INSPECTED

    def inspect(self, last=None, trace=None) -> dict[str, Any]:
        return self._pictures(self.kernels_now(), last)

    def _stepping(self, last) -> bool:
        """Whether a sequence (or the update after it) is in hand: its record is what to show."""
        return bool(self.seq) and last is not None and last.level < Level.BATCH and last.closes < Level.BATCH

    def _pictures(self, kernels, last) -> dict[str, Any]:
        if self._stepping(last):
            seq = self.seq
            state, s = seq, seq["s"]
            backward = seq["phase"] == "backward"
            out = {"phase": seq["phase"], "t": int(seq["t"]),
                   "known": seq["x"].shape[0] if backward else int(seq["t"]) + 1,
                   "dh": (seq["dh_norm"] if backward else self.dh_norms)[0].copy()}
        else:
            s = self.seq.get("s", 0) if self.seq else 0
            state = self._same_weights("unrolled", (kernels, s), lambda: self._unrolled(kernels, self.X[s:s + 1]))
            out = {"phase": "ready", "known": self.X.shape[1], "dh": self.dh_norms[0].copy()}
        h = state["h"][-1].copy()   # (T+1, H)
        out.update(sequence=int(s), x=self.X[s].copy(), y=self.Y[s].copy(), h=h, h_norm=np.sqrt((h * h).sum(axis=1)),
                   outputs=state["logits"].copy(), clip_norms=tuple(float(v) for v in self.clipped))
        out.update(self._cell_pictures(state))
        task = self.task
        if task.vocabulary:
            out["generated"] = self._generated(kernels)
        elif not (task.loss == "mse" and task.per_step):
            out["answers"] = self._answers(kernels)
        return out

    def _unrolled(self, kernels, x) -> dict[str, np.ndarray]:
        """One sequence x (1, T, F) run through `kernels`: the record's arrays (h (L, T+1, H), logits
        (T, O) and the cell's own), as stepping it would write them."""
        raise NotImplementedError

    def _cell_pictures(self, state: dict) -> dict[str, Any]:
        """The cell's own pictures from a record or a pass (`_unrolled`)."""
        return {}

    def _same_weights(self, what: str, key, compute):
        """compute(), or what it gave last time for the same `key` and the same weights, bit for bit:
        a paused screen's redraws and the op steps inside a sequence (no weight changes until the
        batch's update) skip the forward passes (128 units: 3.7 ms of a frame's 4), as do a run's
        frames between the slices of an evaluation."""
        kept = self._passes.get(what)
        key = (key, self.cfg.tobytes())
        if kept is not None and kept[0] == key and np.array_equal(kept[1], self.theta):
            return kept[2]
        value = compute()
        self._passes[what] = (key, self.theta.copy(), value)
        return value

    def _answers(self, kernels) -> tuple:
        """(sequence, truth, answer, right) for the first ANSWERS test sequences (training ones where
        there is no test set): the class after the last step, or the number (right within 0.1)."""
        return self._same_weights("answers", kernels, lambda: self._answered(kernels))

    def _answered(self, kernels) -> tuple:
        task = self.task
        X, Y = (task.X_test, task.Y_test) if len(task.X_test) else (task.X, task.Y)
        X, Y = X[:ANSWERS], Y[:ANSWERS]
        last = getattr(kernels, self.name).outputs(self.theta, self.cfg, np.ascontiguousarray(X))[:, -1]
        rows = []
        for s in range(len(X)):
            if task.loss == "softmax_ce" or Y.shape[2] > 1:
                truth, answer = int(np.argmax(Y[s, -1])), int(np.argmax(last[s]))
                rows.append((s, truth, answer, truth == answer))
            else:
                truth, answer = float(Y[s, -1, 0]), float(last[s, 0])
                rows.append((s, truth, answer, abs(truth - answer) < 0.1))
        return tuple(rows)

    def _generated(self, kernels) -> tuple[str, str, int]:
        """A prompt from the text, then WRITTEN characters the network chooses one at a time (its most
        likely next character, fed back in as the next input); and the epoch whose weights wrote them.
        Written once an epoch (about 50 forward passes), again if the epoch was rewound and redone."""
        key = (self.epoch, self.history[-1].get("loss") if self.history else None)
        if self._text_cache[0] == key:
            return self._text_cache[1]
        vocab = self.task.vocabulary
        codes = list(self.X[0, :PROMPT].argmax(axis=1))   # (fewer when the sequences are shorter)
        start = len(codes)
        eye = np.eye(len(vocab))
        outputs = getattr(kernels, self.name).outputs
        for _ in range(WRITTEN):
            logits = outputs(self.theta, self.cfg, np.ascontiguousarray(eye[codes][None]))
            codes.append(int(np.argmax(logits[0, -1])))
        self._text_cache = (key, (decode(codes[:start], vocab), decode(codes[start:], vocab), self.epoch))
        return self._text_cache[1]
