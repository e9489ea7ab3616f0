"""The restricted Boltzmann machine: binary visible units (the pixels), binary hidden units, and one
weight between every visible and every hidden unit (none within a layer: given one layer, the other's
units are independent, so a whole layer is drawn at once).

It learns by contrastive divergence: the positive phase drives the hidden units from the data and
takes the statistics v₀·p(h₀)ᵀ; the negative phase runs a Gibbs chain k steps (v₁, h₁, …, v_k; a
persistent chain, with method=pcd, carries on from where the last update left it) and takes the
model's statistics v_k·p(h_k)ᵀ; the update moves W by lr·(positive − negative)/batch (the biases
likewise). There is no loss to differentiate and no backward pass. Every Bernoulli draw is an op
with its uniform number from a stream keyed by (seed, epoch, row), so stepping back and forward again
draws the same chain. Three paths, one arithmetic: `events(OP)` (rbm_steps), one compiled call per
batch, and `train_fused` whole epochs (dlsim.kernels.rbm).
"""
import math

import numpy as np

from dlsim.errors import UserError
from dlsim.kernels import optimizers
from dlsim.kernels import rbm as kernel
from dlsim.models import chunked
from dlsim.models import options as opt
from dlsim.models import rbm_data
from dlsim.models.batched import EPOCH, MiniBatched
from dlsim.models.flat_parameters import FlatParameters
from dlsim.models.per_weights import kept
from dlsim.models.rbm_estimate import LL_WORK, estimate
from dlsim.models.rbm_formulas import FORMULAS, METRICS
from dlsim.models.rbm_inspect import RBMInspect
from dlsim.models.rbm_steps import RBMSteps
from dlsim.protocol.events import EVALUATE, Event, Level



