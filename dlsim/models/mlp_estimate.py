"""What an MLP configuration costs, worked out from its sizes before anything is allocated
(Model.estimate: the Simulator refuses what does not fit; lessons and headless runs warn of long work)."""
from dlsim.kernels import losses
from dlsim.models.estimate import EVENT_BYTES, FLOAT, Estimate, Work, history_bytes
from dlsim.protocol.events import Level

# Calibrated on the 2-core development machine: the fused step of the default MLP does about
# 3·10⁹ multiply-adds a second plus ~3 ns per activation; stepping runs ~50,000 events a second.
MULTIPLY_ADDS_PER_SECOND = 3e9
ACTIVATION_SECONDS = 3e-9
CALL_SECONDS = 2e-5
EVENT_SECONDS = 1 / 50_000


def estimate(config, data, history) -> Estimate:
    n, n_test = data.X.shape[0], data.X_test.shape[0]
    outputs = data.classes if losses.CODES[config["loss"]] == losses.SOFTMAX_CE else 1
    sizes = (data.X.shape[1], *config["hidden"], outputs)
    pairs = list(zip(sizes[:-1], sizes[1:]))
    weights = sum(i * o for i, o in pairs)                  # multiply-adds per sample and pass
    params = weights + sum(o for _, o in pairs)
    units, layers = sum(sizes), len(pairs)
    batch = config["batch"] or n
    batches = -(-n // batch)
    # stepped one op at a time: per sample a weighted sum and an activation per neuron (one
    # softmax for a softmax layer), the loss, a δ per output and per hidden neuron, a gradient
    # per weight and bias; per batch an update per parameter and the batch; then the epoch
    softmax = losses.CODES[config["loss"]] == losses.SOFTMAX_CE
    activations = sum(sizes[1:-1]) + (1 if softmax else outputs)
    per_sample = (sum(sizes[1:]) + activations + 1 + outputs + params + sum(sizes[1:-1]))
    events = n * per_sample + batches * (params + 1) + 1
    per_epoch = {Level.OP: events, Level.LAYER: n * (2 * layers + 1) + batches * (layers + 1) + 1,
                 Level.SAMPLE: n + batches + 1, Level.BATCH: batches + 1, Level.EPOCH: 1}
    state = 4 * params * FLOAT                              # theta, grad, m, v
    snapshot = state + 2 * params * FLOAT                   # + the last batch event's copies
    memory = {
        "parameters and optimizer state": state,
        "training data": (n + n_test) * (2 * sizes[0] + outputs + 2) * FLOAT,
        # one at a time: a batch's workspace while training (z, a, δ, scratch: (B, units)), or
        # forward() over a whole split to evaluate it (Z, A and the kernel's blocked copies)
        "working buffers": max(4 * max(n, n_test) * units,
                               4 * batch * units + batch * (sizes[0] + outputs)) * FLOAT,
        "rewind history": history_bytes(snapshot, history),
        "one sample's events, stepped op by op": per_sample * EVENT_BYTES,
    }
    work = (Work(f"{n:,} samples through {weights:,} weights (and {n + n_test:,} to evaluate)",
                 (3 * n + n + n_test) * weights / MULTIPLY_ADDS_PER_SECOND
                 + (3 * n + n_test) * units * ACTIVATION_SECONDS, "fewer samples, or smaller hidden layers"),
            Work(f"{batches:,} batches, one compiled call each", batches * CALL_SECONDS, "a larger batch"))
    return Estimate.of(memory, per_epoch, work, EVENT_SECONDS)

