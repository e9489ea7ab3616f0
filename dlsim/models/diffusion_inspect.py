"""What the diffusion model's pictures show, computed by the model through its kernels: the schedule
(ᾱ_t), the loss at every t, the data noised forward to any t, the generated points and the reverse
chain that made them, ε̂ over the plane at a chosen t, and the point in hand as its events computed
it. A mixin of the Diffusion class; the app's view lays these out, lessons quote them by these names."""
import numpy as np

from dlsim.errors import UserError
from dlsim.kernels.diffusion import SAMPLERS
from dlsim.models.diffusion_estimate import EVAL_ROWS
from dlsim.models.point_distance import binned_distance
from dlsim.models.per_weights import kept
from dlsim.protocol.events import Level

LOSS_SALT, CLOUD_SALT = 5, 6   # the fixed noise of the loss per t and of the noised data's picture

INSPECTED = {
    "alpha_bar": "ᾱ_t for t = 0 … T: the share of the clean point's signal (squared) left after t steps",
    "loss_per_t": "the MSE between ε̂ and ε at each t = 1 … T (index t − 1), on fixed points and noise",
    "generated": "the points the sampler generates from the fixed x_T (rows: points; x, y)",
    "distance": "the binned distance between the data and the generated points (0: same histogram; 1: apart)",
    "sample": "the training point (row of the data) whose forward, loss or backward pass is in hand",
    "t": "that point's time step, drawn from 1 … T",
    "eps": "that point's noise ε, drawn from N(0, I)",
    "x0": "that point, clean",
    "x_t": "that point noised to step t, as its events computed it (NaN: not yet)",
    "eps_hat": "the denoiser's ε̂ for it, as its forward pass computed it (NaN: not yet)",
}


