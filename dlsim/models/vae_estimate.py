"""What a variational autoencoder configuration costs, from its sizes before anything is allocated:
the autoencoder's arithmetic (the same layers, the code doubled at the heads) with ε's draw, z and
the KL counted per code unit."""
import dataclasses

from dlsim.models import ae_estimate
from dlsim.models.estimate import EVENT_BYTES
from dlsim.protocol.events import Level


def estimate(config, data, history):
    c = config["code"]
    base = ae_estimate.estimate({**config, "code": 2 * c, "tied": "no", "denoise": 0.0}, data, history)
    n = data.X.shape[0]
    extra = 7 * c   # per sample: ε drawn, z, KL, ∂L/∂z, ε's no-gradient, two KL gradients and δs per unit
    per_epoch = dict(base.per_epoch)
    per_epoch[Level.OP] += n * extra
    per_epoch[Level.LAYER] += 3 * n
    memory = dict(base.memory)
    key = "one sample's events, stepped op by op"
    if key in memory:
        memory[key] += extra * EVENT_BYTES
    return dataclasses.replace(base, per_epoch=per_epoch, memory=memory)
