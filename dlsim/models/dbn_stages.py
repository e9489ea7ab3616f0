"""The deep belief network's parts, each the network dlsim already has: one RBM per hidden layer
(dlsim.models.rbm, trained by its own CD code and kernels) and, for fine-tuning, an MLP
(dlsim.models.mlp: sigmoid layers and a softmax on top, trained by its own backpropagation). This
file builds them from the DBN's options and hands each frozen layer's hidden probabilities up to
the layer above: a part never knows it is stacked.
"""
import dataclasses

import numpy as np

from dlsim.errors import UserError
from dlsim.models.mlp import MLP
from dlsim.models.rbm import RBM
from dlsim.protocol.datasets import VECTORS

SHARED = ("k", "method", "optimizer", "lr", "momentum", "beta1", "beta2", "batch", "backend")


class Parts(tuple):
    """The DBN's parts: its structure, built once. What training changes in them each part saves in
    its own state (DBN.parts_state holds them all), so a deep copy of the tuple is the tuple."""

    def __deepcopy__(self, memo):
        return self


class LayerRBM(RBM):
    """An RBM whose visible units, above the first layer, are the layer below's probabilities: CD
    takes them as the data (Hinton's recipe), so the binary check becomes a range check."""

    def _binary(self, X, what="inputs"):
        X = self.check_inputs(X, what)   # (N, V): the layer below's width
        if not np.all((X >= 0.0) & (X <= 1.0)):
            raise UserError(f"{what} must be probabilities (0 to 1 in every place)")
        return np.ascontiguousarray(X)


def config_for(cls, config, **given):
    """cls's defaults, the DBN's shared options, then `given`."""
    out = {o.name: o.default for o in cls.options}
    out.update({k: config[k] for k in SHARED if k in out and k in config})
    out.update(given)
    return out


def _above(data, width, name):
    """data with its inputs replaced by (N, width) placeholders: a layer's, until the one below is frozen."""
    return dataclasses.replace(data, name=name, X=np.zeros((len(data.X), width)),
                               X_test=np.zeros((len(data.X_test), width)), kind=VECTORS)


def rbm_config(config, l, visible):
    """Layer l's options: its hidden units, and the seed the standalone RBM takes (layer 0: the same)."""
    return config_for(RBM, config, hidden=config["layers"][l], seed=config["seed"] + l,
                   samples=config["samples"], test=config["test"], dataset=config["dataset"])


def build(config, data):
    """[RBM of layer 0, RBM of layer 1, …, MLP]: layer 0 on the data, each above on placeholders."""
    sizes = (int(np.prod(data.shape)), *config["layers"])
    parts = []
    for l in range(len(config["layers"])):
        if l == 0:
            parts.append(RBM(rbm_config(config, l, sizes[l]), data))   # the standalone RBM, on the images
        else:
            parts.append(LayerRBM(rbm_config(config, l, sizes[l]), _above(data, sizes[l], f"{data.name}/h{l}")))
    mlp_config = config_for(MLP, config, hidden=tuple(config["layers"]), activation="sigmoid", loss="softmax_ce",
                         seed=config["seed"], lr=config["finetune_lr"])
    flat = dataclasses.replace(data, X=data.X.reshape(len(data.X), sizes[0]),
                               X_test=data.X_test.reshape(len(data.X_test), sizes[0]))   # (N, pixels)
    parts.append(MLP(mlp_config, flat))
    return parts


def hand_up(below, above):
    """Give `above` (an RBM) the frozen `below`'s p(h|v) of the training and test images as its data,
    and its persistent chains their first rows (as an RBM's start from its data)."""
    train = below.hidden_probabilities(below.X)
    test = below.hidden_probabilities(below.data.X_test.reshape(len(below.data.X_test), -1)) \
        if len(below.data.X_test) else np.zeros((0, below.H))
    above.X[...] = train
    above.data = dataclasses.replace(above.data, X=train, X_test=test)


def withdraw(above):
    """Take back what hand_up gave (a rewind to before the layer below was frozen)."""
    above.X[...] = 0.0
    above.data = _above(above.data, above.V, above.data.name)


def start_chains(rbm):
    rbm.chains[...] = rbm.X[np.arange(rbm.batch_size) % len(rbm.X)]
    rbm.ends[...] = rbm.chains


def initialise_from(mlp, rbms):
    """The MLP's sigmoid layers take the RBMs' weights and hidden biases (its softmax layer keeps its own)."""
    for (W, b), rbm in zip(mlp.layers(), rbms):
        W[...] = rbm.params["W"]
        b[...] = rbm.params["b"]
