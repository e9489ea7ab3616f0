"""What every network trained on mini-batches of a gradient shares (MLP, CNN, RNN, LSTM): the cursor
(batch_index, then sample within the batch), the unit the events() template asks for (a sample's
events, then the batch's update; or one compiled call per batch), and each batch's and epoch's
bookkeeping. A network supplies _sample_events, _update_events and _compiled_batch, each ending
with batch_done(), and may add its own values to the batch and epoch events."""
import numpy as np

from dlsim.models.base import Model
from dlsim.protocol.events import EVALUATE, UPDATE, Event, Level

BATCH, EPOCH = "batch", "epoch"   # the ops of a batch's and an epoch's summary events


class MiniBatched(Model):
    # set by each network's __init__ (and in its `saved`):
    batch_size: int
    batch_index: int     # the batch in hand, in this epoch's order (the cursor, with sample)
    sample: int          # position in that batch
    batch_loss: float    # the batch's loss so far (each sample adds its share)
    epoch_loss: float    # Σ batch loss · rows over the epoch's batches so far

    def batch_rows(self) -> np.ndarray:
        start = self.batch_index * self.batch_size
        return self.order(self.epoch)[start:start + self.batch_size]

    def n_batches(self) -> int:
        return -(-self.X.shape[0] // self.batch_size)

    def epoch_done(self):
        return self.batch_index == self.n_batches()

    def epoch_progress(self):
        return self.batch_index, self.n_batches()

    def unit(self, detail):
        rows = self.batch_rows()
        if detail >= Level.BATCH:
            return (self._compiled_batch(rows),)
        if self.sample < len(rows):
            return self._sample_events(int(rows[self.sample]), len(rows))
        return self._update_events(len(rows))

    def advance(self, event):
        if event.closes == Level.SAMPLE:
            self.sample += 1   # (a batch's close moves the cursor in batch_done, with its sums)

    def batch_done(self, n_rows: int) -> Event:
        """Close the batch: its loss into the epoch's, the cursor to the next batch."""
        loss = float(self.batch_loss)
        self.epoch_loss += loss * n_rows
        self.batch_index += 1
        self.sample, self.batch_loss = 0, 0.0
        return Event(BATCH, UPDATE, self.name, {"step": self.steps, "loss": loss, **self.batch_values()},
                     level=Level.BATCH, closes=Level.BATCH)

    def batch_values(self) -> dict:
        """What the batch's event carries besides its loss (and any sums of the network's own over
        the epoch it adds to): every parameter and its gradient."""
        return {"params": {k: v.copy() for k, v in self.params.items()},
                "grads": {k: v.copy() for k, v in self.accumulated_gradients().items()}}

    def end_epoch(self):
        loss = self.epoch_loss / self.X.shape[0]
        self.epoch += 1
        self.batch_index, self.epoch_loss = 0, 0.0
        self.record({"loss": loss, **self.epoch_values(), **self.evaluate()})
        return Event(EPOCH, EVALUATE, self.name, self.history[-1], level=Level.EPOCH, closes=Level.EPOCH)

    def epoch_values(self) -> dict:
        """The network's own measures of the epoch just closed (its sums start over)."""
        return {}
