"""The radial basis function network: Gaussian units around centres, and a linear output.

For each sample x: d²_j = ‖x − c_j‖² to every centre, φ_j = exp(−d²_j/2σ_j²), ŷ = b + Σ_j w_j φ_j,
fitted to t by the mean squared error (the sine's value, or a point's class 0 or 1). Each part has
its classic way of being learnt, chosen by two options:

- placement: `kmeans` (the first `kmeans` epochs are k-means passes: each sample assigned to its
  nearest centre, then each centre moved to the mean of its samples), `grid` (fixed, evenly over the
  data's range), or `learned` (centres and widths by gradient descent with the output weights);
- fit: `solve` (one epoch accumulates the normal equations sample by sample, then one op solves
  them: the exact least-squares weights, after which nothing is left to change) or `delta` (the delta
  rule: mini-batches of gradient descent through the shared optimizers, stepped like the MLP).

Every epoch is one stage (k-means, solve or delta), a function of the epoch number alone. k-means and
the solve take the whole set as one batch. Three paths, one arithmetic: `events(OP)` steps through the
scalar kernels that `kernels.rbf`'s batch and epoch kernels inline, to the same bits (the stepped
path and the compiled batches are in rbf_steps.py, the fused epochs here).
"""
import math

import numpy as np

from dlsim.errors import UserError
from dlsim.kernels import optimizers
from dlsim.kernels import rbf as kernel
from dlsim.models import chunked
from dlsim.models import options as opt
from dlsim.models import rbf_data
from dlsim.models.base import NO_CLASS, TIE
from dlsim.models.batched import MiniBatched
from dlsim.models.flat_parameters import FlatParameters
from dlsim.models.rbf_estimate import estimate
from dlsim.models.rbf_formulas import FORMULAS, METRICS
from dlsim.models.rbf_inspect import RBFInspect
from dlsim.models.rbf_steps import RBFSteps


