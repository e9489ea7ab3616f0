"""The deep belief network: RBMs stacked and trained greedily, then (optionally) fine-tuned as one
supervised network.

Layer 1 learns the images by contrastive divergence for `pretrain` epochs and is then frozen; layer 2
learns layer 1's hidden probabilities p(h|v) for as many epochs, and so on up the stack. Fine-tuning
then puts a softmax layer on top and trains the whole stack by backpropagation, its sigmoid layers
starting from the RBMs' weights and hidden biases (with pretrain=0: from the MLP's own random start,
the comparison that shows what pre-training buys). Each stage is a network dlsim already has, run by
its own code and kernels (dlsim.models.dbn_stages): the RBM's CD ops and the MLP's forward, backward
and update ops, stepped, batched or fused to the same bits. The DBN keeps the schedule (which stage
an epoch belongs to), hands each frozen layer's output up, and records one history across stages.
"""
import math

import numpy as np

from dlsim.errors import UserError
from dlsim.models import chunked, dbn_stages
from dlsim.models import options as opt
from dlsim.models import rbm_data
from dlsim.models.base import Model
from dlsim.models.dbn_estimate import estimate
from dlsim.models.dbn_formulas import FORMULAS, MAX_LAYERS, METRICS
from dlsim.models.dbn_inspect import DBNInspect
from dlsim.models.flat_parameters import merged
from dlsim.protocol.events import EVALUATE, Event, Level

EPOCH = "epoch"


