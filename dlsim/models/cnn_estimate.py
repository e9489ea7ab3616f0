"""What a CNN configuration costs, worked out from its sizes before anything is allocated
(Model.estimate: the Simulator refuses what does not fit; lessons and headless runs warn of long work).
Building the architecture here also refuses, in one line, a kernel or stride that does not fit."""
from dlsim.kernels.cnn import IN_C, IN_H, IN_W, N_KERNELS, SIZE
from dlsim.models import cnn_net
from dlsim.models.estimate import EVENT_BYTES, FLOAT, Estimate, Work, history_bytes
from dlsim.protocol.events import Level

# Calibrated on the 2-core development machine: the compiled step does about 10⁹ multiply-adds a
# second (forward, ∂K, δ below: about three per weight and position); stepping ~30,000 events a second.
MULTIPLY_ADDS_PER_SECOND = 1e9
CALL_SECONDS = 2e-5
EVENT_SECONDS = 1 / 30_000


def estimate(config, data, history) -> Estimate:
    n, n_test = data.X.shape[0], data.X_test.shape[0]
    conv, sizes = cnn_net.build(data.shape, config, data.classes)
    params = cnn_net.param_offsets(conv, sizes)[-1]
    workspace = cnn_net.map_offsets(conv, sizes)[-1]
    macs, cells, pooled, below = 0, 0, 0, 0
    for l, row in enumerate(conv):
        ho, wo, hp, wp = cnn_net.layer_dims(row)
        f, k, c = int(row[N_KERNELS]), int(row[SIZE]), int(row[IN_C])
        macs += f * ho * wo * c * k * k
        cells += f * ho * wo
        pooled += f * hp * wp
        below += c * int(row[IN_H]) * int(row[IN_W]) if l > 0 else 0   # δ to each input cell
    dense = sum(int(i * o) for i, o in zip(sizes[:-1], sizes[1:]))
    units = int(sum(sizes[1:]))
    batch = config["batch"] or n
    batches = -(-n // batch)
    kernels = sum(int(row[N_KERNELS]) for row in conv)
    # stepped: per cell a conv, an activation, a mask and a ∂K; per pooled cell a pool and its routing;
    # the dense neurons forward and back; per kernel a ∂b; per input cell below the first layer its δ
    per_sample = 4 * cells + 2 * pooled + 1 + 3 * units + 2 + kernels + below + len(conv)
    per_batch = kernels + units + 1
    per_epoch = {Level.OP: n * per_sample + batches * per_batch + 1,
                 Level.LAYER: n * (5 * kernels + 6) + batches * 3 + 1,
                 Level.SAMPLE: n + batches + 1, Level.BATCH: batches + 1, Level.EPOCH: 1}
    state = 4 * params * FLOAT                         # theta, grad, m, v
    snapshot = state + 3 * workspace * FLOAT + 2 * params * FLOAT   # + a sample's maps, δs and winners
    memory = {
        "parameters and optimizer state": state,
        "training data": (n + n_test) * (data.X[0].size + data.classes + 1) * FLOAT,
        "working buffers": 3 * workspace * FLOAT + max(n, n_test) * data.classes * FLOAT,
        "rewind history": history_bytes(snapshot, history),
        "one sample's events, stepped op by op": per_sample * EVENT_BYTES,
    }
    passes = 3 * n + n + n_test     # forward, ∂K and δ while training; forward to evaluate both splits
    work = (Work(f"{n:,} images through {macs:,} multiply-adds of convolution each", passes * macs
                 / MULTIPLY_ADDS_PER_SECOND, "fewer samples, fewer kernels, or a smaller image"),
            Work(f"{n:,} samples through {dense:,} dense weights", passes * dense / MULTIPLY_ADDS_PER_SECOND,
                 "fewer samples, or smaller hidden layers"),
            Work(f"{batches:,} batches, one compiled call each", batches * CALL_SECONDS, "a larger batch"))
    return Estimate.of(memory, per_epoch, work, EVENT_SECONDS)
