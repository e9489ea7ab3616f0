"""Notice when training diverges, and say how — for any network and any loss.

It reads what every model provides: its history (one entry per epoch, with the epoch's `loss`, and
where the network evaluates one, its `train_loss` after the epoch) and its parameters as one flat
array. The signs, each named in what it reports:
  - a parameter or the loss is NaN or ∞ (it overflowed);
  - the loss exploded: ×10 its best so far and ×2 where it started (a saturated sigmoid or softmax
    under cross-entropy), during the epoch or after it (its `train_loss`: told at the epoch whose
    update blew it up, with the loss that epoch's line shows);
  - the outputs saturated: the loss stopped moving (the gradients vanished) above where it started
    — what a bounded loss such as MSE does instead of exploding;
  - the weights grew ×20 from where they started while the loss did not go down;
  - the loss oscillated: up and down in turn, each time by a large part of itself, for a dozen
    epochs, without going down.
A run that learns does none of these: its loss goes down, and its weights grow only while it does.

A network of parts has a loss for each (a GAN's `d_loss` and `g_loss`, named by `losses`): each is
watched for NaN, ∞ and explosion, and the report says whose loss it was. Those losses rise and fall
by design as the parts compete, so the saturation and oscillation signs watch only `loss`.
Given `start_loss` (the loss before any training), explosion is measured from there: a learning rate
large enough to blow up within the first epoch is then caught at that epoch.

A slow sign (saturated, oscillated, grew) is told epochs after its trouble began: `began` says the
epoch where it did (the first of the held loss, of the swings, or after the loss last went down),
so that whoever undoes it goes back before that, not merely before the epoch that told it.
"""
import math
from collections import deque
from numbers import Real

import numpy as np

from dlsim.protocol.events import Event
from dlsim.protocol.numbers import num


def _bad(x) -> str | None:
    if isinstance(x, Real) and not isinstance(x, bool):
        x = float(x)
        if x != x:
            return "NaN"
        if math.isinf(x):
            return "∞" if x > 0 else "−∞"
    return None


def norm(flat: np.ndarray) -> float:
    return float(np.sqrt(np.dot(flat, flat))) if flat.size else 0.0


