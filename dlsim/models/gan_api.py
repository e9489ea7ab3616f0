"""The GAN's public whole-batch entry points: G(z), D's verdict, the two gradients, and the latent
draws of a step. Each checks what it is given (a point is 2 numbers, a latent point z_dim) before a
kernel sees it, so a wrong width is one line, never a read past an array's end.

A mixin of GAN (dlsim/models/gan.py). The app's pictures call these too: they run through
`kernels_now()` (the NumPy references while the app compiles the kernels in the background, the
model's own kernels everywhere else). Training and its evaluation call the unchecked `_generate` /
`_verdict` on the model's own kernels, so a run's numbers never depend on when the app got ready.
"""
import numpy as np

from dlsim.errors import UserError, shown


class GANEntryPoints:
    # --- checks -------------------------------------------------------------------------------
    def check_latent(self, Z, what: str = "latent points Z") -> np.ndarray:
        """Z as the contiguous (N, z_dim) float64 array G takes, or a one-line UserError."""
        try:
            Z = np.asarray(Z, dtype=np.float64)
        except (TypeError, ValueError):
            raise UserError(f"{what} must be an array of numbers") from None
        width = self.config["z_dim"]
        if Z.ndim != 2 or Z.shape[1] != width:
            raise UserError(f"{what} must be rows of {width} numbers (shape (N, {width}): this GAN's "
                            f"z_dim is {width}), got shape {Z.shape}")
        if not np.all(np.isfinite(Z)):
            raise UserError(f"{what} must be finite numbers (no NaN or infinity)")
        return np.ascontiguousarray(Z)

    # --- the kernels, unchecked (callers have checked, or built the arrays themselves) ----------
    def _generate(self, Z: np.ndarray, kernels) -> np.ndarray:
        """G(Z) (N, 2) for contiguous latent points Z (N, z_dim)."""
        out = np.empty((Z.shape[0], 2))
        kernels.gan.generate(*self.net("G"), Z, out)
        return out

    def _verdict(self, X: np.ndarray, kernels) -> tuple[np.ndarray, np.ndarray]:
        """D's logits and P(real) (N,) for contiguous points X (N, 2)."""
        logits, probs = np.empty(X.shape[0]), np.empty(X.shape[0])
        kernels.gan.discriminate(*self.net("D"), X, logits, probs)
        return logits, probs

    def _pushes(self, Z: np.ndarray, kernels) -> np.ndarray:
        """−∂L_G/∂x̂ (N, 2) on the fakes G(Z): the way G's gradient moves each (nothing changes)."""
        grads = np.empty((2, Z.shape[0]))   # (2, N): the kernel's layout
        kernels.gan.g_gradients(self.part(self.theta, "G").copy(), np.zeros(self.count["G"]), self.sizes["G"],
                                self.acts["G"], *self.net("D"), self.g_kind(), Z, grads)
        return -grads.T

    # --- public -------------------------------------------------------------------------------
    def generate(self, Z) -> np.ndarray:
        """G(Z): (N, 2) points for latent points Z (N, z_dim)."""
        return self._generate(self.check_latent(Z), self.kernels_now())

    def discriminate(self, X) -> tuple[np.ndarray, np.ndarray]:
        """D's logits and P(real) (N,) for points X (N, 2)."""
        return self._verdict(self.check_inputs(X, "points X"), self.kernels_now())

    def scores(self, X) -> np.ndarray:
        """D's P(real) per point of X (N, 2): the verdict the app draws over the plane."""
        return self.discriminate(X)[1]

    def probabilities(self, X) -> np.ndarray:
        """(N, 2): D's P(fake) and P(real) per point of X, the two classes of predict (0 fake, 1
        real). P(fake) = σ(−logit), not 1 − P(real): it keeps its digits where D is sure a point is real."""
        logits, probs = self.discriminate(X)
        return np.stack([np.exp(-np.logaddexp(0.0, logits)), probs], axis=1)

    def predict(self, X) -> np.ndarray:
        """D's verdict per point: 1 real, 0 fake."""
        return (self.scores(X) > 0.5).astype(np.int64)

    def d_gradients(self, Xb, Zb) -> tuple[float, np.ndarray]:
        """(D's loss, its flat gradient) on real points Xb (B, 2) and latent points Zb (B, z_dim); nothing changes."""
        Xb, Zb = self.check_inputs(Xb, "real points"), self.check_latent(Zb)
        grad = np.zeros(self.count["D"])
        loss = self.kernels.gan.d_gradients(self.part(self.theta, "D"), grad, self.sizes["D"], self.acts["D"],
                                            *self.net("G"), Xb, Zb)
        return loss, grad

    def g_gradients(self, Zb) -> tuple[float, np.ndarray, np.ndarray]:
        """(G's loss, its flat gradient, ∂L_G/∂x̂ (B, 2) per fake point) on latent points Zb (B, z_dim)."""
        Zb = self.check_latent(Zb)
        grad, fake_grads = np.zeros(self.count["G"]), np.empty((2, Zb.shape[0]))
        loss = self.kernels.gan.g_gradients(self.part(self.theta, "G"), grad, self.sizes["G"], self.acts["G"],
                                            *self.net("D"), self.g_kind(), Zb, fake_grads)
        return loss, grad, fake_grads.T.copy()

    # --- the random draws of a step -----------------------------------------------------------
    def latent(self, iteration: int | None = None, step: int | None = None) -> np.ndarray:
        """The latent points z (B, z_dim) G turns into the fakes of one step. An iteration draws
        them for k + 1 steps, whichever of them `train` runs: `step` 0 … k − 1 are its D steps, k
        its G step. Default: the iteration in progress and the step at the cursor. The draws are a
        function of the seed, the iteration and the options (k, batch, z_dim, latent) alone."""
        iteration, step = self._which(iteration, step)
        return self.draws(iteration)[1][step].copy()

    def real_rows(self, iteration: int | None = None, step: int | None = None) -> np.ndarray:
        """The rows of data.X (B,) that D step `step` (0 … k − 1) of `iteration` takes as its real
        points (drawn with replacement); defaults as `latent`'s."""
        iteration, step = self._which(iteration, step)
        if step == self._k_of(iteration):
            raise UserError(f"step {step} is the G step, which takes no real points (they go to {_d_steps(step)})")
        return self.draws(iteration)[0][step].copy()

    def _k_of(self, iteration) -> int:
        """k of `iteration`: the one in progress keeps the k it began with (see settings)."""
        current = iteration is None or (isinstance(iteration, (int, np.integer)) and not isinstance(iteration, bool)
                                        and iteration == self.epoch)
        return self.k_now() if current else self.config["k"]

    def _which(self, iteration, step) -> tuple[int, int]:
        """(iteration, step) with the defaults filled in, or a UserError."""
        k = self._k_of(iteration)
        for name, value, allowed in (("iteration", iteration, "a whole number from 0"),
                                     ("step", step, f"0 to {k} ({_d_steps(k)}, the G step {k})")):
            if value is not None and (isinstance(value, bool) or not isinstance(value, (int, np.integer))
                                      or value < 0 or (name == "step" and value > k)):
                raise UserError(f"{name} must be {allowed}, got {shown(value)}")
        if step is None:
            plan = self.plan()            # D steps first: a D at position j is D step j
            j = min(self.sub, len(plan) - 1)   # (an iteration done, short of its end: its last step)
            step = k if plan[j] == "G" else j
        return (self.epoch if iteration is None else int(iteration)), int(step)


def _d_steps(k: int) -> str:
    return "D step 0" if k == 1 else f"D steps 0 to {k - 1}"
