"""What an RNN or LSTM configuration costs, from its sizes before anything is allocated
(Model.estimate: the Simulator refuses what does not fit; lessons and headless runs warn of long work)."""
from dlsim.models.estimate import EVENT_BYTES, FLOAT, Estimate, Work, history_bytes
from dlsim.models.recurrent_options import layer_sizes
from dlsim.protocol.events import Level

# Calibrated on the 2-core development machine: the fused epoch does about 10⁹ multiply-adds a
# second (forward, BPTT and the gradient outer products); stepping runs ~30,000 events a second.
MULTIPLY_ADDS_PER_SECOND = 1e9
EVENT_SECONDS = 1 / 30_000


def estimate(gates, config, data, history) -> Estimate:
    n, n_test = data.X.shape[0], data.X_test.shape[0]
    F = data.X.shape[2] if data.X.ndim == 3 else 1
    T = config["length"] + 1                    # first_bit adds the bit's step: an upper bound
    sizes = layer_sizes(config)
    H, L = sizes[0], len(sizes)
    O = max(data.classes, 1)
    rows = gates * H
    params = sum(rows * ((F if l == 0 else H) + H + 1) + 2 * H for l in range(L)) + O * H + O
    batch = config["batch"] or n
    batches = -(-n // batch)
    # per sequence, stepped: per step and layer a sum (and activation, or cell) per row/unit, an
    # output and a loss; backward an output δ, a δ per unit and a gradient event per layer
    per_step = L * (rows + H) + 2 + 1 + L * (H + 1)
    per_sample = T * per_step + 1
    per_epoch = {Level.OP: n * per_sample + batches * (2 * L + 4) + 1, Level.LAYER: n * 2 * T + batches * 2 + 1,
                 Level.SAMPLE: n + batches + 1, Level.BATCH: batches + 1, Level.EPOCH: 1}
    macs = T * (L * rows * (F + H) + O * H)      # forward, per sequence
    state = 5 * params * FLOAT                  # theta, grad, m, v and the last clipped gradient
    memory = {
        "parameters and optimizer state": state,
        "training data": (n + n_test) * T * (F + O) * FLOAT,
        "working buffers": max(batch, n, n_test) * T * L * (3 * rows + 4 * H + 2 * O) * FLOAT,
        "rewind history": history_bytes(state + T * L * (rows + 3 * H) * FLOAT, history),
        "one sequence's events, stepped op by op": per_sample * EVENT_BYTES,
    }
    work = (Work(f"{n:,} sequences of {T:,} steps through {macs // T:,} multiply-adds a step",
                 (3 * n + n + n_test) * macs / MULTIPLY_ADDS_PER_SECOND,
                 "fewer samples, a shorter length, or fewer hidden units"),)
    return Estimate.of(memory, per_epoch, work, EVENT_SECONDS)
