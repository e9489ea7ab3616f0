"""Whether a Simulator's training went wrong, and what it reached: one detector for every network,
every loss and every consumer (headless summary, trace, lessons, the app's status line).
"""
from dlsim.protocol.numbers import count
from dlsim.sim.watchdog import Watchdog


class Divergence:
    """Mixed into Simulator (it has `model`, `cls`, `watchdog` and the parameters it was built with)."""

    def nonfinite(self) -> bool:
        """True once a parameter is NaN or ∞: training cannot go on from here."""
        return Watchdog.params(self.model.flat_params()) is not None

    def diverged(self) -> bool:
        return self.divergence() is not None

    def divergence(self) -> str | None:
        """What went wrong, if training diverged, else None: a weight that is not a number, or
        what the loss and the weights did (see dlsim.sim.watchdog). One detector for every network,
        every loss, and every consumer (headless summary, trace, lessons, the app's status)."""
        flat = self.model.flat_params()
        problem = Watchdog.params(flat)
        if problem:
            return problem
        self._learn_start_loss()
        found = self.watchdog.follow(self.model.history, flat)
        return (f"at {self.model.epoch_word} {count(found[0].get('epoch', self.model.epoch))}, {found[1]}"
                if found else None)

    def new_watchdog(self) -> Watchdog:
        """A divergence watchdog for this network: its losses, and where it started."""
        return Watchdog(start=self._start_flat, losses=self.cls.watched_losses,
                        start_loss=self._start_loss)

    def loss_before_training(self) -> float | None:
        """The training loss at the parameters this simulation was built with (None for a network
        without one). Measured once, when first asked, by putting those parameters back for one
        evaluation: they are restored exactly, so nothing the run computes changes."""
        start, self._start_params = self._start_params, None
        if start is not None:
            params = self.model.params
            now = {name: value.copy() for name, value in params.items()}
            try:
                for name, value in start.items():
                    params[name][...] = value
                loss = self.model.evaluate().get("train_loss")
            finally:
                for name, value in now.items():
                    params[name][...] = value
            self._start_loss = float(loss) if loss is not None else None
        return self._start_loss

    def _learn_start_loss(self) -> None:
        """Tell the watchdog the loss before training, once there is a history to judge: a run
        that blew up within its first epoch is then told at that epoch."""
        history = self.model.history
        if self.watchdog.start_loss is None and history and "loss" in history[0]:
            loss = self.loss_before_training()
            if loss is not None:
                self.watchdog.know_start(loss, [])