class RBM(RBMSteps, RBMInspect, FlatParameters, MiniBatched):
    name = "rbm"
    highlightable = frozenset({"completion_error"})   # the pictures turned to the completion
    summary = "binary units and contrastive divergence: a positive and a negative phase, no backward pass"
    datasets = ("bars", "bars2", "digits")
    dataset_source = {"bars": rbm_data.BARS, "bars2": rbm_data.SMALL_BARS, "digits": rbm_data.DIGITS}
    kinds = ("vectors",)
    default_epochs = 200
    metrics = METRICS
    saved = MiniBatched.saved + ("theta", "grad", "m", "v", "pos", "neg", "chains", "ends", "counted", "batch_index",
                                 "sample", "batch_loss", "epoch_loss")
    learning_rule = "contrastive divergence (the data's statistics minus the model's)"
    formulas = FORMULAS
    options = (
        opt.choice("dataset", "bars", "binary images: bars-and-stripes (4×4, 30 patterns; bars2: 2×2, 6), or "
                   "the 8×8 digits binarised", datasets),
        opt.integer("seed", 0, "seeds the data, the initial weights, the order and every Bernoulli draw"),
        opt.integer("hidden", 16, "hidden units (the exact log-likelihood sums over the states of the smaller layer: 20 units at most)",
                    low=1, high=4096),
        opt.integer("k", 1, "Gibbs steps of the negative phase (CD-k)", low=1, high=1000, live=True),
        opt.choice("method", "cd", "cd: each chain starts at the data; pcd: persistent chains carry on from the "
                   "last update", ("cd", "pcd")),
        opt.integer("gibbs", 20, "Gibbs steps the pictures run (samples from the model, pattern completion)",
                    low=1, high=10_000, live=True),
        *opt.optimizer_options("sgd", 0.1),
        opt.integer("batch", 10, "samples per update (0: the full training set)", low=0, high=10**7),
        opt.integer("samples", 30, "training images (bars-and-stripes has 30 distinct ones; the digits 1,797)",
                    low=2, high=1_000_000),
        opt.integer("test", 0, "held-out images (the free energy's and log-likelihood's test side)",
                    low=0, high=1_000_000),
        opt.real("noise", 0.0, "the probability that each pixel is flipped", high=0.5),
        opt.backend(),
    )
    warm_up_configs = ({}, {"method": "pcd", "k": 2, "optimizer": "adam"}, {"optimizer": "momentum"})
    warm_up_size = {"hidden": 3, "samples": 8, "test": 4, "batch": 4}

    def __init__(self, config, data):
        super().__init__(config, data)
        self.ops = self.kernels.scalar(kernel)
        self.optimizers = self.kernels.scalar(optimizers)
        self.X = np.ascontiguousarray(data.X.reshape(len(data.X), -1), np.float64)   # (N, V)
        n, self.V = self.X.shape
        self.H = config["hidden"]
        if config["batch"] > n:
            raise UserError(f"option 'batch': {config['batch']} is larger than the {n} training samples; "
                            f"use 1..{n}, or 0 for the full set")
        if not np.all((self.X == 0.0) | (self.X == 1.0)):
            raise UserError(f"the RBM's visible units are binary; {data.name} has values other than 0 and 1")
        self.batch_size = config["batch"] or n
        self.config["shuffle"] = self.batch_size < n
        self.persistent = config["method"] == "pcd"
        self.side = rbm_data.SIDE.get(data.name, 0)   # the images' side (0: not square images)
        rng = np.random.default_rng([config["seed"], 1])
        theta = np.zeros(self.V * self.H + self.V + self.H)
        theta[:self.V * self.H] = rng.normal(0.0, 0.01, self.V * self.H)   # Hinton's guide: N(0, 0.01²), biases 0
        self.hold(theta)
        self.pos, self.neg = np.zeros_like(theta), np.zeros_like(theta)   # the batch's statistics
        self.counted = 0   # the samples whose statistics they hold
        # the persistent chains, one per place in a batch, from the first rows of the data (unused by CD)
        self.chains = np.ascontiguousarray(self.X[np.arange(self.batch_size) % n])
        self.ends = self.chains.copy()   # where each chain's negative phase left it, until the update
        self.batch_index, self.sample, self.batch_loss, self.epoch_loss = 0, 0, 0.0, 0.0

    @property
    def k(self) -> int:
        return int(self.config["k"])

    def _named(self, buf):
        V, H = self.V, self.H
        return {"W": buf[:V * H].reshape(V, H), "a": buf[V * H:V * H + V], "b": buf[V * H + V:]}

    # --- whole-set maths: the API, evaluation, the pictures (rbm_inspect) -----------------------------
    def _binary(self, X, what="inputs"):
        X = self.check_inputs(X, what)
        X = X.reshape(len(X), self.V)   # (0, V) too: no rows is an answer of no rows
        if not np.all((X == 0.0) | (X == 1.0)):
            raise UserError(f"{what} must be binary (0 or 1 in every place)")
        return np.ascontiguousarray(X)

    def hidden_probabilities(self, X, kernels=None):
        """p(h = 1 | v) (N, H) for each binary row of X."""
        return self._hidden(self._binary(X), kernels or self.kernels)

    def reconstruct(self, X, kernels=None):
        """The mean-field reconstruction p(v = 1 | p(h | v)) (N, V) of each binary row of X."""
        return self._reconstructed(self._binary(X), kernels or self.kernels)

    def _hidden(self, X, kernels):
        out = np.zeros((len(X), self.H))
        kernels.rbm.hidden_probs(self.theta, self.V, self.H, X, out)
        return out

    def _reconstructed(self, X, kernels):
        ph = self._hidden(X, kernels)
        out = np.zeros((len(ph), self.V))
        kernels.rbm.visible_probs(self.theta, self.V, self.H, ph, out)
        return out

    def predict(self, X):
        """The class a hidden code carries: that of the training image whose p(h|v) is nearest to each
        row's (ties to the lower row). Labels never train an RBM; this reads what its hidden units kept."""
        codes = self.hidden_probabilities(X)
        train = kept(self, "_train_codes_kept", self.kernels.name, lambda: self.hidden_probabilities(self.X))
        d = ((codes[:, None, :] - train[None, :, :]) ** 2).sum(axis=2)   # (M, N)
        return self.data.y[d.argmin(axis=1)]

    def free_energy(self, X, kernels=None):
        """F(v) = −a·v − Σ_j log(1 + e^(b_j + (vW)_j)) (N,) for each binary row of X: p(v) ∝ e^−F(v)."""
        return self._free(self._binary(X), kernels or self.kernels)

    def _free(self, X, kernels):
        out = np.zeros(len(X))
        kernels.rbm.free_energy(self.theta, self.V, self.H, X, out)
        return out

    def enumerable(self) -> bool:
        return min(self.V, self.H) <= kernel.ENUMERABLE

    def log_partition(self, kernels=None) -> float:
        """log Z, summed exactly over the 2^units states of the smaller side (20 units at most)."""
        if not self.enumerable():
            raise UserError(f"the exact log-likelihood enumerates the smaller layer's states; with {self.V} visible "
                            f"and {self.H} hidden units both exceed {kernel.ENUMERABLE}")
        return float((kernels or self.kernels).rbm.log_partition(self.theta, self.V, self.H))

    def log_likelihood(self, X, kernels=None):
        """log p(v) = −F(v) − log Z (N,) for each binary row of X, exactly (see log_partition)."""
        return -self.free_energy(X, kernels) - self.log_partition(kernels)

    def unmeasured(self) -> dict[str, str]:
        why = super().unmeasured()
        if not self._ll_cheap():   # the exact sum over 2^units states would cost more than the epoch
            why.update({key: why.get(key, "(too costly to sum)") for key in ("train_nll", "test_nll")})
        return why

    def _ll_cheap(self) -> bool:
        small, large = sorted((self.V, self.H))
        return self.enumerable() and (2 ** small) * small * large <= LL_WORK

    def evaluate(self):
        """Mean-field reconstruction error, mean free energy and (where cheap enough) the exact mean
        negative log-likelihood, on the training and the held-out images; the free energies' gap."""
        log_z = self.log_partition() if self._ll_cheap() else None
        result = {}
        for split, X in (("train", self.X), ("test", self._test_rows())):
            if not len(X):
                result.update({f"{split}_recon": None, f"{split}_free_energy": None, f"{split}_nll": None})
                continue
            F = chunked.stacked(self, X, lambda x: self._free(x, self.kernels))
            R = chunked.stacked(self, X, lambda x: self._reconstructed(x, self.kernels))
            result[f"{split}_recon"] = float(np.mean((R - X) ** 2))
            result[f"{split}_free_energy"] = float(np.mean(F))
            result[f"{split}_nll"] = None if log_z is None else float(log_z - np.mean(-F))
        test_f = result["test_free_energy"]
        result["test_free_energy_gap"] = None if test_f is None else test_f - result["train_free_energy"]
        return result

    def _test_rows(self) -> np.ndarray:
        """The held-out images as checked rows, checked once (not at each epoch's evaluation: a
        quarter of its time on the small sets an RBM learns)."""
        held = self.data.X_test
        if getattr(self, "_checked_test", (None,))[0] is not held:
            self._checked_test = (held, self._binary(held.reshape(len(held), self.V), "the test images"))
        return self._checked_test[1]

    # --- an epoch's end, and the fused path ---------------------------------------------------------
    def end_epoch(self):
        """Close the epoch; its loss is the mean-field reconstruction error of the training images
        (smooth, where the sampled one the chains gave — kept as sampled_recon — is noisy)."""
        sampled = self.epoch_loss / self.X.shape[0]
        self.epoch += 1
        self.batch_index, self.epoch_loss = 0, 0.0
        self._record(sampled)
        return Event(EPOCH, EVALUATE, self.name, self.history[-1], level=Level.EPOCH, closes=Level.EPOCH)

    def _record(self, sampled: float) -> None:
        result = self.evaluate()
        self.record({"loss": result["train_recon"], "sampled_recon": float(sampled), **result})

    def train_fused(self, epochs, every=1):
        return chunked.fused(self, epochs, lambda n: self._train_fused(n, every))

    def _train_fused(self, epochs, every=1):
        """`every` epochs per compiled call, measured (see evaluate) after each call, as the MLP's:
        the measures, not the epochs, are what an RBM's epoch mostly costs on the small sets it
        learns. Each epoch keeps its sampled error; the last of a call gets the measures too."""
        assert self.batch_index == 0 and self.sample == 0, "train_fused starts at an epoch boundary"
        done = 0
        while done < epochs and not chunked.requested.is_set():
            n = min(every, epochs - done)
            losses = np.zeros(n)
            ran, self.steps = self.kernels.rbm.train_epochs(
                self.theta, self.grad, self.m, self.v, self.pos, self.neg, self.steps, self.V, self.H, self.k,
                self.persistent, *self.optimizer_settings(), self.X, self.orders(self.epoch, n), self.batch_size,
                self.chains, self.ends, self.config["seed"], self.epoch, losses)
            for e in range(ran - 1):
                self.epoch += 1
                self.record({"sampled_recon": float(losses[e])})
            self.epoch += 1
            self.counted = len(self.X) - (self.n_batches() - 1) * self.batch_size   # the last batch's
            self._record(float(losses[ran - 1]))
            done += ran
            if ran < n or not math.isfinite(losses[ran - 1]):
                break
        return done

    @classmethod
    def estimate(cls, config, data, history):
        return estimate(config, data, history)
