"""What a variational autoencoder configuration costs, from its sizes before anything is allocated:
the autoencoder's arithmetic (the same layers, the code doubled at the heads) with ε's draw, z and
the KL counted per code unit."""
import dataclasses

import numpy as np

from dlsim.models import ae_estimate
from dlsim.models.estimate import EVENT_BYTES
from dlsim.protocol.events import Level


def estimate(config, data, history):
    c = config["code"]
    base = ae_estimate.estimate({**config, "code": 2 * c, "tied": "no", "denoise": 0.0}, data, history)
    n, f = data.X.shape[0], int(np.prod(data.X.shape[1:]))
    batches = -(-n // (config["batch"] or n))
    encoder = tuple(config["encoder"])
    # the autoencoder's count with a 2C code feeds the decoder's first layer 2C inputs, the VAE's C
    surplus = c * (encoder[-1] if encoder else f)
    extra = 7 * c   # per sample: ε drawn, z, KL, ∂L/∂z, ε's no-gradient, the KL's gradient on both heads
    per_epoch = dict(base.per_epoch)
    per_epoch[Level.OP] += n * extra - (n + batches) * surplus
    per_epoch[Level.LAYER] += 3 * n   # closed per sample: z drawn, ∂L/∂z, the heads' δs
    memory = dict(base.memory)
    key = "one sample's events, stepped op by op"
    if key in memory:
        memory[key] += extra * EVENT_BYTES
    return dataclasses.replace(base, per_epoch=per_epoch, memory=memory)
