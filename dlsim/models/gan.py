"""A generative adversarial network on 2-D points: a generator G (an MLP from a latent z to a point)
and a discriminator D (an MLP from a point to P(real)), trained in turn.

One iteration (the GAN's "epoch") is k D steps then one G step. A D step: B real points and B fakes
G(z) through D, D's cross-entropy, backward through D, D's update (G untouched). A G step: z → G →
D (frozen) → G's loss, backward through D *into* G (∂L_G/∂x̂ per fake point), G's update only.
The live option `train` runs D steps only or G steps only (GAN Lab's "train D" / "train G").

Three paths, one arithmetic, as the MLP's: `events(OP)` (dlsim.models.gan_stepped) walks one neuron
of D or G and one weight at a time through the scalar kernels that `kernels.gan` loops over;
`events(BATCH)` runs a D or G step per compiled call; `train_fused` whole iterations. Both networks
and both optimizers live in one flat buffer each (theta, grad, m, v: D's parameters, then G's).
Its checked entry points (G(z), D's verdict and probabilities, a step's latent draws) are in
gan_api.py; what its pictures show (inspect) in gan_inspect.py.
"""
import dataclasses
import math
from functools import lru_cache
from types import SimpleNamespace

import numpy as np

from dlsim.errors import UserError
from dlsim.kernels import activations as act
from dlsim.kernels import dense, losses, optimizers, seeded
from dlsim.kernels import gan as gan_kernels
from dlsim.kernels.gan import G_LOSSES
from dlsim.models import chunked
from dlsim.models import gan_estimate, gan_stepped
from dlsim.models import gan_data  # noqa: F401 (registers the GAN's distributions as point sets)
from dlsim.models import options as opt
from dlsim.models.flat_parameters import FlatParameters, merged
from dlsim.models.base import TIE, Model
from dlsim.models.gan_api import GANEntryPoints
from dlsim.models.gan_estimate import DRAWN_BYTES, FUSED_CHUNK, drawn_bytes
from dlsim.models.gan_formulas import FORMULAS, METRICS, Op
from dlsim.models.gan_inspect import GANPictures
from dlsim.models.per_weights import keep
from dlsim.models.point_distance import binned_distance
from dlsim.protocol.events import EVALUATE, UPDATE, Event, Level

NETS = ("D", "G")
DRAW_SALT = 31         # an iteration's draws come from default_rng([seed, iteration, DRAW_SALT])


def draws(seed: int, epoch: int, k: int, batch: int, n: int, z_dim: int, latent: str):
    """The random numbers of one iteration, a function of its arguments alone (replays agree):
    rows (k, B) of the real points each D step takes (with replacement), and Z (k + 1, B, z_dim):
    D step j's latent points Z[j], the G step's Z[k]."""
    rng = np.random.default_rng([seed, epoch, DRAW_SALT])
    rows = rng.integers(0, n, (k, batch))
    return rows, latent_points(rng, (k + 1, batch, z_dim), latent)


# stepping asks for the current iteration's draws at every point: kept, that one (and the last)
_current_draws = lru_cache(maxsize=2)(draws)


def latent_points(rng, shape, latent: str) -> np.ndarray:
    return rng.uniform(-1.0, 1.0, shape) if latent == "uniform" else rng.normal(0.0, 1.0, shape)


MAX_LAYERS = 16    # hidden layers of G or of D