class RBF(RBFSteps, RBFInspect, FlatParameters, MiniBatched):
    name = "rbf"
    summary = "Gaussian units around centres and a linear output: k-means, least squares, the delta rule"
    datasets = ("sine",) + rbf_data.POINT_SETS
    kinds = ("vectors", "points")
    dataset_source = {"sine": rbf_data.SINE}
    default_epochs = 100
    metrics = METRICS
    saved = MiniBatched.saved + ("theta", "grad", "m", "v", "sums", "counts", "A", "r",
                                 "batch_index", "sample", "batch_loss", "epoch_loss")
    learning_rule = "k-means for the centres and least squares (or the delta rule) for the output weights"
    formulas = FORMULAS
    options = (
        opt.choice("dataset", "sine", "training data: a noisy sine to fit, or 2-D points to classify", datasets),
        opt.integer("seed", 0, "seeds the data, the initial centres and weights, and the order"),
        opt.integer("centres", 9, "Gaussian units (placement=grid in 2-D: a square number)", low=1, high=400),
        opt.choice("placement", "kmeans", "centres: k-means passes, a fixed grid, or learned by gradient descent",
                   ("kmeans", "grid", "learned")),
        opt.choice("fit", "solve", "output weights: one least-squares solve, or the delta rule (gradient "
                   "descent); placement=learned takes delta", ("solve", "delta")),
        opt.real("sigma", 0.5, "each unit's starting width σ", low=0.0, low_open=True, high=1e6),
        opt.integer("kmeans", 5, "k-means passes before the output is fitted (placement=kmeans)", low=1, high=10_000),
        opt.real("ridge", 1e-8, "λ added to the normal equations' diagonal (fit=solve)", high=1e6),
        *opt.optimizer_options("sgd", 0.1),
        opt.integer("batch", 0, "samples per delta-rule update: 1 = per sample, 0 = the full training set",
                    low=0, high=10**7),
        opt.integer("samples", 100, "training samples", low=2, high=1_000_000),
        opt.integer("test", 50, "test samples", low=0, high=1_000_000),
        opt.real("noise", 0.1, "noise: on the sine's targets, or on the points", high=5.0),
        opt.backend(),
    )
    warm_up_configs = ({}, {"placement": "learned", "fit": "delta", "optimizer": "adam"})
    warm_up_size = {"centres": 4, "samples": 8, "test": 4}

    def __init__(self, config, data):
        super().__init__(config, data)
        self.ops = self.kernels.scalar(kernel)          # the scalar kernels stepping calls one at a time
        self.optimizers = self.kernels.scalar(optimizers)
        c = config
        if c["placement"] == "learned" and c["fit"] == "solve":
            raise UserError("option 'fit': placement=learned moves the centres by gradient descent; use fit=delta")
        self.X = np.ascontiguousarray(data.X, np.float64)
        n, self.D = self.X.shape
        self.K = K = c["centres"]
        if c["batch"] > n:
            raise UserError(f"option 'batch': {c['batch']} is larger than the {n} training samples; "
                            f"use 1..{n}, or 0 for the full set")
        self.regression = rbf_data.regression(data)
        if not self.regression and data.classes > 2:
            raise UserError(f"the RBF network's one linear output separates two classes; {data.name} has "
                            f"{data.classes} (use data with two)")
        self.T, self.T_test = rbf_data.targets(data, c["noise"], c["seed"])
        self.delta_batch = c["batch"] or n
        self.config["shuffle"] = self.delta_batch < n
        self.learned = c["placement"] == "learned"
        self.hold(self._initial(np.random.default_rng([c["seed"], 1])))
        self.sums, self.counts = np.zeros((K, self.D)), np.zeros(K)     # k-means: each centre's samples
        self.A, self.r = np.zeros((K + 1, K + 1)), np.zeros(K + 1)      # the normal equations
        self.batch_index, self.sample, self.batch_loss, self.epoch_loss = 0, 0, 0.0, 0.0

    def _initial(self, rng):
        """theta: w small and random, b = 0, the centres (random samples, or the grid), σ everywhere."""
        K, D, n = self.K, self.D, self.X.shape[0]
        theta = np.zeros(K + 1 + K * D + K)
        theta[:K] = rng.normal(0.0, 0.1, K)
        if self.config["placement"] == "grid":
            centres = grid(self.X, K)
        else:
            centres = self.X[rng.choice(n, K, replace=K > n)]
        theta[K + 1:K + 1 + K * D] = centres.ravel()
        theta[K + 1 + K * D:] = self.config["sigma"]
        return theta

    # --- parameters ---------------------------------------------------------------------------
    def _named(self, buf):
        K, D = self.K, self.D
        return {"weights": buf[:K], "bias": buf[K:K + 1], "centres": buf[K + 1:K + 1 + K * D].reshape(K, D),
                "sigma": buf[K + 1 + K * D:]}

    @property
    def has_classes(self) -> bool:
        return not self.regression   # the sine: numbers to fit, no accuracy

    @property
    def C(self) -> np.ndarray:
        return self._named(self.theta)["centres"]

    # --- stages -----------------------------------------------------------------------------------
    def stage_of(self, epoch: int) -> int:
        """What epoch `epoch` (from 0) does: a k-means pass, the solve, or delta-rule updates."""
        if self.config["placement"] == "kmeans" and epoch < self.config["kmeans"]:
            return kernel.KMEANS
        return kernel.SOLVE if self.config["fit"] == "solve" else kernel.DELTA

    @property
    def stage(self) -> int:
        return self.stage_of(self.epoch)

    @property
    def batch_size(self) -> int:
        return self.delta_batch if self.stage == kernel.DELTA else self.X.shape[0]

    def converged(self):
        """After the solve there is nothing left to change (another solve gives the same weights)."""
        return self.config["fit"] == "solve" and self.epoch > 0 and self.stage_of(self.epoch - 1) == kernel.SOLVE

    def can_converge(self):
        """Only the solve ends: the delta rule keeps improving (a run of it goes on until paused)."""
        return self.config["fit"] == "solve"

    converged_message = "converged: the least-squares solve has fitted the output weights; nothing is left to change"

    def outcome(self):
        if self.converged():
            return f"converged at epoch {self.epoch:,}: the least-squares solve fitted the output weights"
        return None

    # --- whole-batch maths (API, evaluation, the pictures) ----------------------------------------
    def _forward(self, X, kernels=None):
        """φ (N, K) and ŷ (N,) for inputs already checked."""
        Phi, out = np.zeros((len(X), self.K)), np.zeros(len(X))
        (kernels or self.kernels).rbf.forward(self.theta, self.K, self.D, X, Phi, out)
        return Phi, out

    def forward(self, X):
        """(φ (N, K), ŷ (N,)) for the rows of X: each unit's output and the network's."""
        return self._forward(self.check_inputs(X))

    def outputs(self, X):
        return self.forward(X)[1]

    def gradients(self, X, Y):
        """(loss, {name: ∂L/∂param}) of the mean squared error on (X, targets Y (N,)), every parameter's
        (the centres' and widths' too, whatever the placement); nothing changes."""
        X = self.check_inputs(X)
        T = np.asarray(Y, np.float64)
        if T.ndim != 1 or len(T) != len(X) or not np.all(np.isfinite(T)):
            raise UserError(f"targets must be {len(X)} finite numbers (shape ({len(X)},)), got shape {T.shape}")
        grad = np.zeros_like(self.theta)
        loss = self.kernels.rbf.gradients(self.theta, grad, self.K, self.D, X, np.ascontiguousarray(T))
        return float(loss), self._named(grad)

    def _classification(self, what: str):
        if self.regression:
            raise UserError(f"{what}: the sine is a regression (numbers, not classes); use outputs(X) or forward(X)")

    def predict(self, X):
        """The class of each row of X (1 where ŷ > 0.5, 0 below, NO_CLASS at 0.5); for the sine,
        a regression, the fitted value ŷ itself."""
        out = self.outputs(X)
        return out if self.regression else self._classes(out)

    @staticmethod
    def _classes(yhat):
        """Class 1 above 0.5, 0 below (the linear output fits targets 0 and 1), NO_CLASS within TIE."""
        return np.where(yhat > 0.5 + TIE, 1, np.where(yhat < 0.5 - TIE, 0, NO_CLASS))

    def ties(self, X):
        out = self.outputs(X)
        return np.zeros(len(out), bool) if self.regression else np.abs(out - 0.5) <= TIE

    def scores(self, X):
        """The output clipped to [0, 1]: the linear output read as a score for class 1."""
        self._classification("scores")
        return np.clip(self.outputs(X), 0.0, 1.0)

    def probabilities(self, X):
        """(N, 2): 1 − p, p with p the output clipped to [0, 1] (a least-squares fit of 0 and 1, not a
        calibrated probability)."""
        p = self.scores(X)
        return np.column_stack([1.0 - p, p])

    def evaluate(self):
        d, result = self.data, {}
        for split, X, T, y in (("train", self.X, self.T, d.y), ("test", d.X_test, self.T_test, d.y_test)):
            if len(T):
                X = np.ascontiguousarray(X, np.float64)
                result[f"{split}_loss"] = float(self.kernels.rbf.mean_loss(self.theta, self.K, self.D, X, T))
                if not self.regression:
                    result[f"{split}_acc"] = float(np.mean(self._classes(self._forward(X)[1]) == y))
            else:
                result[f"{split}_loss"] = None
                if not self.regression:
                    result[f"{split}_acc"] = None
        return result

    # --- the fused path ------------------------------------------------------------------------
    def train_fused(self, epochs, every=1):
        return chunked.fused(self, epochs, lambda n: self._train_fused(n, every))

    def _train_fused(self, epochs, every=1):
        """Compiled epochs, each recorded with its loss; the delta rule's `every` epochs per call,
        evaluated after each call (as the MLP's), k-means' and the solve's one per call. Stops after
        an epoch whose loss is not finite, and after the solve (nothing is left to change)."""
        assert self.batch_index == 0 and self.sample == 0, "train_fused starts at an epoch boundary"
        done = 0
        while done < epochs and not chunked.requested.is_set() and not self.converged():
            n = min(epochs - done, 1000)
            stages = np.array([self.stage_of(self.epoch + e) for e in range(n)], np.int64)
            if np.any(stages == kernel.SOLVE):   # up to the solve: nothing changes after it
                n = int(np.argmax(stages == kernel.SOLVE)) + 1
                stages = stages[:n]
            orders, e = self.orders(self.epoch, n), 0
            while e < n:
                # a call: one k-means or solve epoch, or up to `every` delta-rule epochs in a row
                g = 1
                while stages[e] == kernel.DELTA and g < every and e + g < n and stages[e + g] == kernel.DELTA:
                    g += 1
                losses = np.zeros(g)
                ran, self.steps = self.kernels.rbf.train_epochs(
                    self.theta, self.grad, self.m, self.v, self.steps, self.K, self.D, self.learned, stages[e:e + g],
                    self.delta_batch, *self.optimizer_settings(), float(self.config["ridge"]), self.X, self.T,
                    orders[e:e + g], self.sums, self.counts, self.A, self.r, losses)
                for loss in losses[:ran]:
                    self.epoch += 1
                    if stages[e] == kernel.KMEANS:
                        self._record_kmeans(loss)
                    else:
                        self.record({"loss": float(loss)})
                if stages[e] != kernel.KMEANS:
                    self.history[-1].update(self.evaluate())
                done, e = done + ran, e + ran
                if ran < g or not math.isfinite(losses[ran - 1]) or chunked.requested.is_set():
                    return done
        return done

    @classmethod
    def estimate(cls, config, data, history):
        return estimate(config, data, history)


def grid(X: np.ndarray, K: int) -> np.ndarray:
    """(K, D) centres evenly over the data's range: a line in 1-D, a square grid in 2-D."""
    low, high = X.min(axis=0), X.max(axis=0)
    D = X.shape[1]
    side = round(K ** (1.0 / D))
    if side ** D != K:
        raise UserError(f"option 'centres': placement=grid in {D}-D takes a square number of centres "
                        f"(4, 9, 16, 25, …), got {K}")
    axes = [np.linspace(low[d], high[d], side) if side > 1 else np.array([(low[d] + high[d]) / 2]) for d in range(D)]
    return np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(K, D)
