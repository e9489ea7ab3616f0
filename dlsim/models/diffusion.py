"""A denoising diffusion model (DDPM) on 2-D point sets: noise is added to the data in T small steps
until nothing of it is left, and a small MLP ε̂(x_t, t) learns to tell, from a noised point and its
step, the noise that was added; run backwards from pure noise, it generates new points.

Training a point: t and ε are drawn (recorded ops), x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·ε in closed form, the
denoiser gets [x_t, sinusoidal features of t], and its MSE against ε trains it (any optimizer).
Sampling: x_T ~ N(0, I), then at each step x̂₀ from ε̂, the posterior mean and (DDPM) the noise the
step adds, or (DDIM) the deterministic jump; fewer steps than T with either. Three paths, one
arithmetic: `events(OP)` (diffusion_steps) one draw, one coordinate, one neuron and one weight at a
time; `events(BATCH)` a batch per compiled call; `train_fused` whole epochs (dlsim.kernels.diffusion).
What its pictures show is in diffusion_inspect.py; what it costs in diffusion_estimate.py.
"""
import math
from functools import lru_cache

import numpy as np

from dlsim.errors import UserError
from dlsim.kernels import activations as act
from dlsim.kernels import dense, losses, optimizers, seeded
from dlsim.kernels import diffusion as diffusion_kernels
from dlsim.kernels.diffusion import SALT, SAMPLERS
from dlsim.models import chunked, diffusion_estimate
from dlsim.models import diffusion_schedule as schedule
from dlsim.models import options as opt
from dlsim.models.ae import AE
from dlsim.models.batched import MiniBatched
from dlsim.models.diffusion_formulas import FORMULAS, METRICS
from dlsim.models.diffusion_inspect import DiffusionInspect
from dlsim.models.diffusion_steps import sample_events, update_events
from dlsim.models.flat_parameters import FlatParameters
from dlsim.models import gan_data  # noqa: F401 (registers the point sets: the ring…)
from dlsim.models.point_distance import binned_distance

X_T_SALT, Z_SALT = 3, 4   # the evaluation's fixed starting noise and per-step noise (seeds with the seed)


