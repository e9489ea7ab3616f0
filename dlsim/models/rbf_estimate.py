"""What an RBF configuration costs, worked out from its sizes before anything is allocated
(Model.estimate: the Simulator refuses what does not fit; lessons and headless runs warn of long work)."""
from dlsim.models.estimate import EVENT_BYTES, FLOAT, Estimate, Work, history_bytes
from dlsim.protocol.events import Level

# Calibrated on the 2-core development machine: a unit's distance, Gaussian and gradients for one
# sample take about 30 ns on the fused path (exp dominates); stepping runs ~50,000 events a second.
UNIT_SECONDS = 3e-8
EVENT_SECONDS = 1 / 50_000


def estimate(config, data, history) -> Estimate:
    n, dims = data.X.shape
    n_test = data.X_test.shape[0]
    K = config["centres"]
    params = K * (dims + 2) + 1
    learned = config["placement"] == "learned"
    batches = -(-n // (config["batch"] or n))
    # stepped: a distance and a Gaussian per unit, the output, the loss, δ, a gradient per trainable
    # parameter; per batch an update per trainable parameter (the solve: one op; k-means: a move per centre)
    trainable = params if learned else K + 1
    per_sample = 2 * K + 3 + trainable
    per_epoch = {Level.OP: n * per_sample + batches * (trainable + 1) + 1, Level.LAYER: 4 * n + 2 * batches + 1,
                 Level.SAMPLE: n + batches + 1, Level.BATCH: batches + 1, Level.EPOCH: 1}
    state = 4 * params * FLOAT + (K + 1) * (K + 2) * FLOAT + K * (dims + 1) * FLOAT
    memory = {
        "parameters, optimizer state and the normal equations": state,
        "training data and targets": (n + n_test) * (dims + 2) * FLOAT,
        "working buffers (φ of a whole split)": max(n, n_test) * (K + 1) * FLOAT,
        "rewind history": history_bytes(state + 2 * params * FLOAT, history),
        "one sample's events, stepped op by op": per_sample * EVENT_BYTES,
    }
    seconds = (2 * n + n_test) * K * (dims + (dims if learned else 0) + 2) * UNIT_SECONDS + (K + 1) ** 3 * 1e-9
    work = (Work(f"{n:,} samples through {K:,} Gaussian units (and {n + n_test:,} to evaluate)", seconds,
                 "fewer samples or centres"),)
    return Estimate.of(memory, per_epoch, work, EVENT_SECONDS)