class DBN(DBNInspect, Model):
    name = "dbn"
    highlightable = frozenset({"completion_error"})   # its pictures turned to the completion, as an RBM's
    summary = "RBMs stacked and trained greedily, layer by layer, then fine-tuned by backpropagation"
    datasets = ("digits", "bars")
    dataset_source = {"digits": rbm_data.DIGITS, "bars": rbm_data.BARS}
    kinds = ("vectors",)
    default_epochs = 40
    metrics = METRICS
    saved = ("config", "epoch", "steps", "parts_state")
    # each stage's loss watched on its own: the reconstruction of one layer and the next's, and the
    # classifier's cross-entropy, are on scales of their own (a stage change is no explosion)
    watched_losses = {**{f"layer{l + 1}_loss": f"layer {l + 1}" for l in range(MAX_LAYERS)},
                      "finetune_loss": "fine-tuning"}
    learning_rule = "greedy contrastive divergence, layer by layer, then backpropagation"
    formulas = FORMULAS
    options = (
        opt.choice("dataset", "digits", "binary images: the 8×8 digits binarised, or bars-and-stripes (4×4)", datasets),
        opt.integer("seed", 0, "seeds the data, every layer's weights, the orders and every Bernoulli draw "
                    "(layer l's RBM takes seed + l: layer 1's is the standalone RBM's)"),
        opt.sizes("layers", (64, 32, 16), "hidden layer sizes, bottom up: one RBM each", layers=MAX_LAYERS),
        opt.integer("pretrain", 10, "CD epochs of each layer before the next (0: no pre-training)", low=0,
                    high=100_000),
        opt.choice("finetune", "on", "after pre-training, a softmax layer on top and backpropagation through "
                   "the whole stack (off: the top RBM trains on)", ("on", "off")),
        opt.integer("k", 1, "Gibbs steps of each layer's negative phase (CD-k)", low=1, high=1000, live=True),
        opt.choice("method", "cd", "cd: chains start at the data; pcd: persistent chains", ("cd", "pcd")),
        *opt.optimizer_options("sgd", 0.1),
        opt.real("finetune_lr", 0.5, "the learning rate of fine-tuning (the optimizer's, with its other settings)",
                 low=0.0, low_open=True),
        opt.integer("batch", 10, "samples per update, pre-training and fine-tuning (0: the full set)", low=0,
                    high=10**7),
        opt.integer("samples", 1000, "training images (the digits have 1,797 in all)", low=2, high=1_000_000),
        opt.integer("test", 300, "test images (test accuracy; each layer's held-out free energy)", low=0,
                    high=1_000_000),
        opt.real("noise", 0.0, "the probability that each pixel is flipped", high=0.5),
        opt.backend(),
    )
    warm_up_configs = ({"pretrain": 1}, {"pretrain": 0}, {"pretrain": 1, "method": "pcd", "k": 2, "optimizer": "adam"})
    warm_up_size = {"layers": (3, 2), "samples": 8, "test": 4, "batch": 4}

    def __init__(self, config, data):
        super().__init__(config, data)
        if not config["layers"]:
            raise UserError("option 'layers': a DBN needs at least one hidden layer (e.g. 64,32,16)")
        if config["pretrain"] == 0 and config["finetune"] == "off":
            raise UserError("pretrain=0 and finetune=off leave nothing to train; give pretrain > 0 or finetune=on")
        if config["batch"] > len(data.X):
            raise UserError(f"option 'batch': {config['batch']} is larger than the {len(data.X)} training samples; "
                            f"use 1..{len(data.X)}, or 0 for the full set")
        self.parts = dbn_stages.Parts(dbn_stages.build(self.config, data))   # (RBM 0, …, RBM L−1, MLP)
        self.side = self.rbms[0].side
        self._handed = {}   # layer → the thetas below it its data were computed from (derived, not saved)

    @property
    def rbms(self):
        return self.parts[:-1]

    @property
    def mlp(self):
        return self.parts[-1]

    # --- the schedule ---------------------------------------------------------------------------
    def stage(self, epoch=None) -> int:
        """The part an epoch trains: l < L pre-trains RBM l, L fine-tunes (the MLP)."""
        epoch = self.epoch if epoch is None else epoch
        L, P = len(self.rbms), int(self.config["pretrain"])
        if epoch < L * P:
            return epoch // P
        return L if self.config["finetune"] == "on" else L - 1

    @property
    def current(self):
        return self.parts[self.stage()]

    def _ready(self, stage: int) -> None:
        """Make the stage's inputs from the frozen layers below (on entering it, and after a rewind:
        derived from their weights, so never saved)."""
        for l in range(1, len(self.rbms)):
            if l > stage:
                if self._handed.pop(l, None) is not None:
                    dbn_stages.withdraw(self.rbms[l])
                continue
            key = np.concatenate([r.theta for r in self.rbms[:l]])
            if l not in self._handed or not np.array_equal(self._handed[l], key):
                dbn_stages.hand_up(self.rbms[l - 1], self.rbms[l])
                self._handed[l] = key

    def _enter(self, stage: int) -> None:
        """What starting a stage does once: the RBM's chains from its new data; the MLP's weights from
        the RBMs (where they were pre-trained)."""
        self._ready(stage)
        if stage < len(self.rbms):
            dbn_stages.start_chains(self.rbms[stage])
        elif self.config["pretrain"] > 0:
            dbn_stages.initialise_from(self.mlp, self.rbms)

    # --- state: each part's, the DBN's schedule on top ------------------------------------------
    @property
    def parts_state(self):
        return [p.state() for p in self.parts]

    @parts_state.setter
    def parts_state(self, states):
        for part, state in zip(self.parts, states):
            part.set_state(state)
        self._ready(self.stage())

    @property
    def steps(self):
        return sum(p.steps for p in getattr(self, "parts", ()))

    @steps.setter
    def steps(self, value):
        pass   # the parts count their own updates

    def set_option(self, name, value):
        super().set_option(name, value)
        for part in self.parts:
            if name in part.config or (name == "finetune_lr" and part is self.mlp):
                part.set_option("lr" if name == "finetune_lr" else name, value)
        if name == "lr":
            self.mlp.set_option("lr", self.config["finetune_lr"])

    @property
    def params(self):
        return {f"{prefix}.{k}": v for prefix, part in self._prefixed() for k, v in part.params.items()}

    def flat_params(self):
        return np.concatenate([p.theta for p in self.parts])

    def optimizer_state(self):
        """Each part's optimizer's memory, by the names params gives its weights."""
        return merged([{symbol: {f"{prefix}.{k}": v for k, v in named.items()} for symbol, named in
                        part.optimizer_state().items()} for prefix, part in self._prefixed()])

    def _prefixed(self):
        return [*((f"rbm[{l}]", r) for l, r in enumerate(self.rbms)), ("finetune", self.mlp)]

    # --- the stepper's contract: the part in hand's units ---------------------------------------
    def epoch_done(self):
        return self.current.epoch_done()

    def unit(self, detail):
        return self.current.unit(detail)

    def advance(self, event):
        self.current.advance(event)

    def epoch_progress(self):
        return self.current.epoch_progress()

    def batch_rows(self):
        return self.current.batch_rows()

    def order(self, epoch):
        """The sample order of a DBN epoch: its part's, at that part's own epoch count."""
        stage = self.stage(epoch)
        return self.parts[stage].order(epoch - stage * int(self.config["pretrain"]))

    def n_batches(self):
        return self.current.n_batches()

    @property
    def sample(self):
        return self.current.sample

    @property
    def batch_index(self):
        return self.current.batch_index

    @property
    def batch_size(self):
        return self.current.batch_size

    def end_epoch(self):
        part = self.current
        part.end_epoch()
        return self._close(part)

    def _close(self, part):
        self._record_from(part.history[-1], self.stage())
        return Event(EPOCH, EVALUATE, self.name, self.history[-1], level=Level.EPOCH, closes=Level.EPOCH)

    def train_fused(self, epochs, every=1):
        """Each stage's own fused path for its epochs (measured every `every`, as each part measures),
        the DBN's bookkeeping between them."""
        done = 0
        while done < epochs and not chunked.requested.is_set():
            stage, part = self.stage(), self.current
            left = self._left_in_stage()
            ran = part.train_fused(min(epochs - done, left), every)
            if ran == 0:
                break
            for entry in part.history[-ran:]:
                self._record_from(entry, stage)
            done += ran
            if not all(math.isfinite(v) for k, v in self.history[-1].items()
                       if k.endswith("loss") and isinstance(v, float)):
                break
        return done

    def _record_from(self, entry, stage):
        """The DBN's epoch after its part's: the part's entry, and the next stage entered where it starts."""
        self.epoch += 1
        own = "finetune_loss" if stage == len(self.rbms) else f"layer{stage + 1}_loss"
        measured = {own: entry["loss"]} if "loss" in entry else {}   # a part measures every `every` epochs
        self.record({**{k: v for k, v in entry.items() if k != "epoch"}, **measured, "part": stage})
        if self.stage() != stage:
            self._enter(self.stage())

    def _left_in_stage(self) -> int:
        stage, L, P = self.stage(), len(self.rbms), int(self.config["pretrain"])
        if self.epoch < L * P:
            return (stage + 1) * P - self.epoch
        return 2**62

    # --- whole-set maths: the API ----------------------------------------------------------------
    def layer_probabilities(self, X, layer=None):
        """p(h|v) of each hidden layer up to `layer` (default the top), frozen RBMs only: [(N, H_l)]."""
        X = self.rbms[0]._binary(X)
        out, top = [], len(self.rbms) - 1 if layer is None else layer
        for rbm in self.rbms[:top + 1]:
            X = rbm.hidden_probabilities(X)
            out.append(X)
        return out

    def probabilities(self, X):
        """(N, classes): the fine-tuned stack's softmax."""
        return self.mlp.probabilities(self._flat(X))

    def predict(self, X):
        return self.mlp.predict(self._flat(X))

    def gradients(self, X, Y):
        """(loss, {name: ∂L/∂param}) of fine-tuning's cross-entropy on (X, Y) through the whole stack."""
        loss, grads = self.mlp.gradients(self._flat(X), Y)
        return loss, {f"finetune.{k}": v for k, v in grads.items()}

    def targets(self, y):
        """Class numbers as the classifier's one-hot rows (N, classes)."""
        return self.mlp.targets(y)

    def check_targets(self, Y):
        return self.mlp.check_targets(Y)

    def accumulated_gradients(self):
        grads = self.current.accumulated_gradients()
        return None if grads is None else {f"finetune.{k}": v for k, v in grads.items()}

    def _flat(self, X):
        X = self.check_inputs(X)
        return X.reshape(len(X), self.rbms[0].V)

    def evaluate(self):
        """The part in hand's measures: an RBM's reconstruction and free energies, or the classifier's
        loss and accuracy."""
        return self.current.evaluate()

    def exercise(self):
        """Each RBM's pictures; the classifier's evaluation and probabilities (not the MLP's own
        exercise: its decision plane is for 2-D points)."""
        for rbm in self.rbms:
            rbm.exercise()
        self.mlp.evaluate()
        self.probabilities(self.data.X[:2])

    @classmethod
    def estimate(cls, config, data, history):
        return estimate(config, data, history)
