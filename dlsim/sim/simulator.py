"""A Simulator: one network on one dataset, with its stepper. What `dlsim.make` returns.

Everything that drives a simulation — the Python API, the app, the lesson player and the headless
runner — goes through this class, so they all see the same numbers.
"""
import inspect
from typing import Any, Callable

import numpy as np

from dlsim.errors import UserError, unknown
from dlsim.models import model_class
from dlsim.models.estimate import Estimate
from dlsim.models.options import current_name, resolve
from dlsim.protocol import datasets
from dlsim.sim import arguments, cursor, own_data, stop
from dlsim.sim.arguments import clip, shown
from dlsim.sim.cursor import Cursor
from dlsim.sim.edits import SetOption, SetParam
from dlsim.protocol.events import LEVELS, Event, Level
from dlsim.sim.memory_budget import check_memory
from dlsim.sim.sample_trace import Trace
from dlsim.sim.simulator_divergence import Divergence
from dlsim.sim.simulator_queries import Queries
from dlsim.sim.time_budget import check_time
from dlsim.sim.stepper import Stepper


HISTORY_BUDGET = inspect.signature(Stepper).parameters["memory"].default   # bytes of snapshots


def dataset_identity(cls, config: dict) -> dict:
    """What the model's dataset is a function of: its set's name, the options its kind takes (a
    model without a `test` option gets no test points; a truth table takes none), and the seed."""
    source = cls.dataset_source.get(config["dataset"], config["dataset"])
    kind = datasets.kind_of(source)
    given = {name: config.get(name, datasets.DEFAULTS[name]) for name in kind.options}
    return {"name": source, "options": given, "seed": config["seed"]}


def dataset_for(cls, config: dict, own=None) -> datasets.Dataset:
    """The model's dataset, made from its identity (dataset_identity); or the learner's own data
    (`own`), split by the seed."""
    if own is not None:
        return own.dataset(config)
    identity = dataset_identity(cls, config)
    return datasets.make(identity["name"], seed=identity["seed"], **identity["options"])


def estimate(model: str, config: dict) -> Estimate:
    """What `model` with the resolved `config` will need (memory, time), before building it."""
    cls = model_class(model)
    return cls.estimate(config, dataset_for(cls, config), HISTORY_BUDGET)


LISTENERS = ("on_event", "on_pull", "on_restart")


def _listeners(name: str, doc: str) -> property:
    return property(lambda sim: getattr(sim.stepper, name), doc=doc)


def level_of(level: Level | str) -> Level:
    if isinstance(level, Level):
        return level
    try:
        return Level.parse(str(level))
    except KeyError:
        raise unknown("level", clip(str(level)), LEVELS) from None


