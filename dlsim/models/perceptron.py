"""Rosenblatt's perceptron: z = w·x + b, ŷ = step(z), error = y − ŷ, w ← w + lr·error·x.

One sample at a time; an epoch with no error means it has converged (the rule changes nothing after
that). On XOR it never gets there: no line separates the classes.
"""
import numpy as np

from dlsim.errors import UserError
from dlsim.kernels import perceptron as kernel
from dlsim.models import options as opt
from dlsim.models.perceptron_formulas import FORMULAS, METRICS, Op
from dlsim.models import chunked
from dlsim.models.base import Model
from dlsim.models.perceptron_inspect import PerceptronInspect
from dlsim.models.estimate import EVENT_BYTES, FLOAT, Estimate, history_bytes
from dlsim.protocol.events import EVALUATE, FORWARD, LOSS, UPDATE, Event, Level

ORDER_BLOCK = 1 << 20   # sample indices drawn at once by train_fused (8 MiB)


class Perceptron(PerceptronInspect, Model):
    name = "perceptron"
    summary = "one neuron, a weighted sum and a threshold: the rule that started it all"
    datasets = ("and", "or", "xor", "blobs")
    kinds = ("table", "points")   # the dataset kinds it takes
    dataset_source = {"xor": "xor4", "blobs": "gaussian"}  # XOR's truth table; two Gaussian blobs
    default_epochs = 100    # a headless run's length when none is given
    metrics = METRICS
    saved = Model.saved + ("theta", "index", "errors")
    learning_rule = "the perceptron rule"
    formulas = FORMULAS
    options = (
        opt.choice("dataset", "and", "training data", datasets),
        opt.integer("seed", 0, "seeds the data and the initial weights"),
        opt.real("lr", 0.5, "learning rate: how far one error moves the weights (0.5 keeps the "
                 "arithmetic exact in binary)", low=0.0,
                 low_open=True, high=100.0, live=True),
        opt.choice("init", "zeros", "initial weights", ("zeros", "random")),
        opt.integer("samples", 40, "training points (blobs only)", low=2, high=100_000),
        opt.integer("test", 20, "test points (blobs only)", low=0, high=100_000),
        opt.real("noise", 0.0, "extra spread of the points (blobs only)", high=5.0),
        opt.choice("shuffle", "no", "shuffle the order every epoch", ("no", "yes")),
        opt.backend(),
    )

    def __init__(self, config, data):
        super().__init__(config, data)
        self.ops = self.kernels.scalar(kernel)   # the rule's scalar kernels, one call per op
        self.config["shuffle"] = config.get("shuffle") == "yes"
        rng = np.random.default_rng([config["seed"], 1])
        n_in = data.X.shape[1]
        self.theta = np.zeros(n_in + 1) if config["init"] == "zeros" else rng.uniform(-0.5, 0.5, n_in + 1)
        self.index = 0           # position in this epoch's order
        self.errors = 0          # mistakes so far this epoch
        self.X, self.y = data.X.astype(np.float64), data.y.astype(np.float64)

    @property
    def params(self):
        return {"w": self.theta[:-1], "b": self.theta[-1:]}

    def epoch_done(self):
        return self.index == self.X.shape[0]

    def unit(self, detail):
        return self._sample(self.order(self.epoch)[self.index])

    def advance(self, event):
        self.index += 1   # one sample, one application of the rule

    def _sample(self, s):
        """One sample: weighted sum, threshold, error, then the rule applied to each weight."""
        x, y = self.X[s], self.y[s]
        z = self.ops.weighted_sum(x, self.theta[:-1], self.theta[-1])
        yield Event(Op.WEIGHTED_SUM, FORWARD, "perceptron.neuron",
                    {"inputs": tuple(x), "weights": tuple(self.theta[:-1]), "bias": self.theta[-1],
                     "z": z, "sample": int(s)})
        y_hat = self.ops.threshold(z)
        yield Event(Op.THRESHOLD, FORWARD, "perceptron.neuron", {"z": z, "output": y_hat},
                    closes=Level.LAYER)
        error = y - y_hat
        self.errors += error != 0.0
        yield Event(Op.ERROR, LOSS, f"perceptron.sample[{s}]", {"target": y, "output": y_hat, "error": error},
                    closes=Level.LAYER)
        names = [f"w[{i}]" for i in range(len(x))] + ["b"]
        for i, name in enumerate(names):
            old, xi = self.theta[i], (x[i] if i < len(x) else 1.0)
            self.theta[i] = old + self.config["lr"] * error * xi
            yield Event(Op.UPDATE, UPDATE, f"perceptron.{name}",
                        {"old": old, "lr": self.config["lr"], "error": error, "input": xi, "new": self.theta[i]},
                        closes=Level.LAYER if i == len(names) - 1 else Level.OP)
        self.steps += 1  # one application of the rule per sample, whether or not it changed anything
        yield Event(Op.SAMPLE, UPDATE, f"perceptron.sample[{s}]",
                    {"sample": int(s), "error": error, "w": self.theta[:-1].copy(), "b": float(self.theta[-1])},
                    level=Level.SAMPLE, closes=Level.BATCH)

    def end_epoch(self):
        errors, self.errors, self.index = int(self.errors), 0, 0
        self.epoch += 1
        self.record({**self.evaluate(), "errors": errors})
        return Event(Op.EPOCH, EVALUATE, "perceptron", {**self.history[-1], "converged": errors == 0},
                     level=Level.EPOCH, closes=Level.EPOCH)

    def converged(self):
        return bool(self.history) and self.history[-1]["errors"] == 0

    def train_fused(self, epochs, every=1):
        """Many epochs a compiled call, each still scored (its accuracies recorded) as the stepwise
        path scores it, whatever `every` asks: an epoch of the rule is cheap, and a run of them one
        Python call each held the interpreter against the app's screen. The epochs' sample orders
        are drawn a block at a time (ORDER_BLOCK numbers at most)."""
        done = 0
        while done < epochs:
            block = min(epochs - done, max(1, ORDER_BLOCK // self.X.shape[0]))
            ran = self._scored_epochs(block)
            done += ran
            if ran < block:   # converged: the rule changes nothing any more
                break
        return done

    def _scored_epochs(self, epochs):
        errors, right = np.zeros(epochs, np.int64), np.zeros((epochs, 2), np.int64)
        X_test, y_test = self.data.X_test.astype(np.float64), self.data.y_test.astype(np.float64)
        ran, b = self.kernels.perceptron.train_epochs_scored(
            self.theta[:-1], float(self.theta[-1]), self.X, self.y, float(self.config["lr"]),
            self.orders(self.epoch, epochs), errors, X_test, y_test, right)
        self.theta[-1] = b
        # the entries record() would make, built together: a Python call an epoch, at 300,000 epochs
        # a second, held the interpreter the app's screen needs (the shares are the same divisions)
        first = self.epoch + 1
        self.epoch += ran
        self.steps += ran * self.X.shape[0]
        self.record_many([{"epoch": first + e, "train_acc": train, "test_acc": test, "errors": wrong}
                          for e, (train, test, wrong) in enumerate(zip(
                              self._shares(right[:ran, 0], self.y), self._shares(right[:ran, 1], y_test),
                              errors[:ran].tolist()))])
        return ran

    @staticmethod
    def _shares(right, y) -> list:
        """Accuracies from their counts of rows right, as evaluate's mean gives them (None: no rows)."""
        return (right / len(y)).tolist() if len(y) else [None] * len(right)

    def weighted_sums(self, X):
        """z = w·x + b for each row of X (already checked), summed in the rule's kernel's order (b,
        then each w_i·x_i in turn), so a point on the line gets the same threshold as in training."""
        z = np.full(len(X), self.theta[-1])
        for i in range(X.shape[1]):
            z += self.theta[i] * X[:, i]
        return z

    def predict(self, X):
        return self._classes(self.check_inputs(X))

    def _classes(self, X):
        return (self.weighted_sums(X) >= 0.0).astype(np.int64)

    def scores(self, X):
        """1.0 where the neuron fires, 0.0 where it does not: a threshold has no shades between."""
        return self.predict(X).astype(np.float64)

    def ties(self, X):
        return np.zeros(len(self.check_inputs(X)), bool)   # the threshold settles every point: z = 0 fires

    def probabilities(self, X):
        raise UserError("the perceptron gives no class probabilities: its output is a threshold, 0 or 1 "
                        "(predict(X) gives the class)")

    def evaluate(self):
        def acc(X, y):
            # by slices of rows, a stop looked at between two (models/chunked)
            return float(np.mean(chunked.stacked(self, X, self._classes) == y)) if len(y) else None
        return {"train_acc": acc(self.data.X, self.data.y), "test_acc": acc(self.data.X_test, self.data.y_test)}

    # --- how training ended ---------------------------------------------------------------------
    def separable(self) -> bool:
        """Whether some line puts every class-1 point on its side and every class-0 point strictly
        on the other: the perceptron convergence theorem says the rule then gets there. Decided as
        a feasibility LP: find (w, b) with (2y − 1)(w·x + b) ≥ 1 for every training point."""
        from scipy.optimize import linprog   # here, not at the top: importing it takes 0.3 s of every start
        X, sign = self.X, 2.0 * self.y - 1.0                    # (N, F), (N,) in {−1, +1}
        rows = -sign[:, None] * np.hstack([X, np.ones((len(X), 1))])   # −s(w·x + b) ≤ −1
        found = linprog(np.zeros(X.shape[1] + 1), A_ub=rows, b_ub=-np.ones(len(X)),
                        bounds=[(None, None)] * (X.shape[1] + 1), method="highs")
        return found.status == 0

    converged_message = "converged: a whole epoch without an error, so the rule changes nothing more"

    def not_converging(self, epochs):
        errors = self.history[-1]["errors"] if self.history else None
        still = f"still {errors:,} errors an epoch" if errors is not None else "no epoch finished"
        return (f"stopped: {epochs:,} epochs without converging ({still}). It converges only when a "
                "straight line separates the classes; space runs on, d changes the data")

    def outcome(self):
        epochs = self.epoch
        if self.converged():
            return f"converged after {epochs:,} epoch{'s' * (epochs != 1)}: an epoch with no error"
        if not self.history:
            return None
        errors = self.history[-1]["errors"]
        still = (f"did not converge after {epochs:,} epoch{'s' * (epochs != 1)} "
                 f"(still {errors:,} error{'s' * (errors != 1)} per epoch)")
        if self.separable():
            return f"{still}; a straight line does separate these classes: give it more epochs"
        return f"{still}: no straight line separates these classes"

    def flat_params(self):
        return self.theta   # every parameter already lives in this one buffer

    def epoch_progress(self):
        return self.index, self.X.shape[0]

    # --- what a configuration costs (before it is built) ----------------------------------------
    # Calibrated on the 2-core development machine: stepping runs ~12,000 events a second (a
    # snapshot at every sample); a compiled epoch costs a call and a few ns per point.
    EVENT_SECONDS = 1 / 12_000

    @classmethod
    def estimate(cls, config, data, history):
        n, n_test, features = data.X.shape[0], data.X_test.shape[0], data.X.shape[1]
        per_sample = features + 5       # weighted sum, threshold, error, an update per weight, sample
        per_epoch = {Level.OP: n * per_sample + 1, Level.LAYER: 4 * n + 1, Level.SAMPLE: n + 1,
                     Level.BATCH: n + 1, Level.EPOCH: 1}
        snapshot = 4 * (features + 1) * FLOAT + 1024
        memory = {"parameters": (features + 1) * FLOAT,
                  "training data": 2 * (n + n_test) * (features + 1) * FLOAT,
                  "rewind history": history_bytes(snapshot, history),
                  "one sample's events, stepped op by op": per_sample * EVENT_BYTES}
        seconds = 3e-5 + (n + n_test) * features * 1e-8
        return Estimate(memory, per_epoch, seconds, cls.EVENT_SECONDS)