class Watchdog:
    EXPLODE = 10.0      # a loss this many times the best so far …
    START = 2.0         # … and this many times the first one has exploded
    STUCK = 10          # epochs in a row whose loss moves by less than …
    STILL = 1e-7        # … this fraction of itself, while it is …
    ABOVE = 1.01        # … this many times the first loss or more: the outputs saturated
    GROWTH = 20.0       # ‖θ‖ this many times its start, while the loss stays above …
    NO_PROGRESS = 0.9   # … this fraction of the first loss: the weights blew up
    SWING = 12          # epochs of a loss going up and down in turn, each change at least …
    AMPLITUDE = 0.2     # … this fraction of the mean loss, and no lower at the end: oscillation

    def __init__(self, start: np.ndarray | None = None, losses: dict[str, str] | None = None,
                 start_loss: float | None = None):
        """`start`: the parameters before training (for the growth rule), if known; `losses`: the
        history's losses to watch, each with whose it is ('' for the network's one `loss`);
        `start_loss`: the `loss` before training, if known."""
        self.start_norm = None if start is None else norm(start)
        self.losses = dict(losses or {"loss": ""})
        self.start_loss = start_loss
        self.found: tuple[dict, str] | None = None   # follow(): the first entry that diverged
        self.began: int | None = None                # the epoch the last slow sign's trouble began
        self._seen: dict | None = None               # follow(): the last entry looked at
        self.reset([])

    def reset(self, history: list[dict]) -> None:
        """Forget, then learn the first and best loss again from `history` (after a rewind)."""
        self.first: float | None = self.start_loss
        self.last: float | None = None
        self.best = math.inf if self.start_loss is None else self.start_loss
        self.still: tuple[float, int, int] | None = None   # (loss, epoch it began, epochs in a row)
        self.recent: deque[float] = deque(maxlen=self.SWING)
        self.recent_epochs: deque[int | None] = deque(maxlen=self.SWING)   # … each one's epoch
        self.turns = 0        # changes in a row that went the other way from the one before
        self.swings_since: int | None = None   # the epoch of the first loss of the swings in a row
        self.learnt_until: int | None = None   # the epoch whose loss was the lowest so far
        self.parts: dict[str, tuple[float, float]] = {}   # another part's loss: (first, best)
        for entry in history:
            self._loss_problem(entry)
        self.began = None

    def know_start(self, loss: float, history: list[dict]) -> None:
        """The loss before training, learnt late (it is measured when first needed): start over."""
        self.start_loss = float(loss) if _bad(loss) is None else None
        self.found, self._seen = None, None
        self.reset(history)

    # --- the loss, one epoch at a time -----------------------------------------------------------
    def _loss_problem(self, entry: dict) -> str | None:
        self.began = None   # a first sign (NaN, ∞, an explosion) is its own start
        for key, whose in self.losses.items():
            problem = self._one_loss(entry, key) if key == "loss" else self._part_loss(entry, key)
            if problem:
                return f"{whose}'s {problem}" if whose else f"the {problem}"
        return None

    @staticmethod
    def _read(entry: dict, key: str) -> tuple[float | None, str | None]:
        """(the loss under `key`, or None; what is wrong with it where it is not finite)."""
        loss = entry.get(key)
        if loss is None:
            return None, None
        bad = _bad(loss)
        if bad:
            return None, "loss became NaN" if bad == "NaN" else "loss overflowed to ∞"
        return float(loss), None

    def _one_loss(self, entry: dict, key: str) -> str | None:
        loss, bad = self._read(entry, key)
        if loss is None:
            return bad
        # The epoch's `loss` is the mean of its batches' losses, each measured before that batch's
        # update: with one batch an epoch, the loss before the epoch's update. The loss after it, the
        # `train_loss` the epoch is evaluated at (what its epoch line shows), is judged too, so
        # that an update that blows the loss up is told at its own epoch, not one epoch later.
        end, end_bad = self._read(entry, "train_loss") if key == "loss" else (None, None)
        if end_bad:
            return end_bad
        if self.first is None:
            self.first = loss
        epoch, lowest = entry.get("epoch"), self.best
        during = after = None   # the loss during the epoch, then after it, each against the best before it
        if loss > self.EXPLODE * self.best and loss > self.START * self.first:
            during = (self.best, loss)
        else:
            self.best = min(self.best, loss)
        if end is not None and end > self.EXPLODE * self.best and end > self.START * self.first:
            after = (self.best, end)
        elif end is not None and during is None:
            self.best = min(self.best, end)
        if self.best < lowest:
            self.learnt_until = epoch
        self.last = loss
        self.recent.append(loss)
        self.recent_epochs.append(epoch)
        if after or during:
            return self._exploded(*(after or during))   # told with the loss the epoch's line shows
        problem = self._stuck(loss, entry.get("epoch", 0)) or self._oscillating()
        return problem and problem.removeprefix("the ")

    def _part_loss(self, entry: dict, key: str) -> str | None:
        """A part's loss (a GAN's D or G): NaN, ∞ or an explosion only."""
        loss, bad = self._read(entry, key)
        if loss is None:
            return bad
        first, best = self.parts.get(key, (loss, loss))
        self.parts[key] = (first, min(best, loss))
        if loss > self.EXPLODE * max(best, self.FLOOR) and loss > self.START * max(first, self.FLOOR):
            return self._exploded(best, loss)
        return None

    FLOOR = 1e-3   # a part's loss can start at 0 (a G that fools a D at once): explosion from at least this

    @staticmethod
    def _exploded(previous: float, loss: float) -> str:
        return (f"loss exploded from {num(previous)} to {num(loss)} "
                f"(×{num(loss / max(previous, 1e-300), 0)}): the neurons saturated")

    def _stuck(self, loss: float, epoch: int) -> str | None:
        held, since, count = self.still or (math.nan, epoch, 0)
        if abs(loss - held) <= self.STILL * abs(held):
            count += 1
        else:
            held, since, count = loss, epoch, 1
        self.still = (held, since, count)
        if count >= self.STUCK and loss >= self.ABOVE * self.first:
            self.began = since or None   # epoch 0: a history without epoch numbers
            return (f"the outputs saturated: the loss has stayed at {num(loss)} since epoch {since}, "
                    f"above the {num(self.first)} it started at: the gradients vanished")
        return None

    def _oscillating(self) -> str | None:
        r = self.recent       # a cheap test first: this runs for every epoch of a long run
        turned = len(r) >= 3 and (r[-1] - r[-2]) * (r[-2] - r[-3]) < 0
        self.turns = self.turns + 1 if turned else 0
        if self.turns == 1:   # the loss before the first turn had already swung away from r[-3]
            self.swings_since = self.recent_epochs[-2]
        if self.turns < self.SWING - 2:
            return None
        losses = np.array(self.recent)
        changes = np.diff(losses)
        half = len(losses) // 2
        if (np.all(changes[1:] * changes[:-1] < 0)
                and np.all(np.abs(changes) >= self.AMPLITUDE * losses.mean())
                and losses[half:].mean() >= losses[:half].mean()):
            self.began = self.swings_since
            return (f"the loss oscillated between {num(losses.min())} and {num(losses.max())} for "
                    f"{self.SWING} epochs without going down")
        return None

    def history(self, entries: list[dict], flat: np.ndarray | None = None) -> tuple[int, str] | None:
        """(index, what) of the first of `entries` (following those seen before) that diverged,
        else None; given the parameters now, also whether they grew while nothing was learnt."""
        watched = frozenset(self.losses)
        for i, entry in enumerate(entries):
            if watched.isdisjoint(entry):   # no loss to judge (a perceptron's epochs, 300,000 a second)
                self.began = None           # as _loss_problem finds it, without its calls
                continue
            problem = self._loss_problem(entry)
            if problem:
                return i, problem
        problem = self.weights(flat) if flat is not None and entries else None
        return (len(entries) - 1, problem) if problem else None

    # --- the parameters ----------------------------------------------------------------------------
    def weights(self, flat: np.ndarray) -> str | None:
        """The weights grew without bound while the loss did not go down (needs the start)."""
        if self.start_norm is None or self.first is None or self.last is None:
            return None
        now = norm(flat)
        if (now >= self.GROWTH * max(self.start_norm, 1e-12)
                and self.last >= self.NO_PROGRESS * self.first):
            # since the epoch after the loss was last at its lowest (the first, if it never went down)
            self.began = (self.learnt_until or 0) + 1
            return (f"the weights grew ×{now / max(self.start_norm, 1e-12):,.0f} "
                    f"(‖w‖ {num(self.start_norm)} → {num(now)}) while the loss did not go down "
                    f"({num(self.first)} → {num(self.last)})")
        return None

    @staticmethod
    def params(flat: np.ndarray) -> str | None:
        if np.all(np.isfinite(flat)):
            return None
        if np.any(np.isnan(flat)):
            return "a weight became NaN"
        return "a weight overflowed to ∞"

    @staticmethod
    def event(event: Event | None) -> str | None:
        if event is None:
            return None
        for key, value in event.values.items():
            values = value if isinstance(value, tuple) else (value,)
            for x in values:
                bad = _bad(x)
                if bad:
                    return f"{key} = {bad} at {event.path}"
        return None

    # --- a whole history, followed as it grows -----------------------------------------------------
    def follow(self, history: list[dict], flat: np.ndarray | None = None) -> tuple[dict, str] | None:
        """(entry, what) for the first entry of a model's whole history that diverged — or the
        last entry and the weights' growth — else None. Looks only at the entries added since the
        last call, unless the history was rewound (then it starts over)."""
        new = self._since_seen(history)
        if new is None:
            self.reset([])
            self.found, new = None, history
        self._seen = history[-1] if history else None
        if self.found is None:
            for entry in new:
                problem = self._loss_problem(entry)
                if problem:
                    self.found = (entry, problem)
                    break
        if self.found is not None:
            return self.found
        problem = self.weights(flat) if flat is not None and history else None
        return (history[-1], problem) if problem else None

    def _since_seen(self, history: list[dict]) -> list[dict] | None:
        """The entries after the last one seen, or None if that one is gone (a rewind, a rebuild)."""
        if self._seen is None:
            return None
        i = len(history) - 1
        while i >= 0 and history[i].get("epoch", 0) > self._seen.get("epoch", 0):
            i -= 1
        if i < 0 or history[i] is not self._seen:
            return None
        return history[i + 1:]