@lru_cache(maxsize=2)
def draws(seed: int, epoch: int, T: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """An epoch's draws by row of data, a function of its arguments alone (replays agree): the step
    t (N,) in 1 … T of each point and its noise ε (N, 2)."""
    rng = np.random.default_rng([seed, epoch, SALT])
    t = 1 + rng.integers(0, T, n)
    return t, rng.normal(0.0, 1.0, (n, 2))


class Diffusion(DiffusionInspect, FlatParameters, MiniBatched):
    name = "diffusion"
    highlightable = frozenset({"alpha_bar", "loss_per_t"})   # the plane and the schedule at that t
    summary = "noise the data step by step, learn to predict the noise, then generate by undoing it"
    datasets = ("ring", "moons", "spiral", "gaussian", "line", "grid")
    dataset_source = {"ring": "ring8", "gaussian": "gaussian1", "grid": "grid25"}
    kinds = ("points",)
    default_epochs = 300
    metrics = METRICS
    learning_rule = "predicting the noise added to each point (MSE on ε)"
    formulas = FORMULAS
    saved = MiniBatched.saved + ("theta", "grad", "m", "v", "batch_index", "sample", "batch_loss", "epoch_loss")
    options = (
        opt.choice("dataset", "ring", "the points to learn: a ring of 8 Gaussians, two moons, a spiral, one "
                   "Gaussian, a line segment, a 5×5 grid of Gaussians", datasets),
        opt.integer("seed", 0, "seeds the data, the initial weights, the shuffling and every t and ε drawn"),
        opt.integer("samples", 512, "training points", low=2, high=1_000_000),
        opt.real("noise", 0.0, "extra spread added to the data itself", high=5.0),
        opt.integer("T", 50, "diffusion steps: noise is added in T steps, and undone in as many", low=10, high=200),
        opt.choice("schedule", "linear", "how much noise each step adds: β rising linearly, or cosine "
                   "(ᾱ_t follows a cosine: gentler at both ends)", schedule.SCHEDULES),
        opt.integer("embed", 3, "time features: sin and cos of t at this many frequencies", low=1, high=8),
        opt.sizes("hidden", (32, 32), "the denoiser's hidden layer sizes", high=512),
        opt.choice("activation", "relu", "the denoiser's hidden activation", act.HIDDEN),
        *opt.optimizer_options("adam", 0.005),
        opt.integer("batch", 64, "points per update: 1 = per point, 0 = all of them", low=0, high=10**7),
        opt.choice("sampler", "ddpm", "how points are generated: ddpm (the posterior mean plus fresh noise "
                   "at each step) or ddim (deterministic)", tuple(SAMPLERS), live=True),
        opt.integer("sample_steps", 0, "steps the sampler takes from T down to 0 (0: all T)", low=0, high=200,
                    live=True),
        opt.integer("generated", 256, "points generated to measure the distance to the data", low=1, high=100_000),
        opt.backend(),
    )
    warm_up_configs = ({}, {"sampler": "ddim", "optimizer": "sgd", "activation": "tanh"},
                       {"optimizer": "momentum"})
    warm_up_size = {"hidden": (3,), "samples": 8, "batch": 4, "generated": 4, "T": 10}

    def __init__(self, config, data):
        super().__init__(config, data)
        self.act, self.losses, self.optimizers, self.dense, self.ops = (
            self.kernels.scalar(module) for module in (act, losses, optimizers, dense, diffusion_kernels))
        self.X = np.ascontiguousarray(data.X, np.float64)   # (N, 2)
        n = len(self.X)
        if config["batch"] > n:
            raise UserError(f"option 'batch': {config['batch']} is larger than the {n} training points; "
                            f"use 1..{n}, or 0 for all of them")
        if config["sample_steps"] > config["T"]:
            raise UserError(f"option 'sample_steps': {config['sample_steps']} is more than T = {config['T']}; "
                            f"use 1..{config['T']}, or 0 for all")
        self.batch_size = config["batch"] or n
        self.config["shuffle"] = self.batch_size < n
        self.T = int(config["T"])
        self.beta = schedule.betas(config["schedule"], self.T)   # (T + 1,)
        self.alpha_bar = schedule.alpha_bars(self.beta)           # (T + 1,)
        self.sqrt_ab, self.sqrt_1mab = np.sqrt(self.alpha_bar), np.sqrt(1.0 - self.alpha_bar)
        self.loss_kind = losses.MSE
        hidden = tuple(config["hidden"])
        self.sizes = np.array((2 + 2 * config["embed"], *hidden, 2), np.int64)
        self.acts = np.array([act.CODES[config["activation"]]] * len(hidden) + [act.LINEAR], np.int64)
        self.tied = False   # (the autoencoder's stepped update asks)
        self.hold(AE._initial_weights(self, np.random.default_rng([config["seed"], 1])))
        self.batch_index = 0
        self.sample = 0
        self.batch_loss = 0.0
        self.epoch_loss = 0.0
        m = int(config["generated"])
        self.x_T = np.random.default_rng([config["seed"], X_T_SALT]).normal(0.0, 1.0, (m, 2))   # (M, 2)
        self.z_eval = np.random.default_rng([config["seed"], Z_SALT]).normal(0.0, 1.0, (self.T, m, 2))

    # --- parameters ---------------------------------------------------------------------------------
    layers = AE.layers
    _named = AE._named
    _parameter_count = AE._parameter_count
    # one point's loss, as the stepped path computes it (ae_steps asks): the MLP's MSE
    sample_loss, output_delta, loss_grad = AE.sample_loss, AE.output_delta, AE.loss_grad

    def hyper(self):
        return self.optimizer_settings()

    # --- the draws ----------------------------------------------------------------------------------
    def draws(self, epoch: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(t (N,), ε (N, 2)) of an epoch (default: the one in progress), by row of data."""
        return draws(self.config["seed"], self.epoch if epoch is None else epoch, self.T, len(self.X))

    def epoch_draws(self, first: int, count: int) -> tuple[np.ndarray, np.ndarray]:
        """(t (count, N), ε (count, N, 2)): `draws` of epochs first … first + count − 1, by compiled
        code where the backend compiles (the same bits: dlsim.kernels.seeded)."""
        n = len(self.X)
        if not getattr(self.kernels, "compiles", False):
            got = [self.draws(first + e) for e in range(count)]
            return np.stack([g[0] for g in got]), np.stack([g[1] for g in got])
        rows, eps = seeded.latent_draws(self.config["seed"], first, count, SALT, self.T, (n,), (n, 2), True)
        return rows + 1, eps

    # --- whole-batch maths: the API, evaluation, the pictures -----------------------------------------
    def check_points(self, X, what="points") -> np.ndarray:
        return self.check_inputs(X, what)

    def check_step(self, t, low: int = 0) -> int:
        if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or not low <= int(t) <= self.T:
            raise UserError(f"t must be a whole number from {low} to T = {self.T}, got {t!r}")
        return int(t)

    def noise_estimate(self, X, t, kernels=None) -> np.ndarray:
        """ε̂ (M, 2): what the denoiser says was the noise of each noised point of X (M, 2) at step t."""
        X, t = self.check_points(X), self.check_step(t, 1)
        out = np.empty_like(X)
        (kernels or self.kernels).diffusion.denoise(self.theta, self.sizes, self.acts, X, t, self.T, out)
        return out

    def noised(self, X, t, eps) -> np.ndarray:
        """x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·ε of the points X with noise eps, both (M, 2)."""
        X, eps, t = self.check_points(X), self.check_points(eps, "noise eps"), self.check_step(t)
        if len(X) != len(eps):
            raise UserError(f"{len(X)} points but {len(eps)} rows of noise")
        out = np.empty_like(X)
        for index in np.ndindex(X.shape):   # the forward process's scalar kernel, number by number
            out[index] = self.ops.noised(X[index], eps[index], self.sqrt_ab[t], self.sqrt_1mab[t])
        return out

    def sampler_steps(self) -> np.ndarray:
        """The time steps the sampler visits, T first and 0 last."""
        return schedule.sampling_steps(self.T, self.config["sample_steps"] or self.T)

    def generate(self, x_T=None, noise=None, kernels=None) -> np.ndarray:
        """The reverse chain's path (S + 1, M, 2) from x_T (M, 2; default: the evaluation's fixed
        noise) down to x_0, at each of sampler_steps(); noise (S, M, 2): the z each DDPM step adds
        (default: the evaluation's). path[-1] is the generated points."""
        steps = self.sampler_steps()
        x_T = self.x_T if x_T is None else self.check_points(x_T, "x_T")
        if noise is None:
            noise = self.z_eval[:len(steps) - 1, :len(x_T)]
            if len(x_T) > self.z_eval.shape[1]:
                noise = np.random.default_rng([self.config["seed"], Z_SALT, len(x_T)]).normal(
                    0.0, 1.0, (len(steps) - 1, len(x_T), 2))
        noise = np.asarray(noise, np.float64)
        if noise.shape != (len(steps) - 1, len(x_T), 2) or not np.all(np.isfinite(noise)):
            raise UserError(f"noise must be finite numbers of shape ({len(steps) - 1}, {len(x_T)}, 2), "
                            f"got shape {noise.shape}")
        path = np.empty((len(steps), len(x_T), 2))
        path[0] = x_T
        (kernels or self.kernels).diffusion.sample(self.theta, self.sizes, self.acts, self.alpha_bar, steps,
                                                   np.ascontiguousarray(noise), SAMPLERS[self.config["sampler"]],
                                                   self.T, path)
        return path

    def reverse_step(self, X, t, s, eps_hat, z=None) -> dict:
        """One reverse step of the points X (M, 2) from step t to s < t, with the noise estimate
        eps_hat (M, 2) and the fresh noise z (M, 2; DDPM): {x0_hat, mean, added, x} as the kernel does it."""
        X, eps_hat = self.check_points(X), self.check_points(eps_hat, "eps_hat")
        t, s = self.check_step(t, 1), self.check_step(s)
        if s >= t:
            raise UserError(f"a reverse step goes down: s = {s} must be below t = {t}")
        z = np.zeros_like(X) if z is None else self.check_points(z, "z")
        out = {key: np.empty_like(X) for key in ("x0_hat", "mean", "added", "x")}
        sampler = SAMPLERS[self.config["sampler"]]
        for index in np.ndindex(X.shape):   # the sampler's scalar kernel, number by number
            got = self.ops.reverse(X[index], eps_hat[index], self.alpha_bar[t], self.alpha_bar[s], z[index], sampler)
            for key, value in zip(out, got):
                out[key][index] = value
        return out

    def gradients(self, X, Y=None, t=None, eps=None):
        """(loss, {name: ∂L/∂param}) of the MSE between ε̂ and ε on the points X (N, 2) noised at steps
        t (N,) with noise eps (N, 2) (default: this epoch's draws of the first N rows). Nothing changes."""
        X = self.check_points(X)
        n = len(X)
        if t is None or eps is None:
            ts, draws_eps = self.draws()
            t = ts[:n] if t is None else t
            eps = draws_eps[:n] if eps is None else eps
        if Y is not None:
            raise UserError("the diffusion model's target is the noise it drew: pass t and eps, not targets")
        t = np.asarray(t)
        if t.shape != (n,) or not all(1 <= int(v) <= self.T for v in t) or not np.all(t == np.round(t)):
            raise UserError(f"t must be {n} whole numbers from 1 to T = {self.T}")
        eps = self.check_points(eps, "noise eps")
        inputs, targets = self.inputs_of(X, t.astype(np.int64), eps, self.kernels)
        Z, A = np.zeros((n, int(self.sizes.sum()))), np.zeros((n, int(self.sizes.sum())))
        self.kernels.diffusion.forward(self.theta, self.sizes, self.acts, inputs, Z, A)
        grad = np.zeros_like(self.theta)
        loss = self.kernels.diffusion.backward(self.theta, grad, self.sizes, self.acts, self.loss_kind, targets,
                                               Z, A, np.zeros_like(Z))
        return float(loss), self._named(grad)

    def inputs_of(self, X, t, eps, kernels):
        """The denoiser's inputs (N, 2 + E) and targets (N, 2) for the points X at steps t with noise eps."""
        n = len(X)
        inputs, targets = np.empty((n, int(self.sizes[0]))), np.empty((n, 2))
        kernels.diffusion.network_inputs(X, np.arange(n), t, eps, self.sqrt_ab, self.sqrt_1mab, self.T,
                                         inputs, targets)
        return inputs, targets

    def check_targets(self, Y):
        raise UserError("the diffusion model's target is the noise it drew: pass t and eps, not targets")

    def targets(self, y):
        return None

    def predict(self, X):
        """The class of the training point nearest to each row of X (ties to the lower row): which
        part of the data a point (a generated one, say) landed on, such as which of the two moons.
        Labels never train a diffusion model; it classifies nothing itself."""
        X = self.check_points(X)
        d = ((X[:, None, :] - self.X[None, :, :]) ** 2).sum(axis=2)   # (M, N)
        return self.data.y[d.argmin(axis=1)]

    def evaluate(self):
        """The ε loss on fixed draws (every t alike) and the binned distance (the GAN's) between the
        data and the points the sampler generates from the fixed x_T."""
        generated = self.chain(self.kernels)[-1]
        return {"train_loss": float(np.mean(self.loss_per_t(self.kernels))), "distance": binned_distance(self.X, generated)}

    # --- the event stream ---------------------------------------------------------------------------
    def _compiled_batch(self, rows):
        self.steps += 1
        ts, eps = self.draws()
        inputs, targets = np.empty((len(rows), int(self.sizes[0]))), np.empty((len(rows), 2))
        self.kernels.diffusion.network_inputs(self.X, np.ascontiguousarray(rows, np.int64), ts, eps, self.sqrt_ab,
                                              self.sqrt_1mab, self.T, inputs, targets)
        self.batch_loss = self.kernels.diffusion.train_batch(
            self.theta, self.grad, self.m, self.v, self.steps, self.sizes, self.acts, self.loss_kind,
            *self.hyper(), inputs, targets)
        return self.batch_done(len(rows))

    def _sample_events(self, s, batch):
        return sample_events(self, s, batch)

    def _update_events(self, n_rows):
        return update_events(self, n_rows)

    # --- the fused path -----------------------------------------------------------------------------
    def train_fused(self, epochs, every=1):
        return chunked.fused(self, epochs, lambda n: self._train_fused(n, every))

    def _train_fused(self, epochs, every=1):
        assert self.batch_index == 0 and self.sample == 0, "train_fused starts at an epoch boundary"
        done = 0
        while done < epochs and not chunked.requested.is_set():
            n = min(every, epochs - done)
            orders = self.orders(self.epoch, n)
            ts, eps = self.epoch_draws(self.epoch, n)
            epoch_losses = np.zeros(n)
            ran, self.steps = self.kernels.diffusion.train_epochs(
                self.theta, self.grad, self.m, self.v, self.steps, self.sizes, self.acts, self.loss_kind,
                *self.hyper(), self.X, orders, self.batch_size, epoch_losses, ts, eps, self.sqrt_ab,
                self.sqrt_1mab, self.T)
            for e in range(ran):
                self.epoch += 1
                self.record({"loss": float(epoch_losses[e])})
            self.history[-1].update(self.evaluate())
            done += ran
            if ran < n or not math.isfinite(epoch_losses[ran - 1]):
                break
        return done

    @classmethod
    def estimate(cls, config, data, history):
        return diffusion_estimate.estimate(config, data, history)
