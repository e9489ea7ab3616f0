"""What an RBM configuration costs, from its sizes before anything is allocated (Model.estimate: the
Simulator refuses what does not fit; lessons and headless runs warn of long work)."""
from dlsim.models.estimate import EVENT_BYTES, FLOAT, Estimate, Work, history_bytes
from dlsim.protocol.events import Level

# calibrated on the 2-core development machine: a multiply-add of the chain ~1 ns, a logistic ~10 ns
MULTIPLY_ADDS_PER_SECOND = 1e9
UNIT_SECONDS = 1e-8
EVENT_SECONDS = 1 / 50_000
CALL_SECONDS = 2e-6
LL_WORK = 2**20   # multiply-adds (2^units · units · the other side) an epoch may spend on the exact log-likelihood


def estimate(config, data, history) -> Estimate:
    n, n_test = data.X.shape[0], data.X_test.shape[0]
    V = 1
    for d in data.X.shape[1:]:
        V *= d
    H, k = config["hidden"], config["k"]
    pcd = config["method"] == "pcd"
    params = V * H + V + H
    batches = -(-n // (config["batch"] or n))
    # stepped per sample: p(h) and h₀, V·H + V + H positive statistics, the reconstruction, the chain
    # (k times p(v), v, p(h), h but the last; pcd: its own start), V·H + V + H negative statistics
    chain = 2 * H + k * (2 * V + 2 * H) - H + (2 * H if pcd else 0)
    per_sample = chain + 2 * params + 1
    per_epoch = {Level.OP: n * per_sample + batches * (params + 1) + 1,
                 Level.LAYER: n * (2 * k + 5) + batches * 4 + 1,
                 Level.SAMPLE: n + batches + 1, Level.BATCH: batches + 1, Level.EPOCH: 1}
    state = 6 * params * FLOAT + 2 * V * (config["batch"] or n) * FLOAT
    small, large = sorted((V, H))
    ll = (2 ** small) * small * large if small <= 20 and (2 ** small) * small * large <= LL_WORK else 0
    memory = {
        "parameters, statistics and optimizer state": state,
        "training data": (n + n_test) * (V + 1) * FLOAT,
        "evaluation buffers": max(n, n_test) * (V + H) * FLOAT,
        "rewind history": history_bytes(state, history),
        "one sample's events, stepped op by op": per_sample * EVENT_BYTES,
    }
    mults = n * (k + 2) * 2 * V * H + (n + n_test) * 3 * V * H
    work = (Work(f"{n:,} chains of {k} Gibbs step{'s' * (k > 1)} through {V * H:,} weights", mults /
                 MULTIPLY_ADDS_PER_SECOND + n * (k + 2) * (V + H) * UNIT_SECONDS, "fewer samples, hidden units or k"),
            Work("the exact log-likelihood (2^units of the smaller layer)", ll / MULTIPLY_ADDS_PER_SECOND,
                 "more hidden units than 20 and more visible ones (it is then not measured)"),
            Work(f"{batches:,} batches, one compiled call each", batches * CALL_SECONDS, "a larger batch"))
    return Estimate.of(memory, per_epoch, work, EVENT_SECONDS)
