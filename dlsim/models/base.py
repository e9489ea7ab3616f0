"""What every network provides to the stepper, the API, the app and the lessons.

A model owns its parameters, its data and a cursor (epoch, batch, sample). `events(detail)` is its
training written as a generator of Events from the cursor on; it advances the cursor *before* it
yields the last event of a sample, so that the state taken at any event closing a sample (or more)
is a point from which a fresh `events()` of *any* detail continues identically (a compiled batch
started after some of its samples were stepped op by op redoes them, to the same bits). The stepper
relies on that to rewind, and to change between the stepped and the compiled paths. Between two such
points a unit is half done (a weight update partly applied): only the stream that started it may
finish it.
"""
import copy
import dataclasses
from typing import Any, Iterator, Mapping

import numpy as np

from dlsim.kernels import backend, readiness, seeded
from dlsim.models.estimate import Estimate
from dlsim.models.start_values import before_training
from dlsim.protocol.datasets import Dataset
from dlsim.protocol.events import Event, Level
from dlsim.protocol.metrics import LOSS_AND_ACCURACY, Metric
from dlsim.protocol.numbers import counted

ORDER_SALT = 17  # an epoch's order is drawn from default_rng([seed, epoch, ORDER_SALT])
TIE = 1e-9      # outputs closer than this are rounding noise apart: neither class wins
NO_CLASS = -1   # what predict gives where no class wins: the outputs tie (a tie counts as wrong for every class)


