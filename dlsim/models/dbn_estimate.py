"""What a DBN configuration costs: each stage is a network with its own estimate (an RBM per layer,
then the MLP), so the DBN's is theirs combined: memory summed (every part is held at once), the
epoch of the costliest stage (an upper bound on any epoch's)."""
import dataclasses

import numpy as np

from dlsim.models.estimate import Estimate
from dlsim.models.mlp import MLP
from dlsim.models.rbm import RBM
from dlsim.models.dbn_stages import config_for, rbm_config


def _shaped(data, width):
    """data with inputs of `width` values each, allocating nothing (an estimate reads shapes)."""
    return dataclasses.replace(data, X=np.broadcast_to(0.0, (len(data.X), width)),
                               X_test=np.broadcast_to(0.0, (len(data.X_test), width)))


def estimate(config, data, history) -> Estimate:
    sizes = (int(np.prod(data.X.shape[1:])), *config["layers"])
    parts = [(f"layer {l + 1}", RBM.estimate(rbm_config(config, l, sizes[l]), _shaped(data, sizes[l]), history))
             for l in range(len(config["layers"]))]
    mlp = config_for(MLP, config, hidden=tuple(config["layers"]), activation="sigmoid", loss="softmax_ce")
    parts.append(("fine-tuning", MLP.estimate(mlp, _shaped(data, sizes[0]), history)))
    worst = max((e for _, e in parts), key=lambda e: e.epoch_seconds)
    memory = {f"{name}: {what}": size for name, e in parts for what, size in e.memory.items()}
    per_epoch = {level: max(e.per_epoch[level] for _, e in parts) for level in worst.per_epoch}
    return Estimate(memory, per_epoch, worst.epoch_seconds, max(e.event_seconds for _, e in parts), worst.work)
