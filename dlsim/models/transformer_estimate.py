"""What a transformer configuration costs, from its options before anything is allocated (the
Simulator refuses what does not fit; lessons and headless runs warn of long work)."""
from dlsim.models import transformer_data
from dlsim.models.estimate import EVENT_BYTES, FLOAT, Estimate, Work, history_bytes
from dlsim.protocol.events import Level

# Calibrated on the 2-core development machine: the fused path's row kernels do about 6·10⁸
# multiply-adds a second (one sequence at a time, short rows); stepping ~20,000 events a second.
MULTIPLY_ADDS_PER_SECOND = 6e8
EVENT_SECONDS = 1 / 20_000
VOCABULARY = {"brackets": 6, "induction": 18, "poems": 64}   # else the digits, ">" and "_": 12


def context(config) -> int:
    """T, the positions the network reads: the task's length plus its separator and answer."""
    n, task = config["length"], config["dataset"]
    return {"brackets": n + 1, "induction": n + 2, "poems": n}.get(task, 2 * n)


def estimate(config, history) -> Estimate:
    config = transformer_data.with_task_defaults(config)
    n, n_test = config["samples"], config["test"]
    T, D, H, F, L = context(config), config["d_model"], config["heads"], config["mlp"], config["layers"]
    V = VOCABULARY.get(config["dataset"], 12)
    params = V * D + T * D + L * (4 * D * D + 2 * D * F + 9 * D + F) + 2 * D + D * V + V
    batch = config["batch"] or n
    batches = -(-n // batch)
    # stepped, per sequence: per block T layer norms, T projections, 3 events per head and query,
    # T output projections and residuals, T MLP rows, norms and residuals; the output, the loss;
    # backward about as many again
    per_block = T * (1 + 1 + 3 * H + 2 + 3 + 1)
    per_sample = 2 * (T + L * per_block + 3 * T)
    updates = 4 + 16 * L
    per_epoch = {Level.OP: n * per_sample + batches * (updates + 1) + 1,
                 Level.LAYER: n * (4 + 4 * L) + batches + 1,
                 Level.SAMPLE: n + batches + 1, Level.BATCH: batches + 1, Level.EPOCH: 1}
    macs = T * L * (4 * D * D + 2 * D * F + 2 * T * D) + T * D * V   # forward, per sequence
    workspace = 2 * T * (L * (14 * D + 2 * F + 4 * H * T) + 2 * D + 2 * V) * FLOAT
    state = 4 * params * FLOAT
    memory = {
        "parameters and optimizer state": state,
        "training data": (n + n_test) * 2 * T * FLOAT,
        "working buffers": workspace + max(n, n_test) * T * V * FLOAT,
        "rewind history": history_bytes(state + workspace, history),
        "one sequence's events, stepped op by op": per_sample * EVENT_BYTES,
    }
    work = (Work(f"{n:,} sequences of {T} tokens through {macs:,} multiply-adds each",
                 (3 * n + n + n_test) * macs / MULTIPLY_ADDS_PER_SECOND,
                 "fewer samples, a shorter length, or a smaller d_model"),)
    return Estimate.of(memory, per_epoch, work, EVENT_SECONDS)
