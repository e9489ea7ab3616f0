"""The variational autoencoder: the encoder gives each input a mean μ and a log-variance log σ² per
code unit (two heads, one linear layer), a code z = μ + σ·ε is drawn with ε ~ N(0, 1), and the
decoder rebuilds the input from z; the loss is the reconstruction (summed over the input's values)
plus β times the KL divergence of N(μ, σ²) from N(0, 1), which pulls every input's code towards
the origin and keeps it spread — so the code plane fills without holes and any point of it decodes
to something like an input (β = 0: an autoencoder with noise in its code).

It is the autoencoder (models/ae) with its code layer doubled into the heads and the draw in the
middle: the same data, options, dense layers, losses, optimizers, stepped ops and pictures. ε is a
recorded op, drawn per sample from (seed, epoch·N + row), so rewinding and replaying draw the same
numbers, and a stepped batch, a compiled batch and the fused epochs give the same bits.
"""
import math
from dataclasses import replace

import numpy as np

from dlsim.errors import UserError
from dlsim.kernels import activations as act
from dlsim.kernels import optimizers
from dlsim.kernels import vae as vae_kernels
from dlsim.kernels.mlp_reference import unpack
from dlsim.models import ae, chunked, vae_estimate
from dlsim.models import options as opt
from dlsim.models.vae_formulas import FORMULAS, METRICS
from dlsim.models.vae_inspect import VAEInspect
from dlsim.models.vae_steps import sample_events

BETA = opt.real("beta", 1.0, "weight of the KL term (0: an autoencoder with a noisy code; 1: the VAE)",
                high=1000.0, live=True)


VAE_HELP = {   # the autoencoder's options in the VAE's words
    "seed": "seeds the data, the initial weights, the shuffling and every ε",
    "code": "units in the code z (the encoder gives a μ and a log σ² for each)",
    "activation": "activation of the hidden layers (the heads μ and log σ² are linear)",
}


