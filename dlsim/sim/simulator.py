"""A Simulator: one network on one dataset, with its stepper. What `dlsim.make` returns.

Everything that drives a simulation — the Python API, the app, the lesson player and the headless
runner — goes through this class, so they all see the same numbers.
"""
from typing import Any, Callable

import numpy as np

from dlsim.errors import UserError, unknown
from dlsim.models import model_class
from dlsim.models.options import resolve
from dlsim.sim import datasets
from dlsim.sim.events import LEVELS, Event, Level
from dlsim.sim.stepper import Stepper
from dlsim.sim.watchdog import Watchdog


HOOKS = ("on_event", "on_pull", "on_restart")


def _hook(name: str, doc: str) -> property:
    return property(lambda sim: getattr(sim.stepper, name),
                    lambda sim, hook: setattr(sim.stepper, name, hook), doc=doc)


def level_of(level: Level | str) -> Level:
    if isinstance(level, Level):
        return level
    try:
        return Level.parse(str(level))
    except KeyError:
        raise unknown("level", str(level), LEVELS) from None


class Simulator:
    def __init__(self, model: str, seed: int = 0, **config: Any):
        self.name = model
        self.cls = model_class(model)
        self.config = resolve(model, self.cls.options, {"seed": seed, **config})
        self.on_build: list[Callable[[], None]] = []         # called after every (re)build
        self.build()

    def build(self) -> None:
        """(Re)create the model from the configuration; history starts over (the hooks stay)."""
        c = self.config
        source = self.cls.dataset_source.get(c["dataset"], c["dataset"])
        data = datasets.make(source, samples=c.get("samples", 256), test=c.get("test", 64),
                             noise=c.get("noise", 0.0), seed=c["seed"])
        self.model = self.cls(c, data)   # UserError for a combination of options that cannot work
        old, self.stepper = getattr(self, "stepper", None), Stepper(self.model)
        for hook in HOOKS:
            setattr(self.stepper, hook, getattr(old, hook, None))
        for listener in self.on_build:
            listener()

    # The hooks live on the stepper, which calls them directly: no closure over the Simulator, so
    # no reference cycle keeps a discarded simulation (and its model and history) alive.
    on_event = _hook("on_event", "sees every new event, stepped or streamed by train()")
    on_pull = _hook("on_pull", "(event, position) for every stepped event, replays too")
    on_restart = _hook("on_restart", "the state was restored, or changed outside the event stream")

    # --- reading and writing parameters ----------------------------------------------------------
    @property
    def data(self) -> datasets.Dataset:
        return self.model.data

    @property
    def params(self) -> dict[str, np.ndarray]:
        """Parameters by name (read-only copies; write with sim[name] = value)."""
        return {k: v.copy() for k, v in self.model.params.items()}

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self.model.params:
            raise unknown("parameter", name, self.model.params)
        return self.model.params[name].copy()

    def __setitem__(self, name: str, value) -> None:
        self.set_param(name, value)

    def set_param(self, name: str, value, index: tuple | None = None) -> None:
        """Write a parameter (or one element of it); recorded so that stepping back replays it."""
        if name not in self.model.params:
            raise unknown("parameter", name, self.model.params)
        try:
            value = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise UserError(f"parameter '{name}': {value!r} is not a number or an array of numbers") from None
        shape = self.model.params[name][index].shape if index is not None else self.model.params[name].shape
        if value.shape != shape and value.shape != ():
            raise UserError(f"parameter '{name}' has shape {shape}, got {value.shape}")
        if not np.all(np.isfinite(value)):
            raise UserError(f"parameter '{name}': values must be finite numbers")
        self.stepper.edit(lambda m, v=value.copy(): m.set_param(name, v, index))

    def gradients(self, X=None, y=None) -> dict[str, np.ndarray]:
        """∂L/∂param by name for one forward and backward pass on (X, y) (default: the training set)."""
        return self.loss_and_gradients(X, y)[1]

    def loss_and_gradients(self, X=None, y=None) -> tuple[float, dict[str, np.ndarray]]:
        if not hasattr(self.model, "gradients"):
            raise UserError(f"{self.name} has no gradients: it learns by the perceptron rule")
        X = self.data.X if X is None else self._inputs(X)
        y = self.data.y if y is None else np.asarray(y)
        if y.shape[0] != X.shape[0]:
            raise UserError(f"{X.shape[0]} inputs but {y.shape[0]} labels")
        classes = self.data.classes
        if y.ndim == 1 and not np.all(np.isin(y, np.arange(classes))):
            raise UserError(f"labels must be class numbers 0..{classes - 1}, got {sorted(set(y.tolist()))}")
        Y = self.model.targets(y.astype(np.int64)) if y.ndim == 1 else np.asarray(y, dtype=np.float64)
        return self.model.gradients(X, Y)

    def predict(self, X) -> np.ndarray:
        return self.model.predict(self._inputs(X))

    def _inputs(self, X) -> np.ndarray:
        """X as the (N, features) float array the kernels take, or a UserError saying what is wrong."""
        X = np.asarray(X, dtype=np.float64)
        width = self.data.X.shape[1]
        if X.ndim != 2 or X.shape[1] != width:
            raise UserError(f"inputs must be rows of {width} numbers (shape (N, {width})), got shape {X.shape}")
        if not np.all(np.isfinite(X)):
            raise UserError("inputs must be finite numbers")
        return np.ascontiguousarray(X)

    def evaluate(self) -> dict[str, Any]:
        return self.model.evaluate()

    # --- options -------------------------------------------------------------------------------
    def set(self, name: str, value: Any) -> bool:
        """Change an option. Live ones (lr…) apply at once; others rebuild. Returns True if rebuilt."""
        new = resolve(self.name, self.cls.options, {**self.config, name: value})
        option = next(o for o in self.cls.options if o.name == name)
        if option.live:
            self.config = new
            self.stepper.edit(lambda m, v=new[name]: m.set_option(name, v))
            return False
        old, self.config = (self.config, self.model, self.stepper), new
        try:
            self.build()
        except UserError:  # a refused value leaves the simulation as it was, progress included
            self.config, self.model, self.stepper = old
            raise
        return True

    def reset(self) -> None:
        self.build()

    # --- stepping ------------------------------------------------------------------------------
    @property
    def position(self) -> int:
        return self.stepper.position

    @property
    def last(self) -> Event | None:
        return self.stepper.last

    @property
    def epoch(self) -> int:
        return self.model.epoch

    @property
    def history(self) -> list[dict]:
        return self.model.history

    def step(self, level: Level | str = Level.OP, detail: Level | str | None = None) -> Event:
        """To the next boundary of `level`. With `detail` batch or coarser, batches run one compiled
        call each (the same bits) and listeners see only events of that detail."""
        return self.stepper.step(level_of(level), detail=None if detail is None else level_of(detail))

    def back(self, level: Level | str = Level.OP) -> Event | None:
        """Return to the previous boundary of `level`, exactly, however the simulation got here
        (op by op, by compiled batches or in a fused run). The history rewinds; the settings
        the learner chose since (a new learning rate, say) stay, and apply from here on."""
        return self._rewound(self.stepper.back(level_of(level)))

    def undo(self) -> Event | None:
        """Return to before the last step, whatever it covered (all of a fused run, say)."""
        return self._rewound(self.stepper.undo())

    def _rewound(self, event: Event | None) -> Event | None:
        for option in self.cls.options:
            if option.live and self.model.config.get(option.name) != self.config[option.name]:
                self.stepper.edit(lambda m, n=option.name, v=self.config[option.name]: m.set_option(n, v))
        return event

    def events(self, level: Level | str = Level.OP):
        """Iterate the stream from here on, one unit of `level` at a time (endless: use islice)."""
        level = level_of(level)
        while True:
            yield self.stepper.step(level)

    # --- training in bulk ----------------------------------------------------------------------
    def at_epoch_boundary(self) -> bool:
        return self.stepper.at(Level.EPOCH)

    def train(self, epochs: int | None = None, steps: int | None = None,
              until: Callable[[Event], bool] | None = None, detail: Level | str | None = None) -> dict[str, Any]:
        """Train `epochs` epochs or `steps` updates; returns the last epoch's metrics.

        From inside an epoch, the epoch in progress counts as the first (and a step inside a batch
        finishes that batch). With nothing listening (no on_event, no `until`, no `detail`) whole
        epochs run on the fused compiled path; otherwise events of `detail` (default: batch) stream
        out one by one. Either way through the stepper, so that any point can be stepped back to.
        Stops early when the model converges (the perceptron) or the loss stops being finite.
        """
        if epochs is not None and epochs < 0 or steps is not None and steps < 0:
            raise UserError("epochs and steps must be >= 0")
        if epochs is not None and steps is not None:
            raise UserError("give epochs or steps, not both")
        if epochs == 0 or steps == 0 or (epochs is None and steps is None and until is None):
            return self.summary()  # nothing to run (an endless stream never stops on XOR)
        done = {"epochs": 0, "steps": 0}

        def enough(event: Event) -> bool:
            if event.op == "epoch":
                done["epochs"] += 1
            elif event.closes >= Level.BATCH:
                done["steps"] += 1
            return ((epochs is not None and done["epochs"] >= epochs)
                    or (steps is not None and done["steps"] >= steps) or bool(until and until(event))
                    or self.diverged() or self.model.converged() and event.op == "epoch")

        if self.on_event is not None or until is not None or steps is not None or detail is not None:
            self.stepper.step(None, until=enough, detail=Level.BATCH if detail is None else level_of(detail))
            return self.summary()
        if not self.at_epoch_boundary():   # the fused path starts at an epoch boundary: get there first
            if self.stepper.step(Level.EPOCH, until=enough, detail=Level.BATCH).op != "epoch" \
                    or done["epochs"] >= epochs or self.model.converged() or self.diverged():
                return self.summary()
        self.stepper.run(epochs - done["epochs"])
        return self.summary()

    def diverged(self) -> bool:
        """True once the parameters or the last loss are not finite numbers."""
        theta = getattr(self.model, "theta", None)
        return theta is not None and not np.all(np.isfinite(theta))

    def divergence(self) -> str | None:
        """What went wrong, if training diverged: a weight that is not a number, or a loss that
        became NaN or exploded (a saturated sigmoid shows a huge learning rate that way)."""
        theta = getattr(self.model, "theta", None)
        problem = Watchdog.params(theta) if theta is not None else None
        if problem:
            return problem
        found = Watchdog().history(self.model.history)
        return f"at epoch {self.model.history[found[0]].get('epoch', found[0] + 1)}, {found[1]}" if found else None

    def summary(self) -> dict[str, Any]:
        last = self.model.history[-1] if self.model.history else self.model.evaluate()
        divergence = self.divergence()
        return {"model": self.name, "dataset": self.config["dataset"], "epochs": self.model.epoch,
                "steps": self.model.steps, "converged": self.model.converged(),
                "diverged": divergence is not None, "divergence": divergence,
                **{k: v for k, v in last.items() if k != "epoch"}}
