"""Kohonen's self-organizing map: a grid of nodes, each a point in input space, pulled towards the data.

For each sample x: the distance from x to every node, the best-matching unit (BMU) closest to it,
then every node moves towards x by lr·h, where h falls with the node's distance *on the grid* from
the BMU. lr and the radius σ shrink over time, so the map first unfolds, then settles. There is no
gradient and no loss: the epoch's quantization and topographic errors say how well it fits.

Online learning: one sample is one update, so a "batch" is one sample. Three paths, one arithmetic:
`events(OP)` steps node by node through the scalar kernels that `kernels.som.train_sample` inlines,
`events(SAMPLE)` runs a sample per compiled call, `train_fused` whole epochs, all to the same bits.

As in MiniSom, the two steps are public: `winner(x)` (the BMU search) and `update(x, ...)` (the
pull), through the same kernels. What the pictures show is computed in som_inspect.py.
"""
import math

import numpy as np

from dlsim.kernels import som as kernel
from dlsim.kernels.som_reference import grid_positions
from dlsim.models import chunked
from dlsim.models import options as opt
from dlsim.errors import UserError
from dlsim.models.base import Model
from dlsim.models.som_formulas import FORMULAS, METRICS, Op
from dlsim.models.som_inspect import Inspect
from dlsim.models.estimate import EVENT_BYTES, FLOAT, Estimate, Work, history_bytes
from dlsim.protocol.events import EVALUATE, FORWARD, UPDATE, Event, Level

FUSED_CHUNK = 1000   # epochs per compiled call at most, so the sample orders stay small
# the smallest starting σ: already the BMU alone (h of a neighbour e⁻⁵⁰⁰⁰); far smaller, σ² underflows
# to 0 and h = 0/0 turns the weights into NaN (σ = 1e-200)
SIGMA_LOW = 0.01