class Simulator(Queries, Divergence):
    def __init__(self, model: str, seed: int = 0, *, force: bool = False,
                 given_data: tuple[dict, datasets.Dataset] | None = None, data=None, **config: Any):
        """`force`: build even a configuration whose one epoch is estimated past the time budget
        (dlsim.sim.time_budget); one that does not fit in memory is refused whatever it says.
        `given_data`: (identity, dataset), the data itself (a saved session's), used in place of
        making it while the configuration names that identity (dataset_identity).
        `data`: the learner's own data instead of the `dataset` option's (a file's path, arrays, or
        what dlsim.protocol.own_data.load gave); `own_data.identity` then names it."""
        self.name = model
        self.force = bool(force)
        self.given_data = given_data
        self.cls = model_class(model)
        self.own_data = None if data is None else own_data.load_for(self.cls, data)
        self.config = resolve(model, self.cls.options, {"seed": seed, **config})
        self.on_build: list[Callable[[], None]] = []         # called after every (re)build
        self.trace = Trace()   # the latest event of each (op, path) of the sample in progress
        self.build()
        self.on_pull.append(self.trace.add)
        self.on_restart.append(self.trace.clear)

    def build(self) -> None:
        """(Re)create the model from the configuration; history starts over (the listeners stay)."""
        c = self.config
        given = None if self.own_data is not None else self.given_data
        data = given[1] if given is not None and given[0] == dataset_identity(self.cls, c) \
            else dataset_for(self.cls, c, self.own_data)
        if self.own_data is not None:
            own_data.check_classes(self.cls, self.own_data)
        needs = self.cls.estimate(c, data, HISTORY_BUDGET)
        check_memory(f"{self.name} with these options", needs)   # before allocating any of it
        check_time(f"{self.name} with these options", needs, self.cls.epoch_word, self.force)
        self.model = self.cls(c, data)   # UserError for a combination of options that cannot work
        if self.own_data is not None:
            own_data.check_fits(self.model, self.own_data)
        self.data_notes = getattr(data, "notes", ())   # own data: what was read, scaled and split
        self.estimate = needs   # what it needs: memory, and time per epoch (an Estimate)
        self._start_flat = self.model.flat_params().copy()   # for the watchdog's growth rule
        self._start_params: dict | None = self.params   # to measure the loss before training, when asked
        self._start_loss: float | None = None
        self.watchdog = self.new_watchdog()
        self.trace.clear()
        self._new_stepper()
        for listener in self.on_build:
            listener()

    def _new_stepper(self, last: Event | None = None) -> None:
        """A stepper whose history starts at the model's state now, reached by `last` (None: the
        start); the listeners stay."""
        old, self.stepper = getattr(self, "stepper", None), Stepper(self.model)
        self.stepper.last = self.stepper._snapshots[0].last = last   # (Stepper takes no `last` of its own)
        for name in LISTENERS:
            if old is not None:
                setattr(self.stepper, name, getattr(old, name))

    def resume(self, state: dict, history: list[dict], last: Event | None) -> None:
        """Take up a state kept elsewhere (a saved session's, at a point where a fresh event stream
        continues exactly), its metrics history, and the event that led to it; the history of steps
        starts there, as at a build, and training goes on as if it had never stopped."""
        self.model.set_state(state)
        self.model.history[:] = history
        self.trace.clear()
        self._new_stepper(last)
        for listener in self.on_build:
            listener()

    def save(self, path, overwrite: bool = False) -> str:
        """Write the whole session (configuration, data, parameters, optimizer state, where it stands,
        metrics history) to a .dlsim file (dlsim.sim.session_file); `dlsim.open(path)` takes it up
        again. An existing file is kept unless `overwrite`. Returns the path written."""
        from dlsim.sim import session_save
        return session_save.save(self, path, overwrite=overwrite)

    @property
    def data_identity(self) -> dict:
        """What the data is made from: its set's name, its kind's options, the seed (dataset_identity);
        for the learner's own data also its file's name, absolute path, SHA-256 and size in bytes."""
        identity = dataset_identity(self.cls, self.config)
        if self.own_data is not None:
            identity.update(file=self.own_data.name, **self.own_data.identity.as_dict())
        return identity

    # Listener lists (append to add one, remove to stop): they live on the stepper, which calls
    # them directly: no closure over the Simulator, so no reference cycle keeps a discarded
    # simulation (and its model and history) alive.
    on_event = _listeners("on_event", "called with every new event, stepped or streamed by train()")
    on_pull = _listeners("on_pull", "called with (event, position) for every stepped event, replays too")
    on_restart = _listeners("on_restart", "called when the state was restored, or changed outside the events")

    def muted(self):
        """A context in which no on_event listener is called (replays that are not news)."""
        return self.stepper.muted()

    # --- reading and writing parameters ----------------------------------------------------------
    @property
    def data(self) -> datasets.Dataset:
        return self.model.data

    @property
    def params(self) -> dict[str, np.ndarray]:
        """Parameters by name (read-only copies; write with sim[name] = value)."""
        return {k: v.copy() for k, v in self.model.params.items()}

    def __getitem__(self, name: str) -> np.ndarray:
        return self._param(name).copy()

    def __setitem__(self, name: str, value) -> None:
        self.set_param(name, value)

    def _param(self, name: str) -> np.ndarray:
        params = self.model.params
        if not isinstance(name, str) or name not in params:
            raise unknown("parameter", clip(str(name)), params)
        return params[name]

    def set_param(self, name: str, value, index: tuple | None = None) -> None:
        """Write a parameter (or one element of it); recorded so that stepping back replays it."""
        shape = self._param(name).shape
        if index is not None:
            index = arguments.element(index, shape, f"parameter '{name}'")
            shape = ()
        value = arguments.numbers(value, f"parameter '{name}'")
        if value.shape != shape and value.shape != ():
            raise UserError(f"parameter '{name}'{' element' if index else ''} has shape {shape}, got {value.shape}")
        arguments.finite(value, f"parameter '{name}': values")
        self.stepper.edit(SetParam(name, value.copy(), index))

    def evaluate(self) -> dict[str, Any]:
        return self.model.evaluate()

    def inspect(self) -> dict[str, Any]:
        """What the network's pictures show now, by name (its model's `inspected` says what each
        is), computed through the kernels that ran: the app draws these, lessons quote them."""
        return self.model.inspect(self.last, self.trace.events)

    # --- options -------------------------------------------------------------------------------
    def set(self, name: str, value: Any) -> bool:
        """Change an option. Live ones (lr…) apply at once; others rebuild. Returns True if rebuilt."""
        if not isinstance(name, str):
            raise unknown(f"option for {self.name}", clip(str(name)), [o.name for o in self.cls.options])
        name = current_name(self.name, self.cls.options, name)   # a former name (steps) is its option's
        new = resolve(self.name, self.cls.options, {**self.config, name: value})
        option = next(o for o in self.cls.options if o.name == name)
        if option.live:   # a live change can lengthen an epoch too (a GAN's k): the budget holds
            check_time(f"{self.name} with {name}={clip(str(value))}", self.cls.estimate(new, self.model.data, HISTORY_BUDGET),
                       self.cls.epoch_word, self.force)
            self.config = new
            self.stepper.edit(SetOption(name, new[name]))
            return False
        old, self.config = (self.config, self.model, self.stepper, self.own_data), new
        if name == "dataset":   # choosing a dataset leaves the learner's own data
            self.own_data = None
        try:
            self.build()
        except UserError:  # a refused value leaves the simulation as it was, progress included
            self.config, self.model, self.stepper, self.own_data = old
            raise
        return True

    def reset(self) -> None:
        self.build()

    def use_data(self, source) -> None:
        """Train on the learner's own data from now on (a path, arrays, or loaded data), from the
        start; None: the `dataset` option's again. A refused file leaves the simulation as it was."""
        old = self.own_data, self.model, self.stepper
        self.own_data = None if source is None else own_data.load_for(self.cls, source)
        try:
            self.build()
        except UserError:
            self.own_data, self.model, self.stepper = old
            raise

    # --- stepping ------------------------------------------------------------------------------
    @property
    def position(self) -> int:
        """Events consumed since the simulation was built: a count, not the name of a state (opening
        a coarse step finer, as stepping back at a finer level does, renumbers the events after
        it). To come back to a state later, keep its `cursor`."""
        return self.stepper.position

    @property
    def cursor(self) -> Cursor:
        """The name of the state the simulation is in, the same however it got there (op by op, by
        compiled batches or fused epochs): epochs done, updates (batches) done in the epoch, samples
        done in the batch in hand, events since that sample began (at op detail). Frozen and
        ordered as the states come; `seek` returns to it."""
        return cursor.where(self.stepper)

    def seek(self, to: Cursor | tuple) -> Event | None:
        """Go to the state a cursor names (one kept from `cursor`, or four whole numbers: epoch,
        batch, sample, op), before or after this one, exactly: the same bits as when it was taken.
        Backwards it rewinds as `back` does (edits made on the way are replayed); forwards it
        trains there (fused epochs, compiled batches, then op by op). No new-event listener is called:
        a seek is a jump. A cursor no state has is refused, and the simulation stays where it was."""
        target = cursor.cursor(to)
        with self.muted():
            cursor.go(self.stepper, target)
        return self._rewound(self.last)

    @property
    def last(self) -> Event | None:
        return self.stepper.last

    @property
    def epoch(self) -> int:
        return self.model.epoch

    @property
    def history(self) -> list[dict]:
        return self.model.history

    def order(self, epoch: int | None = None) -> np.ndarray:
        """The order in which epoch `epoch` (default: the one in progress) takes the training
        samples, as row numbers of `data.X`: a function of the seed and the epoch alone."""
        epoch = self.model.epoch if epoch is None else arguments.count(epoch, "epoch")
        return self.model.order(epoch).copy()

    def batch_rows(self) -> np.ndarray:
        """The rows of `data.X` the update in hand takes (its batch; one row for a network that
        learns after every sample; none once the epoch's updates are done)."""
        return np.array(self.model.batch_rows(), np.int64)

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
                self.stepper.edit(SetOption(option.name, self.config[option.name]))
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
        epochs, steps = arguments.count(epochs, "epochs"), arguments.count(steps, "steps")
        if epochs is not None and steps is not None:
            raise UserError("give epochs or steps, not both")
        if until is not None and not callable(until):
            raise UserError(f"until must be a function of an event (True stops), got {shown(until)}")
        detail = None if detail is None else level_of(detail)
        if epochs == 0 or steps == 0 or (epochs is None and steps is None and until is None):
            return self.summary()  # nothing to run (an endless stream never stops on XOR)
        done = {"epochs": 0, "steps": 0}

        def enough(event: Event) -> bool:
            if event.closes >= Level.EPOCH:   # streamed events only: a compiled run is not one
                done["epochs"] += 1
            elif event.closes >= Level.BATCH:
                done["steps"] += 1
            return ((epochs is not None and done["epochs"] >= epochs)
                    or (steps is not None and done["steps"] >= steps) or bool(until and until(event))
                    or self.nonfinite() or self.model.converged() and event.closes >= Level.EPOCH)

        if self.on_event or until is not None or steps is not None or detail is not None:
            self.stepper.step(None, until=enough, detail=Level.BATCH if detail is None else detail)
            return self.summary()
        with stop.deferred():   # Ctrl+C stops the fused run between two compiled chunks, whole
            self._train_fused(epochs, done, enough)
        stop.raise_if_requested()
        return self.summary()

    def _train_fused(self, epochs: int, done: dict, enough: Callable[[Event], bool]) -> None:
        finished = None
        if not self.at_epoch_boundary():   # the fused path starts at an epoch boundary: get there first
            self.stepper.step(Level.EPOCH, until=lambda e: enough(e) or stop.requested(), detail=Level.BATCH)
            if not self.at_epoch_boundary() or done["epochs"] >= epochs or self.model.converged() or self.nonfinite():
                return
            finished = self.model.epoch   # counted in `epochs`: the run's summary says so
        self.stepper.run(epochs - done["epochs"], finished=finished)

    @property
    def dataset_name(self) -> str:
        """What the data is called: the built-in set's name, or the learner's own file's."""
        return self.config["dataset"] if self.own_data is None else self.own_data.name

    def summary(self) -> dict[str, Any]:
        # inside an epoch, the last epoch's figures are out of date: measure the model as it is
        within = not self.at_epoch_boundary() or not self.model.history
        last = self.model.evaluate() if within else self.model.history[-1]
        divergence = self.divergence()
        return {"model": self.name, "dataset": self.dataset_name, "epochs": self.model.epoch,
                "steps": self.model.steps, "converged": self.model.converged(),
                "diverged": divergence is not None, "divergence": divergence,
                **{k: v for k, v in last.items() if k != "epoch"}}