class DiffusionInspect:
    inspected = INSPECTED

    def sample_in_hand(self, last):
        """The row of data whose forward, loss or backward pass `last` belongs to (None between points)."""
        if last is None or last.level >= Level.BATCH or last.phase not in ("forward", "loss", "backward"):
            return None
        rows = self.batch_rows()
        k = self.sample if last.closes < Level.SAMPLE else self.sample - 1   # the cursor moved on
        return int(rows[k]) if 0 <= k < len(rows) else None

    def loss_per_t(self, kernels=None) -> np.ndarray:
        """(T,): the ε loss at t = 1 … T of the first EVAL_ROWS points, each with fixed noise."""
        kernels = kernels or self.kernels_now()
        return kept(self, "_loss_per_t_kept", (kernels.name,), lambda: self._loss_per_t(kernels)).copy()

    def _loss_per_t(self, kernels):
        X = self.X[:EVAL_ROWS]
        r = len(X)
        eps = np.random.default_rng([self.config["seed"], LOSS_SALT]).normal(0.0, 1.0, (self.T * r, 2))
        t = np.repeat(np.arange(1, self.T + 1), r)
        inputs, targets = self.inputs_of(np.tile(X, (self.T, 1)), t, eps, kernels)
        width = int(self.sizes.sum())
        Z, A = np.zeros((len(t), width)), np.zeros((len(t), width))
        kernels.diffusion.forward(self.theta, self.sizes, self.acts, inputs, Z, A)
        out = np.empty(self.T)
        for k in range(self.T):
            rows = slice(k * r, (k + 1) * r)
            out[k] = kernels.diffusion.mean_loss(np.ascontiguousarray(Z[rows, -2:]), np.ascontiguousarray(A[rows, -2:]),
                                                 np.ascontiguousarray(targets[rows]), self.loss_kind)
        return out

    def clouds(self, kernels=None) -> np.ndarray:
        """(T + 1, N, 2): the data noised forward to every step t, each point with its own fixed
        noise (the same noise at every t, so a point can be followed as t moves). It depends on no
        weight: computed once per backend."""
        kernels = kernels or self.kernels_now()
        held = self.__dict__.get("_clouds_kept")
        if held is None or held[0] != kernels.name:
            eps = np.random.default_rng([self.config["seed"], CLOUD_SALT]).normal(0.0, 1.0, self.X.shape)
            out = np.empty((self.T + 1, *self.X.shape))
            kernels.diffusion.forward_process(self.X, eps, self.sqrt_ab, self.sqrt_1mab, out)
            held = self.__dict__["_clouds_kept"] = (kernels.name, out)
        return held[1]

    def cloud_at(self, t: int) -> np.ndarray:
        """(N, 2): the data noised forward to step t (see clouds)."""
        return self.clouds()[self.check_step(t)].copy()

    def fields(self, points, kernels=None) -> np.ndarray:
        """(T, M, 2): ε̂ at every step t = 1 … T (index t − 1) at each of `points` (M, 2): the arrows
        over the plane, for any t the learner moves to (kept per weights and points)."""
        kernels = kernels or self.kernels_now()
        points = self.check_points(points)

        def compute():
            out = np.empty((self.T, len(points), 2))
            for t in range(1, self.T + 1):
                kernels.diffusion.denoise(self.theta, self.sizes, self.acts, points, t, self.T, out[t - 1])
            return out
        return kept(self, "_fields_kept", (kernels.name, points.tobytes()), compute)

    def chain(self, kernels=None) -> np.ndarray:
        """(S + 1, M, 2): the reverse chain from the fixed x_T, as `generate` runs it (kept per weights)."""
        kernels = kernels or self.kernels_now()
        key = (kernels.name, self.config["sampler"], self.config["sample_steps"])
        return kept(self, "_chain_kept", key, lambda: self.generate(kernels=kernels))

    def generated_at(self, t: int, kernels=None) -> np.ndarray:
        """(M, 2): the generated points where the reverse chain stands at step t (the visited step
        at or above t: a sampler taking fewer steps than T jumps over some)."""
        t = self.check_step(t)
        steps = self.sampler_steps()
        return self.chain(kernels)[int(np.nonzero(steps >= t)[0][-1])]

    def reverse_steps(self, point: int = 0, kernels=None) -> list[dict]:
        """One generated point's way down the reverse chain, jump by jump, as the kernels compute it:
        for each jump t → s, {t, s, x (at t), eps_hat, x0_hat, mean, added (the DDPM noise), x_next}
        (each (2,)), the numbers the whole chain (`chain`) used, to the bit."""
        m = len(self.x_T)
        if isinstance(point, bool) or not isinstance(point, (int, np.integer)) or not 0 <= point < m:
            raise UserError(f"point must be a whole number from 0 to {m - 1} (one of the generated points)")
        path, steps = self.chain(kernels), self.sampler_steps()
        sampler = SAMPLERS[self.config["sampler"]]
        out = []
        for i in range(len(steps) - 1):
            t, s = int(steps[i]), int(steps[i + 1])
            x = path[i, point]
            eps_hat = self.noise_estimate(x[None], t, kernels)[0]
            z = self.z_eval[i, point] if s > 0 else np.zeros(2)
            parts = [self.ops.reverse(x[k], eps_hat[k], self.alpha_bar[t], self.alpha_bar[s], z[k], sampler)
                     for k in range(2)]
            out.append({"t": t, "s": s, "x": x.copy(), "eps_hat": eps_hat,
                        **{key: np.array([p[j] for p in parts]) for j, key in
                           enumerate(("x0_hat", "mean", "added", "x_next"))}})
        return out

    def field(self, t: int, points, kernels=None) -> np.ndarray:
        """(M, 2): ε̂ at step t at each of `points` (M, 2), for the arrows over the plane."""
        return self.noise_estimate(points, max(1, self.check_step(t)), kernels or self.kernels_now())

    def inspect(self, last=None, trace=None):
        generated = self.chain()[-1]
        out = {"alpha_bar": self.alpha_bar.copy(), "loss_per_t": self.loss_per_t(), "generated": generated.copy(),
               "distance": binned_distance(self.X, generated)}
        s = self.sample_in_hand(last)
        if s is None or not trace:
            return out
        ts, eps = self.draws()
        out.update(sample=s, t=int(ts[s]), eps=eps[s].copy(), x0=self.X[s].copy())
        out["x_t"] = np.array([_traced(trace, "noise", f"diffusion.x_t[{k}]", "x_t") for k in range(2)])
        last_layer = len(self.sizes) - 2
        out["eps_hat"] = np.array([_traced(trace, "activation", f"diffusion.layer[{last_layer}].neuron[{k}]", "a")
                                   for k in range(2)])
        return out

    def exercise(self):
        """Compile what the pictures call beyond training: the loss per t, the chain, the field."""
        super().exercise()
        self.loss_per_t(self.kernels)
        self.chain(self.kernels)
        self.field(1, self.X[:2], self.kernels)
        self.clouds(self.kernels)
        self.fields(self.X[:2], self.kernels)


def _traced(trace, op, path, key):
    event = trace.get((op, path))
    return event.values[key] if event is not None else np.nan
