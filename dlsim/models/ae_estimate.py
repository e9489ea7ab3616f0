"""What an autoencoder configuration costs, from its sizes before anything is allocated: the MLP's
arithmetic (ae is an MLP whose target is its input), with the corruption and the tying counted."""
import numpy as np

from dlsim.models.estimate import EVENT_BYTES, FLOAT, Estimate, Work, history_bytes
from dlsim.models.mlp_estimate import ACTIVATION_SECONDS, CALL_SECONDS, EVENT_SECONDS, MULTIPLY_ADDS_PER_SECOND
from dlsim.protocol.events import Level


def estimate(config, data, history) -> Estimate:
    n, n_test = data.X.shape[0], data.X_test.shape[0]
    f = int(np.prod(data.X.shape[1:]))
    encoder = tuple(config["encoder"])
    sizes = (f, *encoder, config["code"], *encoder[::-1], f)
    pairs = list(zip(sizes[:-1], sizes[1:]))
    weights = sum(i * o for i, o in pairs)
    params = weights + sum(o for _, o in pairs)
    units, layers = sum(sizes), len(pairs)
    batch = config["batch"] or n
    batches = -(-n // batch)
    corrupt = f if config["denoise"] > 0 else 0
    tied = weights // 2 if config["tied"] == "yes" else 0
    # stepped: per sample the corruption, a weighted sum and an activation per neuron, the loss, a δ per
    # neuron, a gradient per parameter; per batch the tying, an update per parameter and the batch
    per_sample = corrupt + 2 * sum(sizes[1:]) + 1 + sum(sizes[1:]) + params
    events = n * per_sample + batches * (tied + params + 1) + 1
    # layers closed: per sample (the corruption,) each layer forward, the loss, each layer's gradients;
    # per batch (the tying,) each layer's update, the batch; the epoch
    closed = n * (2 * layers + 1 + (corrupt > 0)) + batches * (layers + 1 + (layers // 2 if tied else 0)) + 1
    per_epoch = {Level.OP: events, Level.LAYER: closed,
                 Level.SAMPLE: n + batches + 1, Level.BATCH: batches + 1, Level.EPOCH: 1}
    state = 4 * params * FLOAT
    memory = {
        "parameters and optimizer state": state,
        "training data": (n + n_test) * (f + 1) * FLOAT,
        "working buffers": max(4 * max(n, n_test) * units, 4 * batch * units + 2 * batch * f) * FLOAT,
        "rewind history": history_bytes(state + 2 * params * FLOAT, history),
        "one sample's events, stepped op by op": per_sample * EVENT_BYTES,
    }
    work = (Work(f"{n:,} inputs through {weights:,} weights (and {n + n_test:,} to evaluate)",
                 (3 * n + n + n_test) * weights / MULTIPLY_ADDS_PER_SECOND
                 + (3 * n + n_test) * units * ACTIVATION_SECONDS, "fewer samples, or a smaller encoder"),
            Work(f"{batches:,} batches, one compiled call each", batches * CALL_SECONDS, "a larger batch"))
    return Estimate.of(memory, per_epoch, work, EVENT_SECONDS)