def pca_grid(X: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """(rows, cols, D) nodes spread evenly over ±1 standard deviation along the data's principal
    components, centred on its mean: rows along the first, columns along the second. A map of one
    row or one column is a line along the first (a lone node sits on the mean)."""
    mean = X.mean(axis=0)
    _, spread, axes = np.linalg.svd(X - mean, full_matrices=False)
    scale = spread / math.sqrt(max(len(X) - 1, 1))   # standard deviation along each component
    nodes = np.broadcast_to(mean, (rows, cols, X.shape[1]))
    k = 0   # the next principal component to spread along
    for n, shape in ((rows, (-1, 1, 1)), (cols, (1, -1, 1))):
        if n > 1 and k < len(scale):
            nodes = nodes + np.linspace(-1.0, 1.0, n).reshape(shape) * scale[k] * axes[k]
            k += 1
    return nodes


class SOM(Inspect, Model):
    name = "som"
    summary = "a grid of nodes that unfolds over the data: competition, neighbourhoods, topology"
    datasets = ("colors", "blobs", "ring", "moons", "iris")
    kinds = ("vectors", "points")   # the dataset kinds it takes
    dataset_source = {"blobs": "blobs3"}
    saved = Model.saved + ("theta", "index")
    metrics = METRICS
    learning_rule = "Kohonen's rule: the best-matching unit and its grid neighbours move towards each sample"
    formulas = FORMULAS
    options = (
        opt.choice("dataset", "colors", "training data: RGB colours, 2-D points, or 4-D iris-like flowers",
                   datasets),
        opt.integer("seed", 0, "seeds the data, the initial weights and the sample order"),
        opt.integer("rows", 10, "rows of nodes in the grid", low=1, high=200),
        opt.integer("cols", 10, "columns of nodes in the grid", low=2, high=200),
        opt.choice("topology", "rectangular", "grid layout: 4 neighbours a node (side by side), or 6; the "
                   "topographic error counts only these as adjacent, not a rectangular grid's diagonals (MiniSom "
                   "counts them)", ("rectangular", "hexagonal")),
        opt.choice("init", "random", "initial weights: random samples of the data, or a plane along "
                   "its first two principal components (one row: a line along the first)", ("random", "pca")),
        opt.choice("neighbourhood", "gaussian", "h as a function of grid distance", tuple(kernel.NEIGHBOURHOODS)),
        opt.choice("decay", "exponential", "how lr and σ shrink over the horizon", tuple(kernel.DECAYS)),
        opt.real("lr", 0.5, "starting learning rate (at most 1: the BMU then lands on the sample, never "
                 "beyond it)", low=0.0, low_open=True, high=1.0, live=True),
        opt.real("sigma", 5.0, "starting neighbourhood radius, in grid steps (0.01: the BMU alone)",
                 low=SIGMA_LOW, high=1000.0, live=True),
        opt.integer("horizon", 20, "epochs over which lr and σ shrink to their end values", low=1, high=10**7),
        opt.choice("order", "random", "sample order in an epoch", ("random", "sequential")),
        opt.integer("samples", 300, "training samples", low=2, high=1_000_000),
        opt.real("noise", 0.0, "noise added to the samples", high=5.0),
        opt.backend(),
    )

    def __init__(self, config, data):
        super().__init__(config, data)
        self.ops = self.kernels.scalar(kernel)   # the scalar kernels stepping calls one at a time
        self.config["shuffle"] = config["order"] == "random"
        self.rows, self.cols = config["rows"], config["cols"]
        self.X = np.ascontiguousarray(data.X, np.float64)
        self.pos = grid_positions(self.rows, self.cols, config["topology"] == "hexagonal")
        self.kind = kernel.NEIGHBOURHOODS[config["neighbourhood"]]
        self.decay_kind = kernel.DECAYS[config["decay"]]
        self.theta = self._initial_weights(np.random.default_rng([config["seed"], 1]))  # (N·D,)
        self.index = 0   # position in this epoch's order

    # --- parameters ---------------------------------------------------------------------------
    @property
    def W(self) -> np.ndarray:
        """(N, D) weights, a view into theta: node j = row j // cols, column j % cols."""
        return self.theta.reshape(self.rows * self.cols, self.X.shape[1])

    @property
    def params(self):
        return {"weights": self.theta.reshape(self.rows, self.cols, self.X.shape[1])}

    def _initial_weights(self, rng):
        n, nodes = self.X.shape[0], self.rows * self.cols
        if self.config["init"] == "random":
            return self.X[rng.choice(n, nodes, replace=nodes > n)].ravel().copy()
        return pca_grid(self.X, self.rows, self.cols).ravel().copy()

    def node_at(self, j: int) -> tuple[int, int]:
        """Node j's (row, column) on the grid: how the events, the math panel and lessons name it."""
        return int(j) // self.cols, int(j) % self.cols

    def node_path(self, j: int) -> str:
        return f"som.node[{j // self.cols},{j % self.cols}]"

    # --- schedules ----------------------------------------------------------------------------
    def horizon(self) -> float:
        return float(self.config["horizon"] * self.X.shape[0])

    def rates(self) -> tuple[float, float]:
        """(lr, σ) for the next sample."""
        t, T, kind = float(self.steps), self.horizon(), self.decay_kind
        return (self.ops.decay(float(self.config["lr"]), t, T, kind),
                self.ops.decay(float(self.config["sigma"]), t, T, kind))

    # --- the event stream ----------------------------------------------------------------------
    def epoch_done(self):
        return self.index == self.X.shape[0]

    def unit(self, detail):
        s = int(self.epoch_order()[self.index])
        return self._compiled_sample(s) if detail >= Level.SAMPLE else self._sample_events(s)

    def advance(self, event):
        self.index += 1   # one sample, one update: every unit is a sample

    def _compiled_sample(self, s):
        lr, sigma = self.rates()
        found = self.kernels.som.train_sample(self.X[s], self.W, self.pos, lr, sigma, self.kind)
        yield self._sample_done(s, found, lr, sigma)

    def _sample_events(self, s):
        """The BMU search node by node, then the update pass node by node."""
        x, W, lr, sigma = self.X[s], self.W, *self.rates()
        # the event's numbers as Python floats, not through NumPy a node at a time (the same double
        # arithmetic), and the scalar steps looked up once: a 40×40 map's search is 1,600 of these
        # events, one key press at the layer level
        ops = self.ops
        distance2, better, grid_distance2 = ops.node_distance2, ops.better, ops.grid_distance2
        neighbourhood, update_node = ops.neighbourhood, ops.update_node
        xs = tuple(x.tolist())
        found = (-1, math.inf, -1, math.inf)
        last = W.shape[0] - 1
        for j in range(W.shape[0]):
            d2 = distance2(x, W, j)
            found = better(d2, j, *found)
            w = tuple(W[j].tolist())
            yield Event(Op.DISTANCE, FORWARD, self.node_path(j), {
                "x": xs, "w": w, "squares": tuple((a - b) * (a - b) for a, b in zip(xs, w)),
                "d2": d2, "distance": math.sqrt(d2)})
        best, best_d2, second, second_d2 = found
        yield Event(Op.BMU, FORWARD, self.node_path(best), {
            "sample": s, "bmu": best, "distance": math.sqrt(best_d2),
            "runner_up": second, "runner_up_distance": math.sqrt(second_d2),
            "bmu_node": self.node_at(best), "runner_up_node": self.node_at(second)}, closes=Level.LAYER)
        fn = self.config["neighbourhood"]
        for j in range(W.shape[0]):
            path = self.node_path(j)
            g2 = grid_distance2(self.pos, j, best)
            h = neighbourhood(g2, sigma, self.kind)
            yield Event(Op.NEIGHBOURHOOD, UPDATE, path, {
                "fn": fn, "grid_distance": math.sqrt(g2), "sigma": sigma, "h": h})
            old = tuple(W[j].tolist())
            update_node(W, j, x, lr, h)
            yield Event(Op.PULL, UPDATE, path, {
                "old": old, "x": xs, "lr": lr, "h": h, "new": tuple(W[j].tolist())},
                closes=Level.LAYER if j == last else Level.OP)
        yield self._sample_done(s, found, lr, sigma)

    def _sample_done(self, s, found, lr, sigma):
        """The sample's summary; online learning makes it a whole batch too (level BATCH)."""
        self.steps += 1
        best, best_d2, second, _ = found
        return Event(Op.STEP, UPDATE, f"som.sample[{s}]", {
            "sample": s, "x": tuple(self.X[s].tolist()), "bmu": int(best), "distance": math.sqrt(best_d2),
            "runner_up": int(second), "lr": lr, "sigma": sigma,
            "bmu_node": self.node_at(best), "runner_up_node": self.node_at(second)}, level=Level.BATCH, closes=Level.BATCH)

    def end_epoch(self):
        self.index = 0
        self.epoch += 1
        self._record(*self._errors())
        return Event(Op.EPOCH, EVALUATE, "som", self.history[-1], level=Level.EPOCH, closes=Level.EPOCH)

    def _record(self, qe, te):
        lr, sigma = self.rates()
        self.record({"quantization_error": float(qe), "topographic_error": float(te), "lr": lr, "sigma": sigma})

    # --- whole-run helpers -------------------------------------------------------------------
    def train_fused(self, epochs, every=1):
        """Up to `epochs` epochs on the compiled path (see _train_fused); an epoch too long for one
        compiled call goes by batches, so that a stop takes effect within a chunk (models/chunked)."""
        return chunked.fused(self, epochs, lambda n: self._train_fused(n, every))

    def _train_fused(self, epochs, every=1):
        """Whole epochs per compiled call; every epoch's errors are computed and recorded."""
        assert self.index == 0, "train_fused starts at an epoch boundary"
        done = 0
        while done < epochs and not chunked.requested.is_set():   # a stop: between two calls
            n = min(epochs - done, FUSED_CHUNK)
            orders = self.orders(self.epoch, n)
            qe, te = np.zeros(n), np.zeros(n)
            self.kernels.som.train_epochs(self.W, self.pos, self.X, orders, self.steps, self.horizon(),
                                float(self.config["lr"]), float(self.config["sigma"]),
                                self.decay_kind, self.kind, qe, te)
            for e in range(n):
                self.epoch += 1
                self.steps += self.X.shape[0]   # before _record: it shows the rates from here on
                self._record(qe[e], te[e])
            done += n
        return done

    # --- what a configuration costs (before it is built) ----------------------------------------
    # Calibrated on the 2-core development machine: the fused epoch does about 10⁹ coordinate
    # operations a second (distance, then pull, then both errors per sample and node); stepping
    # runs ~50,000 events a second.
    OPERATIONS_PER_SECOND = 1e9
    EVENT_SECONDS = 1 / 50_000

    @classmethod
    def estimate(cls, config, data, history):
        n, dims = data.X.shape
        nodes = config["rows"] * config["cols"]
        per_sample = 3 * nodes + 2              # a distance, an h and a pull per node; the BMU; the step
        per_epoch = {Level.OP: n * per_sample + 1, Level.LAYER: 3 * n + 1, Level.SAMPLE: n + 1,
                     Level.BATCH: n + 1, Level.EPOCH: 1}
        weights = nodes * dims * FLOAT
        memory = {
            "node weights and grid positions": weights + nodes * 2 * FLOAT,
            "training data": n * (dims + 1) * FLOAT,
            "rewind history": history_bytes(weights, history),
            "one sample's events, stepped op by op": per_sample * EVENT_BYTES,
        }
        seconds = 4 * n * nodes * (dims + 2) / cls.OPERATIONS_PER_SECOND
        work = (Work(f"{n:,} samples, each measured against and pulling {nodes:,} nodes", seconds,
                     "fewer samples, rows or cols"),)
        return Estimate.of(memory, per_epoch, work, cls.EVENT_SECONDS)

    def epoch_progress(self):
        return self.index, self.X.shape[0]   # online: one update per sample

    def evaluate(self):
        qe, te = self._errors()
        return {"quantization_error": float(qe), "topographic_error": float(te)}

    def _errors(self) -> tuple[float, float]:
        """The kernels' errors() a slice of samples at a time, a stop looked at between two
        (models/chunked), the sums carried from slice to slice: the same additions in the same order
        as one call. A backend without error_sums (the GPU's, the NumPy references) makes its one call."""
        sums = getattr(self.kernels.som, "error_sums", None)
        if sums is None:
            return self.kernels.som.errors(self.X, self.W, self.pos)
        total = [0.0, 0]

        def rows(lo, hi):
            total[:] = sums(self.X[lo:hi], self.W, self.pos, total[0], total[1])
        chunked.by_rows(self, len(self.X), rows)
        n = max(len(self.X), 1)
        return total[0] / n, total[1] / n

    # --- the public steps (MiniSom's winner and update) -------------------------------------------
    def predict(self, X):
        """The BMU of each row of X (a node number, row-major): `winner` of many samples."""
        return self.kernels.som.bmus(self.check_inputs(X), self.W)

    def winner(self, x):
        """The best-matching unit of one sample x (D,): its node number, row-major (the grid place is
        divmod(node, cols)); of each row of X (S, D): an (S,) array. The training's own search: the
        nearest node, ties to the lower number. Nothing changes."""
        X, one = self._samples(x)
        found = self.kernels.som.bmus(X, self.W)
        return int(found[0]) if one else found

    def update(self, x, bmu: int | None = None, lr: float | None = None, sigma: float | None = None) -> np.ndarray:
        """The weights (rows, cols, D) after one update for the sample x (D,): every node pulled
        towards x by lr·h, h around node `bmu` (default: winner(x)); lr and σ default to those of the
        next training sample. The bits a training step writes for the same sample and rates.

        Pure: the model's weights do not change (a change outside the event stream would be lost
        to stepping back). To apply it, write it through the simulation, which records it so that
        back and forward replay it exactly: `sim["weights"] = sim.model.update(x)`. It is an edit,
        not a training step: the sample count that drives the decay of lr and σ stays."""
        X, one = self._samples(x, "x")
        if not one:
            raise UserError(f"update takes one sample (shape ({self.X.shape[1]},)), got shape {X.shape}; "
                            "for many, call it once per sample")
        next_lr, next_sigma = self.rates()
        b = self.winner(X[0]) if bmu is None else _node(bmu, self.W.shape[0])
        lr = next_lr if lr is None else _rate(lr, "lr", 1.0)
        sigma = next_sigma if sigma is None else _rate(sigma, "sigma", math.inf)
        W = self.W.copy()
        self.kernels.som.pull_all(X[0], W, self.pos, b, lr, sigma, self.kind)
        return W.reshape(self.rows, self.cols, -1)

    def _samples(self, x, what: str = "inputs") -> tuple[np.ndarray, bool]:
        """(x as rows (S, D), whether it was one sample (D,)), or a UserError in one line."""
        try:
            one = np.ndim(x) == 1
        except (TypeError, ValueError):
            one = False   # ragged: check_inputs says so
        width = self.X.shape[1]
        if one and np.shape(x)[0] != width:
            raise UserError(f"{what}: a sample has {width} numbers, got {np.shape(x)[0]}")
        return self.check_inputs([x] if one else x, what), one


def _node(bmu, nodes: int) -> int:
    if isinstance(bmu, (bool, np.bool_)) or not isinstance(bmu, (int, np.integer)) or not 0 <= bmu < nodes:
        raise UserError(f"bmu must be a node number from 0 to {nodes - 1}, got {bmu!r}")
    return int(bmu)


def _rate(value, name: str, high: float) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not (0 < value <= high and math.isfinite(value)):
        limit = f"at most {high:g}" if math.isfinite(high) else "finite"
        raise UserError(f"{name} must be a number above 0 and {limit}, got {value!r}")
    return float(value)