class GAN(GANPictures, GANEntryPoints, FlatParameters, Model):
    name = "gan"
    summary = "a generator and a discriminator in a game: fake points chase the real distribution"
    datasets = ("ring", "gaussian", "moons", "line", "grid")
    dataset_source = {"ring": "ring8", "gaussian": "gaussian1", "line": "line", "grid": "grid25"}
    kinds = ("points",)
    default_epochs = 300
    epoch_word, epoch_abbrev = "iteration", "iter"   # the GAN's unit: k D steps, then one G step
    metrics = METRICS
    learning_rule = "the adversarial game: D's and G's gradients in turn"
    learning_rates = ("d_lr", "g_lr")
    watched_losses = {"d_loss": "D", "g_loss": "G"}   # the divergence watchdog says whose loss blew up
    parts_option = "train"   # GAN Lab's "train D" / "train G": the app's t key
    formulas = FORMULAS
    saved = Model.saved + ("theta", "grad", "m", "v", "t_d", "t_g", "optimizer_of", "steps_before", "sub",
                           "sample", "step_loss", "d_total", "d_count", "g_last", "latched")
    options = (
        opt.choice("dataset", "ring", "the real distribution: a ring of 8 Gaussians, one Gaussian, two moons, "
                   "a line segment, a 5×5 grid of Gaussians", datasets),
        opt.integer("seed", 0, "seeds the data, the initial weights and every batch and latent draw"),
        opt.integer("samples", 512, "real points", low=2, high=1_000_000),
        opt.real("noise", 0.0, "extra spread added to the real points", high=5.0),
        opt.integer("batch", 64, "points per step (real and fake each); 0 = as many as the real points",
                    low=0, high=100_000),
        opt.integer("k", 1, "D steps per iteration, before each G step", low=1, high=100, live=True),
        opt.choice("train", "both", "which network trains: both in turn, only D, or only G", ("both", "D", "G"),
                   live=True),
        opt.integer("z_dim", 2, "latent dimensions", low=1, high=2),
        opt.choice("latent", "uniform", "the latent distribution: uniform on [−1, 1] or standard normal",
                   ("uniform", "normal")),
        # a bounded depth: each layer is a few compiled calls a step whatever its width, and the app's
        # warm-up compiles every depth's path (60,000 layers: minutes, where the arithmetic says 0.02 s)
        opt.sizes("g_hidden", (16, 16), "G's hidden layer sizes", layers=MAX_LAYERS),
        opt.sizes("d_hidden", (16, 16), "D's hidden layer sizes", layers=MAX_LAYERS),
        opt.choice("g_activation", "tanh", "G's hidden activation", act.HIDDEN),
        opt.choice("d_activation", "tanh", "D's hidden activation", act.HIDDEN),
        opt.choice("g_loss", "non_saturating", "G's loss: −log D(x̂) (non_saturating) or log(1 − D(x̂)) "
                   "(saturating, the minimax original)", tuple(G_LOSSES), live=True),
        opt.optimizer_choice("d_optimizer", "adam", "D's optimizer", live=True),
        opt.optimizer_choice("g_optimizer", "adam", "G's optimizer", live=True),
        opt.learning_rate("d_lr", 0.005, "D's learning rate"),
        opt.learning_rate("g_lr", 0.002, "G's learning rate"),
        *opt.optimizer_coefficients(beta1=0.5),
        opt.backend(),
    )
    warm_up_size = {"g_hidden": (2,), "d_hidden": (2,), "samples": 8, "batch": 2}

    def __init__(self, config, data):
        super().__init__(config, data)
        # the scalar kernels stepping calls one at a time (compiled, or by Python on numpy)
        self.ops = SimpleNamespace(**{name: self.kernels.scalar(module) for name, module in (
            ("act", act), ("losses", losses), ("optimizers", optimizers), ("dense", dense), ("gan", gan_kernels))})
        self.X = np.ascontiguousarray(data.X, np.float64)
        self.batch = config["batch"] or self.X.shape[0]
        self.sizes = {"D": np.array((2, *config["d_hidden"], 1), np.int64),
                      "G": np.array((config["z_dim"], *config["g_hidden"], 2), np.int64)}
        self.acts = {"D": np.array([act.CODES[config["d_activation"]]] * len(config["d_hidden"]) + [act.SIGMOID]),
                     "G": np.array([act.CODES[config["g_activation"]]] * len(config["g_hidden"]) + [act.LINEAR])}
        self.count = {net: int(sum(i * o + o for i, o in zip(s[:-1], s[1:]))) for net, s in self.sizes.items()}
        rng = np.random.default_rng([config["seed"], 1])
        self.hold(np.concatenate([self._initial_weights(net, rng) for net in NETS]))   # theta (PD + PG,) and the rest
        self.t_d = self.t_g = 0                 # each optimizer's steps (Adam's t)
        # the optimizer whose state (m, v, t) each network's slice holds, and the network's steps
        # under its earlier optimizers (a D or G step's number counts them all)
        self.optimizer_of = {net: config[f"{net.lower()}_optimizer"] for net in NETS}
        self.steps_before = {net: 0 for net in NETS}
        self.sub = 0          # steps done in this iteration (its plan: see plan())
        self.latched = None   # (plan, k) of the iteration in progress, fixed when it began
        self.sample = 0       # points done in this step
        self.step_loss = 0.0  # running loss of the step in progress
        self.d_total, self.d_count, self.g_last = 0.0, 0, None   # this iteration's step losses
        # the evaluation's latent points: fixed, so the metrics move only when G does
        self.z_eval = latent_points(np.random.default_rng([config["seed"], 3]),
                                    (self.X.shape[0], config["z_dim"]), config["latent"])

    # --- parameters ---------------------------------------------------------------------------
    def part(self, buf: np.ndarray, net: str) -> np.ndarray:
        """The slice of a flat buffer (theta, grad, m, v) that belongs to network `net`."""
        d = self.count["D"]
        return buf[:d] if net == "D" else buf[d:]

    def layers(self, net: str, buf=None):
        """[(W (I, O), b (O,)), ...] of `net` as views into theta (or a buffer of its layout)."""
        flat = self.part(self.theta if buf is None else buf, net)
        out, off, sizes = [], 0, self.sizes[net]
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            W = flat[off:off + n_in * n_out].reshape(n_in, n_out)
            off += n_in * n_out
            out.append((W, flat[off:off + n_out]))
            off += n_out
        return out

    def _named(self, buf):
        named = {}
        for net in NETS:
            for l, (W, b) in enumerate(self.layers(net, buf)):
                named[f"{net}.layer[{l}].W"], named[f"{net}.layer[{l}].b"] = W, b
        return named

    def _initial_weights(self, net, rng):
        """Glorot-uniform (He-normal before a ReLU); biases start at zero."""
        flat = np.zeros(self.count[net])
        sizes, off = self.sizes[net], 0
        for (n_in, n_out), kind in zip(zip(sizes[:-1], sizes[1:]), self.acts[net]):
            shape = (int(n_in), int(n_out))
            if kind == act.RELU:
                W = rng.normal(0.0, math.sqrt(2.0 / n_in), shape)
            else:
                limit = math.sqrt(6.0 / (n_in + n_out))
                W = rng.uniform(-limit, limit, shape)
            flat[off:off + W.size] = W.ravel()
            off += W.size + n_out
        return flat

    def hyper(self, net: str) -> np.ndarray:
        """(optimizer code, lr, μ, β1, β2, ε) of one network, as the kernels take it."""
        return np.array(self.optimizer_settings(f"{net.lower()}_"), np.float64)

    def optimizer_state(self) -> dict[str, dict[str, np.ndarray]]:
        """Each network's weights with its own optimizer's memory: the optimizer whose state its
        slice holds (optimizer_of: one changed live takes over, from zero, at that network's next
        update), so D's momentum velocity is never read as Adam's v."""
        return merged([self.remembered(optimizers.CODES[self.optimizer_of[net]], f"{net}.") for net in NETS])

    def fresh_optimizer(self, net: str) -> None:
        """Before `net`'s update: if its optimizer was changed (a live option), the new one starts
        from zero state, as a newly made optimizer does in any framework: no velocity or moments
        carried over from the old one, Adam's t from 0 (its bias correction). Only `net`'s slice;
        done here, not when the option is set, so an update already under way ends as it began."""
        chosen = self.config[f"{net.lower()}_optimizer"]
        if self.optimizer_of[net] == chosen:
            return
        self.optimizer_of = {**self.optimizer_of, net: chosen}
        for buf in (self.m, self.v):
            self.part(buf, net)[:] = 0.0
        if net == "D":
            self.steps_before = {**self.steps_before, "D": self.steps_before["D"] + self.t_d}
            self.t_d = 0
        else:
            self.steps_before = {**self.steps_before, "G": self.steps_before["G"] + self.t_g}
            self.t_g = 0

    def g_kind(self) -> int:
        return G_LOSSES[self.config["g_loss"]]

    def buffers(self, net: str) -> tuple:
        """theta, grad, m, v of `net`: views into the flat buffers."""
        return tuple(self.part(buf, net) for buf in (self.theta, self.grad, self.m, self.v))

    def net(self, net: str) -> tuple:
        """(theta, sizes, acts) of `net`: what a forward pass through it takes."""
        return self.part(self.theta, net), self.sizes[net], self.acts[net]

    # --- the loop ------------------------------------------------------------------------------
    def settings(self) -> tuple[str, int]:
        """(plan, k) of the iteration in progress. `train` and `k` are live, but an iteration keeps
        those it began with: a change takes effect at the next iteration, never inside a step (the
        cursor, the draws and the three paths all read these)."""
        if self.latched is not None:
            return self.latched
        train, k = self.config["train"], self.config["k"]
        return "D" * k * (train != "G") + "G" * (train != "D"), k

    def plan(self) -> str:
        """The steps of an iteration: k D steps then a G step, or those `train` keeps ("DG", "D", "G")."""
        return self.settings()[0]

    def k_now(self) -> int:
        """The iteration in progress's k (see settings)."""
        return self.settings()[1]

    def draws(self, epoch: int | None = None):
        """(rows, Z) of an iteration (default: the one in progress; see `draws`). The API's
        `latent` and `real_rows` give one step's, checked."""
        c = self.config
        k = self.k_now() if epoch is None or epoch == self.epoch else c["k"]
        args = (c["seed"], self.epoch if epoch is None else epoch, k, self.batch, self.X.shape[0],
                c["z_dim"], c["latent"])
        return _current_draws(*args) if epoch is None else draws(*args)

    def iteration_draws(self, count: int) -> tuple[np.ndarray, np.ndarray]:
        """(rows (count, k, B), Z (count, k + 1, B, z_dim)): `draws` of the `count` iterations from
        the one in progress on. Where the backend compiles, drawn by compiled code (the same bits,
        dlsim.kernels.seeded): a generator made per iteration in Python cost more than the iteration."""
        c, first = self.config, self.epoch
        k, n = self.k_now(), self.X.shape[0]
        if not getattr(self.kernels, "compiles", False):   # the NumPy backend (or a test's stand-in)
            batches = [self.draws(first + e) for e in range(count)]
            return np.stack([b[0] for b in batches]), np.stack([b[1] for b in batches])
        return seeded.latent_draws(c["seed"], first, count, DRAW_SALT, n, (k, self.batch),
                                   (k + 1, self.batch, c["z_dim"]), c["latent"] != "uniform")

    def step_inputs(self, net: str):
        """(real points (B, 2) or None, latent points (B, z_dim)) of the step at the cursor."""
        rows, Z = self.draws()
        if net == "D":
            j = min(self.sub, self.k_now() - 1)
            return self.X[rows[j]], Z[j]
        return None, Z[self.k_now()]

    def targets(self, y):
        """Every point of the data is real: target 1 (the labels of a two-class set mean nothing here)."""
        return np.ones((len(y), 1))

    def check_targets(self, Y):
        raise UserError("the GAN takes no targets: the points given are real ones (pass class labels, or nothing)")

    def gradients(self, X, Y):
        """D's loss on the real points X against as many fakes (from fixed latent points), with
        ∂L_D/∂(D's parameters); and ∂L_G/∂(G's parameters) on those fakes: one D step's and one G
        step's gradients, with nothing changed."""
        Z = latent_points(np.random.default_rng([self.config["seed"], 5]), (len(X), self.config["z_dim"]),
                          self.config["latent"])
        loss, d_grad = self.d_gradients(X, Z)
        return loss, self._named(np.concatenate([d_grad, self.g_gradients(Z)[1]]))

    def ties(self, X):
        return np.abs(self.scores(X) - 0.5) <= TIE

    def evaluate(self):
        """D's accuracy on the real points and as many fakes (from the fixed z_eval), and the
        binned distance between the real and the generated points."""
        # each point on its own: by slices, a stop looked at between two (models/chunked)
        fakes = chunked.stacked(self, self.z_eval, lambda z: self._generate(z, self.kernels))
        real, fake = (chunked.stacked(self, X, lambda x: self._verdict(x, self.kernels)[1]) for X in (self.X, fakes))
        # the same fakes and verdicts the pictures show (gan_inspect): a run's frame takes them from here
        keep(self, "_evaluated_kept", self.kernels, (fakes, real, fake))
        right = np.count_nonzero(real > 0.5) + np.count_nonzero(fake < 0.5)
        return {"d_acc": float(right / (len(real) + len(fake))), "distance": binned_distance(self.X, fakes)}

    # --- the event stream ----------------------------------------------------------------------
    def epoch_done(self):
        return self.sub >= len(self.plan())

    def unit(self, detail):
        if self.latched is None:   # the iteration begins: it keeps these settings to its end
            self.latched = self.settings()
        net = self.plan()[self.sub]
        if detail >= Level.BATCH:
            return (self._compiled_step(net),)
        if self.sample < (2 * self.batch if net == "D" else self.batch):
            return gan_stepped.sample_events(self, net, self.sample)
        self.fresh_optimizer(net)
        return gan_stepped.update_events(self, net)

    def advance(self, event):
        if event.closes == Level.SAMPLE:
            self.sample += 1   # (a step's close moves the cursor in step_done)

    def _compiled_step(self, net):
        Xb, Zb = self.step_inputs(net)
        self.fresh_optimizer(net)
        if net == "D":
            self.t_d += 1
            loss = self.kernels.gan.d_step(*self.buffers("D"), self.t_d, self.sizes["D"], self.acts["D"],
                                           self.hyper("D"), *self.net("G"), Xb, Zb)
        else:
            self.t_g += 1
            loss = self.kernels.gan.g_step(*self.buffers("G"), self.t_g, self.sizes["G"], self.acts["G"],
                                           self.hyper("G"), *self.net("D"), self.g_kind(), Zb,
                                           np.empty((2, self.batch)))
        return self.step_done(net, loss)

    def step_done(self, net, loss):
        """Close a D or G step: count it, keep its loss for the iteration, move the cursor on."""
        loss = float(loss)   # the NumPy reference's is a NumPy scalar
        self.steps += 1
        if net == "D":
            self.d_total += loss
            self.d_count += 1
        else:
            self.g_last = loss
        self.sub += 1
        self.sample, self.step_loss = 0, 0.0
        mine = f"{net}."   # the parameters it changed, and the gradient it took (the other network's is stale)
        return Event(Op.D_STEP if net == "D" else Op.G_STEP, UPDATE, f"gan.{net}", {
            "step": self.steps_before[net] + (self.t_d if net == "D" else self.t_g), "loss": loss, "points": self.batch,
            "params": {k: v.copy() for k, v in self.params.items() if k.startswith(mine)},
            "grads": {k: v.copy() for k, v in self.accumulated_gradients().items() if k.startswith(mine)},
        }, level=Level.BATCH, closes=Level.BATCH)

    def end_epoch(self):
        d_loss = self.d_total / self.d_count if self.d_count else None
        self.epoch += 1
        self.record({"d_loss": d_loss, "g_loss": self.g_last, **self.evaluate()})
        self.sub, self.d_total, self.d_count, self.g_last = 0, 0.0, 0, None
        self.latched = None    # the next iteration takes the options as they are then
        return Event(Op.EPOCH, EVALUATE, "gan", self.history[-1], level=Level.EPOCH, closes=Level.EPOCH)

    # --- the fused path ------------------------------------------------------------------------
    def train_fused(self, epochs, every=1):
        """Up to `epochs` epochs on the compiled path (see _train_fused); an epoch too long for one
        compiled call goes by batches, so that a stop takes effect within a chunk (models/chunked)."""
        return chunked.fused(self, epochs, lambda n: self._train_fused(n, every))

    def _train_fused(self, epochs, every=1):
        """Whole iterations per compiled call (at most `every`), evaluated after each call.
        Starts at an iteration boundary; stops after one whose loss is not finite."""
        assert self.sub == 0 and self.sample == 0, "train_fused starts at an iteration boundary"
        done = 0
        plan = self.plan()
        for net in set(plan):
            self.fresh_optimizer(net)
        while done < epochs and not chunked.requested.is_set():   # a stop: between two calls
            fits = DRAWN_BYTES // drawn_bytes(self.config["k"], self.batch, self.config["z_dim"])
            n = min(every, epochs - done, FUSED_CHUNK, max(1, fits))
            rows, Z = self.iteration_draws(n)
            d_losses, g_losses = np.empty(n), np.empty(n)
            ran, self.t_d, self.t_g = self.kernels.gan.train_iterations(
                *self.buffers("D"), *self.buffers("G"), self.t_d, self.t_g, self.sizes["D"], self.acts["D"],
                self.sizes["G"], self.acts["G"], self.hyper("D"), self.hyper("G"), self.g_kind(), self.X, rows, Z,
                plan.count("D"), plan.count("G"), d_losses, g_losses)
            for e in range(ran):
                self.epoch += 1
                self.steps += len(plan)
                self.record({"d_loss": float(d_losses[e]) if "D" in plan else None,
                             "g_loss": float(g_losses[e]) if "G" in plan else None})
            self.history[-1].update(self.evaluate())
            done += ran
            last = [losses[ran - 1] for net, losses in (("D", d_losses), ("G", g_losses)) if net in plan]
            if ran < n or not all(math.isfinite(x) for x in last):   # the kernel stopped on it
                break
        return done

    def warm_up(self, detail=Level.OP):
        """Compile what a run streaming `detail` needs (see exercise: all of it, on two points)."""
        if not self.kernels.compiles and detail >= Level.EPOCH:
            return   # the fused path runs the NumPy references: nothing to compile
        self.exercise()

    def exercise(self):
        """Every compiled path, on a scratch copy with two real points: whole iterations, a D and a G
        step per compiled call, a D and a G step op by op, the evaluation, and what the pictures show
        (inspect: the fakes, their push, G's map, D's verdict, the point in hand) on the model's own
        kernels, whatever kernels_now() says meanwhile (an iteration's D steps and its G step are
        separate kernels, and so are their scalar ones)."""
        d = self.data
        tiny = dataclasses.replace(d, X=d.X[:2], y=d.y[:2], X_test=d.X_test[:0], y_test=d.y_test[:0])
        scratch = type(self)({**self.config, "batch": 0, "train": "both"}, tiny)
        scratch.train_fused(1)
        for detail in (Level.BATCH, Level.OP):
            for event in scratch.events(detail):
                if event.closes >= Level.EPOCH:
                    break
        scratch._pictures(scratch.kernels)   # (G's push on the fakes: g_gradients called on its own)
        scratch._generate(np.ascontiguousarray(scratch.z_eval[:1]), scratch.kernels)   # the point in hand

    @classmethod
    def estimate(cls, config, data, history):
        return gan_estimate.estimate(config, data, history)

    def epoch_progress(self):
        return self.sub, len(self.plan())


    def batch_rows(self):
        """The real points the step in hand takes, as rows of X (drawn with replacement); a G step
        and an iteration's end take none."""
        plan = self.plan()
        if self.sub >= len(plan) or plan[self.sub] == "G":
            return np.empty(0, np.int64)
        return self.draws()[0][min(self.sub, self.k_now() - 1)]

    def order(self, epoch):
        raise UserError("the GAN has no sample order: each D step draws its real points at random, with "
                        "replacement (batch_rows() gives the step in hand's)")