class VAE(VAEInspect, ae.AE):
    name = "vae"
    summary = "an encoder gives a mean and a spread per code unit, a drawn code is decoded: a code space without holes"
    datasets = ae.AE.datasets
    metrics = METRICS
    learning_rule = "backpropagation of its reconstruction error plus β·KL, through z = μ + σ·ε"
    formulas = FORMULAS
    default_epochs = 30
    options = tuple(replace(o, help=VAE_HELP.get(o.name, o.help)) for o in ae.AE.options
                    if o.name not in ("tied", "denoise", "loss")) + (
        opt.choice("loss", "bce", "reconstruction loss, summed over the values: bce for inputs in [0, 1] (the "
                   "digits), or mse", ("mse", "bce")), BETA)
    warm_up_configs = ({}, {"loss": "mse", "optimizer": "sgd"}, {"optimizer": "momentum", "activation": "relu"})

    def __init__(self, config, data):
        super().__init__(config, data)
        self.ops = self.kernels.scalar(vae_kernels)

    def _shape(self, f, encoder, code, hidden):
        """The encoder (F, …, 2C), whose last linear layer is the heads μ and log σ², and the decoder
        (C, …, F). `sizes` lists each layer's outputs after the input (the heads' 2C in the middle)."""
        self.code = code
        self.enc_sizes = np.array((f, *encoder, 2 * code), np.int64)
        self.dec_sizes = np.array((code, *encoder[::-1], f), np.int64)
        self.enc_acts = np.array([hidden] * len(encoder) + [act.LINEAR], np.int64)
        self.dec_acts = np.array([hidden] * len(encoder) + [self.output], np.int64)
        self.sizes = np.array((f, *encoder, 2 * code, *encoder[::-1], f), np.int64)
        self.acts = np.concatenate([self.enc_acts, self.dec_acts])
        self.code_layer = len(encoder)   # the heads' layer
        self.split = sum(int(i * o + o) for i, o in zip(self.enc_sizes[:-1], self.enc_sizes[1:]))

    def _parameter_count(self):
        return self.split + sum(int(i * o + o) for i, o in zip(self.dec_sizes[:-1], self.dec_sizes[1:]))

    def layers(self, buf=None):
        """[(W (I, O), b (O,)), ...]: the encoder's (the heads last: columns 0 … C−1 μ, C … 2C−1
        log σ²), then the decoder's, as views into theta (or a buffer of its layout)."""
        buf = self.theta if buf is None else buf
        return unpack(buf[:self.split], self.enc_sizes) + unpack(buf[self.split:], self.dec_sizes)

    # --- one sample's loss, as the stepped path computes it: summed over the values -----------------
    def sample_loss(self, z, a, y, scale):
        return self.ops.recon_share(z, a, y, self.loss_kind, scale)

    def output_delta(self, z, a, y, scale, k):
        return self.ops.recon_delta(z, a, y, self.loss_kind, self.acts[-1], scale, k)

    def loss_grad(self, a, y, scale, k):
        return self.losses.grad(a[k], y[k], self.loss_kind, scale, 1)

    # --- whole-batch maths: the API, evaluation, the pictures ------------------------------------------
    def _half(self, X, kernels, decoder):
        """Z, A (N, units) of the encoder (or the decoder) for inputs X already checked."""
        sizes, acts = (self.dec_sizes, self.dec_acts) if decoder else (self.enc_sizes, self.enc_acts)
        theta = self.theta[self.split:] if decoder else self.theta[:self.split]
        units = int(sizes.sum())
        Z, A = np.zeros((X.shape[0], units)), np.zeros((X.shape[0], units))
        kernels.vae.forward(np.ascontiguousarray(theta), sizes, acts, np.ascontiguousarray(X), Z, A)
        return Z, A

    def heads(self, X, kernels=None):
        """(μ, log σ²) of each input row of X: two (N, code) arrays."""
        A = self._half(self._flat(X), kernels or self.kernels, False)[1]
        return A[:, -2 * self.code:-self.code].copy(), A[:, -self.code:].copy()

    def encode(self, X, kernels=None):
        """The code of each input row of X: its mean μ (N, code)."""
        return self.heads(X, kernels)[0]

    def decode(self, Z, kernels=None):
        """What the decoder makes of codes Z (N, code): (N, features)."""
        Z = np.asarray(Z, np.float64) if not isinstance(Z, np.ndarray) else Z.astype(np.float64)
        if Z.ndim != 2 or Z.shape[1] != self.code or not np.all(np.isfinite(Z)):
            raise UserError(f"codes must be finite rows of {self.code} number{'s' * (self.code > 1)} "
                            f"(shape (N, {self.code})), got shape {Z.shape}")
        return self._half(Z, kernels or self.kernels, True)[1][:, -int(self.sizes[-1]):]

    def encode_and_reconstruct(self, X, kernels=None):
        """(μ (N, code), each input rebuilt from it (N, features)): encode's and reconstruct's
        numbers, the encoder run once."""
        codes = self.encode(X, kernels)
        return codes, self.decode(codes, kernels)

    def reconstruct(self, X, kernels=None):
        """Each input row of X rebuilt from its mean code μ (no draw): (N, features)."""
        return self.decode(self.encode(X, kernels), kernels)

    def sample_codes(self, X, E):
        """z = μ + σ·ε for inputs X (N, F) and given ε E (N, code), through the scalar kernel."""
        mu, logvar = self.heads(X)
        E = np.asarray(E, np.float64)
        if E.shape != mu.shape or not np.all(np.isfinite(E)):
            raise UserError(f"ε must be finite numbers of shape {mu.shape}, got shape {E.shape}")
        return np.vectorize(self.ops.reparameterise)(mu, logvar, E)

    def gradients(self, X, Y=None, E=None):
        """(loss, {name: ∂L/∂param}) of the batch X with ε fixed (E (N, code); default: zeros, the
        mean code), rebuilding Y (default: X itself). Nothing changes."""
        X = self._flat(X)
        if Y is not None and not np.array_equal(self.check_targets(Y), X):
            raise UserError("a VAE rebuilds its own input: give no targets (or the inputs themselves)")
        E = np.zeros((len(X), self.code)) if E is None else np.ascontiguousarray(E, np.float64)
        if E.shape != (len(X), self.code) or not np.all(np.isfinite(E)):
            raise UserError(f"ε must be finite numbers of shape ({len(X)}, {self.code}), got shape {E.shape}")
        theta, grad = self.theta.copy(), np.zeros_like(self.theta)
        loss = self.kernels.vae.train_batch(theta, grad, np.zeros_like(theta), np.zeros_like(theta), 1,
                                            *self._layout(), self.loss_kind, optimizers.SGD, 0.0, 0.0, 0.9, 0.999, self.EPS,
                                            float(self.config["beta"]), X, E)
        return loss, self._named(grad)

    def _layout(self):
        return self.enc_sizes, self.enc_acts, self.dec_sizes, self.dec_acts

    def evaluate(self):
        """The reconstruction (from each input's mean code, summed over its values) of the training
        and test inputs, the test inputs' mean KL, and what the code kept (chunked forward passes)."""
        result, codes = {}, {}
        out = int(self.sizes[-1])
        test = self.test_rows()
        k = self.kernels

        def rows(x):   # per row: the decoder's output z and a, then the heads
            H = self._half(x, k, False)[1][:, -2 * self.code:]
            Z, A = self._half(np.ascontiguousarray(H[:, :self.code]), k, True)
            return np.hstack([Z[:, -out:], A[:, -out:], H])
        for split, X in (("train", self.X), ("test", test)):
            if not len(X):
                result[f"{split}_recon"] = None
                continue
            got = chunked.stacked(self, X, rows)
            Z, A, H = (np.ascontiguousarray(got[:, a:b]) for a, b in ((0, out), (out, 2 * out), (2 * out, None)))
            codes[split] = np.ascontiguousarray(H[:, :self.code])   # μ: the code (encode's)
            result[f"{split}_recon"] = float(k.vae.recon_loss(Z, A, X, self.loss_kind))
            if split == "test":
                kl = np.empty(len(X))
                k.vae.kl_rows(H, kl)
                result["test_kl"] = float(kl.mean())
                result["test_mu_rms"] = float(np.sqrt(np.mean(H[:, :self.code] ** 2)))
        result.setdefault("test_kl", None)
        result.setdefault("test_mu_rms", None)
        self.keep_codes(codes.get("train"), codes.get("test"))
        result["test_code_acc"] = self.code_accuracy(test, self.data.y_test, codes.get("test"))
        return result

    # --- the event stream ---------------------------------------------------------------------------
    def drawn(self, rows):
        """(len(rows), code): the ε of `rows` in this epoch, by the backend's kernel."""
        E, n = np.empty((len(rows), self.code)), self.X.shape[0]
        for k, r in enumerate(rows):
            self.kernels.vae.epsilons(self.config["seed"], self.epoch * n + int(r), E[k])
        return E

    def _compiled_batch(self, rows):
        self.steps += 1
        self.batch_loss = self.kernels.vae.train_batch(
            self.theta, self.grad, self.m, self.v, self.steps, *self._layout(), self.loss_kind, *self.hyper(),
            float(self.config["beta"]), np.ascontiguousarray(self.X[rows]), self.drawn(rows))
        return self.batch_done(len(rows))

    def _sample_events(self, s, batch):
        return sample_events(self, s, batch)

    # --- the fused path ----------------------------------------------------------------------------
    def _train_fused(self, epochs, every=1):
        assert self.batch_index == 0 and self.sample == 0, "train_fused starts at an epoch boundary"
        done = 0
        while done < epochs and not chunked.requested.is_set():
            n = min(every, epochs - done)
            epoch_losses = np.zeros(n)
            ran, self.steps = self.kernels.vae.train_epochs(
                self.theta, self.grad, self.m, self.v, self.steps, *self._layout(), self.loss_kind, *self.hyper(),
                float(self.config["beta"]), self.X, self.orders(self.epoch, n), self.batch_size, epoch_losses,
                self.config["seed"], self.epoch)
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
        return vae_estimate.estimate(config, data, history)