class Model:
    name: str = ""
    summary: str = ""      # one line on what the network teaches
    options: tuple = ()    # Option specs
    datasets: tuple = ()   # dataset names it accepts
    kinds: tuple = ()      # the dataset kinds (dlsim.protocol.datasets.KINDS) those are of
    default_epochs: int = 100  # a headless run's length when none is given
    # what one pass of `epoch` is called, one word wherever it is counted (status line, "ran 3
    # epochs", headless summary, trace): a GAN's is an iteration (k D steps, then a G step)
    epoch_word: str = "epoch"
    epoch_abbrev: str = "ep"   # where a line is short (the status line at 80 columns)
    # the history's losses the divergence watchdog follows, each with the part it names when one
    # blows up ("" for the network as a whole; a GAN: {"d_loss": "D", "g_loss": "G"})
    watched_losses: dict[str, str] = {"loss": ""}
    dataset_source: dict = {}  # a name the model uses for a dataset stored under another name
    # what it measures, in the order summaries list them (those present in a result are shown)
    metrics: tuple[Metric, ...] = LOSS_AND_ACCURACY
    learning_rule: str = "gradient descent"   # how it learns, as "it learns by …" ends
    learning_rates: tuple[str, ...] = ("lr",)  # the options the app's `l` key sets (a GAN has two)
    parts_option: str | None = None   # a live choice of which parts train (a GAN's train=both|D|G): `t` cycles it
    formulas: dict = {}    # op -> the function writing that op's arithmetic (its *_formulas module)
    # what changes while training, and so goes into every snapshot (state()); each network adds its
    # parameters, optimizer state and cursor. Everything else is fixed once built (data, kernels,
    # layer sizes) and never copied. A test checks that training changes nothing outside this list.
    saved: tuple[str, ...] = ("config", "epoch", "steps")
    # what its pictures show (inspect()), by name, with a line on each: the names a lesson may quote
    # ({name}, @expect name > 0) and a headless trace carries (--trace-inspect)
    inspected: dict[str, str] = {}

    def __init__(self, config: dict[str, Any], data: Dataset):
        self.config = dict(config)
        self.data = data
        self.epoch = 0                 # epochs completed
        self.steps = 0                 # parameter updates made
        self.history: list[dict] = []  # metrics per completed epoch (thinned when long: see record)
        self.kernels = backend(self.config.get("backend", "cpu"))   # its namespace per network

    @property
    def has_classes(self) -> bool:
        """Whether its task, as it is now, has classes: else (a regression: the RBF's sine, an RNN's
        adding) the metrics marked `classes` (an accuracy) are not measured, and not drawn."""
        return True

    def unmeasured(self) -> dict[str, str]:
        """Why a metric it declares is never measured as it is configured now: its key → a few words
        the curves' legend shows where a value would be ("–" forever says nothing). The held-out
        metrics without a test set; a network adds its own (the RBM's exact likelihood, too costly)."""
        if len(self.data.X_test):
            return {}
        return {m.key: "(none held out)" for m in self.metrics if m.key.startswith("test_")}

    # --- parameters -------------------------------------------------------------------------
    @property
    def params(self) -> dict[str, np.ndarray]:
        """Parameters by name, as writable views: writing into one changes the model."""
        raise NotImplementedError

    def set_param(self, name: str, value, index: tuple | None = None) -> None:
        from dlsim.errors import unknown
        if name not in self.params:
            raise unknown("parameter", name, self.params)
        target = self.params[name]
        if index is None:
            target[...] = value
        else:
            target[index] = value

    def has_gradients(self) -> bool:
        """Whether `gradients` is defined: a network trained by a rule of its own has none."""
        return type(self).gradients is not Model.gradients

    def gradients(self, X: np.ndarray, Y: np.ndarray) -> tuple[float, dict[str, np.ndarray]]:
        """(loss, {name: ∂L/∂param}) for one forward and backward pass on (X, Y); nothing changes."""
        raise NotImplementedError

    # --- the stepper's contract -------------------------------------------------------------
    def events(self, detail: Level = Level.OP) -> Iterator[Event]:
        """Events from the cursor on, each one's arithmetic done as it is yielded (never ahead).
        The template every network shares: it owns the level filter and the cursor advance; a
        network supplies its units (a sample, a batch's update) through the four hooks below."""
        while True:
            unit = (self.end_epoch(),) if self.epoch_done() else self.unit(detail)
            for event in unit:
                if Level.SAMPLE <= event.closes < Level.EPOCH:
                    self.advance(event)   # the cursor moves on before the unit's last event is seen
                if event.level >= detail or event.closes >= detail:
                    yield event

    def epoch_done(self) -> bool:
        """Whether the cursor stands after the epoch's last unit (the epoch's end comes next)."""
        raise NotImplementedError

    def end_epoch(self) -> Event:
        """Close the epoch: move the cursor to the next one, record its metrics, and say so."""
        raise NotImplementedError

    def unit(self, detail: Level) -> Iterator[Event]:
        """The next unit from the cursor: the events of one sample (or of a batch's update), or,
        where `detail` is coarse enough, the one event of a compiled sample or batch."""
        raise NotImplementedError

    def advance(self, event: Event) -> None:
        """Move the cursor past the unit that `event` closes (at SAMPLE level or above, short of
        the epoch, which `end_epoch` moves past itself)."""
        raise NotImplementedError

    # A network whose batches are too small to be one compiled call each (the DQN's: one environment
    # step, ~60 µs of Python around 5 µs of arithmetic) defines run_batches(count): the epoch's next
    # `count` batches in one compiled call, the bits of `count` BATCH units. An epoch too long for
    # one call then goes by slices of batches (models/chunked), not batch by batch.
    run_batches = None

    def state(self, memo: dict | None = None) -> dict[str, Any]:
        """A deep copy of everything that changes while training, the cursor included. `memo` is
        the deep copy's memo: afterwards it holds every object the copy made (the stepper counts
        their bytes against its memory budget)."""
        state = copy.deepcopy({k: getattr(self, k) for k in self.saved}, {} if memo is None else memo)
        state["history"] = self.epoch  # entries only ever get added after it: enough to restore it
        return state

    def set_state(self, state: dict[str, Any]) -> None:
        for key, value in copy.deepcopy(state).items():
            if key == "history":
                while self.history and self.history[-1]["epoch"] > value:
                    self.history.pop()
                continue
            current = getattr(self, key, None)
            if isinstance(current, np.ndarray) and isinstance(value, np.ndarray) and current.shape == value.shape:
                current[...] = value   # keep views into the buffer valid
            else:
                setattr(self, key, value)

    HISTORY_LIMIT = 20_000   # entries; curves are a few hundred points wide

    def record(self, entry: dict) -> None:
        """Append an epoch's metrics. Past HISTORY_LIMIT entries, the older half is thinned to every
        other entry (again as needed), so a run of millions of epochs keeps its whole curve in
        bounded memory while the recent epochs stay complete. The first entry is always kept: a
        curve and a trace still start where training did."""
        self.history.append({"epoch": self.epoch, **entry})
        self._thin()

    def _thin(self) -> None:
        while len(self.history) > self.HISTORY_LIMIT:
            recent = self.HISTORY_LIMIT // 2
            self.history[:-recent] = self.history[:-recent][::2]

    def record_many(self, entries: list[dict]) -> None:
        """Append many epochs' entries, each with its "epoch" already in it: the history record()
        would leave, one entry after another (thinned at the same lengths), without a call each."""
        while entries:
            room = max(1, self.HISTORY_LIMIT + 1 - len(self.history))   # entries up to the next thinning
            self.history.extend(entries[:room])
            entries = entries[room:]
            self._thin()

    def set_option(self, name: str, value: Any) -> None:
        """Change a live option (learning rate and the like) without rebuilding."""
        self.config[name] = value

    # --- whole-run helpers ------------------------------------------------------------------
    def train_fused(self, epochs: int, every: int = 1) -> int:
        """Train up to `epochs` epochs on the compiled path, evaluating at least every `every`
        epochs; returns the epochs run."""
        raise NotImplementedError

    def evaluate(self) -> dict[str, float | None]:
        raise NotImplementedError

    def before_training(self) -> dict[str, float]:
        """Its charted metrics before the first update: where its curves start (start_values)."""
        return before_training(self)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Class index per row of X, or NO_CLASS where the outputs tie."""
        raise NotImplementedError

    def ties(self, X: np.ndarray) -> np.ndarray:
        """True per row of X where the outputs tie (within TIE: rounding noise decides nothing), so no class is predicted (a plot shows
        these as neither class). A model whose decision rule settles every point ties nowhere."""
        return np.zeros(len(X), bool)

    def scores(self, X: np.ndarray) -> np.ndarray:
        """Score for class 1 per row (for the decision surface), in [0, 1] (a network that draws no
        such surface, such as a sequence network or the SOM, raises UserError)."""
        from dlsim.errors import UserError
        raise UserError(f"{self.name} gives no score per input: use predict (or probabilities where it has them)")

    def probabilities(self, X: np.ndarray) -> np.ndarray:
        """(N, classes): each row of X's probability of each class, as the network computes it
        (a network that gives no probabilities, such as the perceptron's threshold, raises UserError)."""
        from dlsim.errors import UserError
        raise UserError(f"{self.name} gives no class probabilities: it learns by {self.learning_rule}")

    def check_inputs(self, X, what: str = "inputs") -> np.ndarray:
        """X as the contiguous (N, *one sample's shape) float64 array the kernels take, or a UserError
        in one line saying what is wrong. Every public entry point taking data calls it before a
        kernel sees the array: no kernel ever reads past the end of an array it was given."""
        from dlsim.errors import UserError
        try:
            X = np.asarray(X, dtype=np.float64)
        except (TypeError, ValueError):
            raise UserError(f"{what} must be an array of numbers") from None
        shape = self.data.shape   # one sample's, as the dataset's kind has it
        if X.shape[1:] != shape or X.ndim != len(shape) + 1:
            want = f"rows of {shape[0]} numbers (shape (N, {shape[0]}))" if len(shape) == 1 else \
                f"{self.data.kind.name} of shape {shape} each (shape (N, {', '.join(map(str, shape))}))"
            raise UserError(f"{what} must be {want}, got shape {X.shape}")
        if not np.all(np.isfinite(X)):
            raise UserError(f"{what} must be finite numbers (no NaN or infinity)")
        return np.ascontiguousarray(X)

    def check_labels(self, y, what: str = "labels") -> np.ndarray:
        """y as int64 class numbers (N,), each 0 … classes − 1, or a UserError in one line: a NaN, a
        fraction or a class the data has not (−1 included, which NumPy would read as the last) never
        becomes a target."""
        from dlsim.errors import UserError, shown
        classes = self.data.classes
        try:
            y = np.asarray(y, dtype=np.float64)
        except (TypeError, ValueError):
            raise UserError(f"{what} must be class numbers 0..{classes - 1}, got {shown(y)}") from None
        if y.ndim != 1:
            raise UserError(f"{what} must be class numbers (shape (N,)), got shape {y.shape}")
        wrong = y[~np.isin(y, np.arange(classes))]
        if wrong.size:
            odd = np.unique(wrong)
            listed = ", ".join(f"{v:g}" for v in odd[:4]) + (", …" if odd.size > 4 else "")
            raise UserError(f"{what} must be class numbers 0..{classes - 1}, got {listed}")
        return y.astype(np.int64)

    def warm_up(self, detail: Level = Level.OP) -> None:
        """Compile (or load from Numba's disk cache) the kernels that a run streaming events of
        `detail` needs (Level.EPOCH: only the fused path), on a scratch copy with two samples."""
        if not self.kernels.compiles and detail >= Level.EPOCH:
            return   # the fused path runs the NumPy references: nothing to compile
        d = self.data
        tiny = dataclasses.replace(d, X=d.X[:2], y=d.y[:2], X_test=d.X_test[:2], y_test=d.y_test[:2])
        scratch = type(self)(self.scratch_config(), tiny)
        scratch.train_fused(1)
        if detail <= Level.BATCH:
            events = scratch.events(detail)
            while next(events).closes < Level.BATCH:
                pass

    def scratch_config(self) -> dict[str, Any]:
        """The options of warm_up's scratch copy: these, with a batch that fits its two samples."""
        return {**self.config, **({"batch": 0} if "batch" in self.config else {})}

    # what the app's warm-up runs (dlsim.sim.warmup): every variant whose compiled code differs, at a
    # size that compiles the same code in little time
    warm_up_configs: tuple[dict, ...] = ({},)

    # what a lesson's @highlight may name, as the network's screen shows it (the lesson check holds
    # lessons to this, the view draws it; tests/tui/test_highlightable_views.py keeps the two in step):
    # the quantities of `inspected` its view marks, pages to or centres on (any other is on no panel);
    # of those, the arrays it shows whole (a panel, a page), which take no index, where it centres on
    # one element of any other; and whether the screen has the weights heatmap that a weight's
    # highlight selects (a metric the curves draw is highlightable on every screen)
    highlightable: frozenset[str] = frozenset()
    highlighted_whole: frozenset[str] = frozenset()
    weights_on_screen = True
    warm_up_size: dict = {}

    def exercise(self) -> None:
        """Run the whole-batch paths beyond stepping that every consumer uses (the warm-up calls it once
        per variant): evaluation, and whatever its pictures (inspect and the picture methods) compute,
        through the model's own kernels."""
        self.evaluate()

    def converged(self) -> bool:
        """Whether training has nothing left to change (a run stops there); most networks never say so."""
        return False

    def can_converge(self) -> bool:
        """Whether `converged` can say so as configured: the app gives such a run a limit of epochs
        without converging (a perceptron on XOR), and every other run goes on until paused."""
        return type(self).converged is not Model.converged

    # what the app says when converged() stops a run
    converged_message = "converged: training has nothing left to change"

    def not_converging(self, epochs: int) -> str:
        """Why a run of a network that can converge stopped after `epochs` epochs without it."""
        return f"stopped: {counted(epochs, self.epoch_word)} without converging; space runs on"

    def accumulated_gradients(self) -> dict[str, np.ndarray] | None:
        """Each parameter's gradient accumulated so far in the batch, by name (views into the
        model's buffer); None for a network that learns without one (perceptron, SOM)."""
        return None

    def optimizer_state(self) -> dict[str, dict[str, np.ndarray]]:
        """What the optimizer remembers of each parameter between steps, by symbol, then name (a
        copy): momentum's velocity {"v": …}, Adam's moments {"m": …, "v": …}; nothing for plain
        gradient descent or a network without an optimizer. The weight inspector writes the selected
        weight's (FlatParameters keeps these beside the parameters for every network that has one)."""
        return {}

    # --- what its pictures show ------------------------------------------------------------------
    def inspect(self, last: Event | None = None, trace: Mapping[tuple[str, str], Event] | None = None) -> dict[str, Any]:
        """What this network's pictures show at this moment, by name (the names of `inspected`; a
        name with nothing to show now is left out), computed through the kernels that ran, in the
        network's own files. `last` is the event the stream stands at, `trace` the latest event of
        each (op, path) of the sample in progress (dlsim.sim.sample_trace). The app's views only lay
        these out; lessons quote them and headless traces carry them."""
        return {}

    def kernels_now(self):
        """The kernels to compute a picture with now: the model's own, or the NumPy references
        while the app gets the compiled ones ready in the background (dlsim.kernels.readiness)."""
        return self.kernels if readiness.ready(self.name) else backend("numpy")

    # --- what a run costs and how it went (asked by the Simulator, headless runs and lessons) ---
    @classmethod
    def estimate(cls, config: dict[str, Any], data: Dataset, history: int) -> Estimate:
        """The memory and time this configuration needs, from its sizes alone (nothing is
        allocated); `history` is the stepper's snapshot budget in bytes."""
        raise NotImplementedError

    def flat_params(self) -> np.ndarray:
        """Every parameter in one 1-D array (what the divergence watchdog measures)."""
        return np.concatenate([v.ravel() for v in self.params.values()])

    def epoch_progress(self) -> tuple[int, int]:
        """(updates done, updates in all) of the epoch in progress."""
        raise NotImplementedError

    def outcome(self) -> str | None:
        """A line on how training ended, for a network that stops when it has learnt (else None)."""
        return None

    def order(self, epoch: int) -> np.ndarray:
        """The sample order of an epoch: a function of (seed, epoch) alone, so replays agree."""
        n = self.data.X.shape[0]
        if not self.config.get("shuffle", True):
            return np.arange(n)
        return np.random.default_rng([self.config["seed"], epoch, ORDER_SALT]).permutation(n)

    def orders(self, first: int, count: int) -> np.ndarray:
        """(count, N) int64: the orders of epochs first … first + count − 1, as `order` gives them.
        Where the backend compiles, drawn by compiled code (dlsim.kernels.seeded, the same bits):
        making a generator per epoch in Python cost more than a small network's epoch."""
        n = self.data.X.shape[0]
        if not self.config.get("shuffle", True):
            return np.tile(np.arange(n, dtype=np.int64), (count, 1))
        if getattr(self.kernels, "compiles", False):
            return seeded.orders(self.config["seed"], first, count, ORDER_SALT, n)
        return np.stack([self.order(first + e) for e in range(count)]).astype(np.int64)

    # --- where training stands: what a cursor names (dlsim.sim.cursor) ----------------------------
    def place(self) -> tuple[int, int, int]:
        """(epochs done, updates done in this epoch, samples done in the update in hand): where the
        model's own cursor stands, in units every network has. An update is what closes a batch (a
        mini-batch, a sample for a network that learns online, a GAN's D or G step). A network whose
        updates take several samples counts them in `sample`; one that updates after every sample
        has none in hand. Together with the events taken since the last sample's end, this names
        one state of a run however it was reached (op by op, by compiled batches or fused epochs)."""
        updates, _ = self.epoch_progress()
        return int(self.epoch), int(updates), int(getattr(self, "sample", 0))

    def batch_rows(self) -> np.ndarray:
        """The rows of the training data the update in hand takes, from this epoch's order: one for
        a network that updates after every sample (a network with batches gives its batch's; empty
        once the epoch's updates are done)."""
        updates, _ = self.epoch_progress()
        return self.order(self.epoch)[updates:updates + 1]
