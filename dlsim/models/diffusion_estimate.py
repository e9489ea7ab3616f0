"""What a diffusion configuration costs, from its sizes before anything is allocated: the denoiser
is an MLP (its arithmetic, as the MLP's estimate counts it), with the draws, the noising and the
time features added to every point, and the evaluation's sampling chain (T steps over the generated
points) and its loss at every t."""
from dlsim.models.estimate import EVENT_BYTES, FLOAT, Estimate, Work, history_bytes
from dlsim.models.mlp_estimate import ACTIVATION_SECONDS, CALL_SECONDS, EVENT_SECONDS, MULTIPLY_ADDS_PER_SECOND
from dlsim.protocol.events import Level

EVAL_ROWS = 64   # points whose loss is measured at every t (diffusion_inspect.loss_per_t)


def estimate(config, data, history) -> Estimate:
    n = data.X.shape[0]
    T, m = config["T"], config["generated"]
    sizes = (2 + 2 * config["embed"], *config["hidden"], 2)
    pairs = list(zip(sizes[:-1], sizes[1:]))
    weights = sum(i * o for i, o in pairs)
    params = weights + sum(o for _, o in pairs)
    units, layers = sum(sizes), len(pairs)
    batch = config["batch"] or n
    batches = -(-n // batch)
    # stepped, per point: the draw, two coordinates noised, the time features, a weighted sum and an
    # activation per neuron, the loss, a δ per neuron, a gradient per parameter; per batch an update
    # per parameter and the batch's close
    per_sample = 1 + 2 + (sizes[0] - 2) + 2 * sum(sizes[1:]) + 1 + sum(sizes[1:]) + params
    per_epoch = {Level.OP: n * per_sample + batches * (params + 1) + 1,
                 Level.LAYER: n * (2 * layers + 4) + batches * (layers + 1) + 1,
                 Level.SAMPLE: n + batches + 1, Level.BATCH: batches + 1, Level.EPOCH: 1}
    state = 4 * params * FLOAT
    memory = {
        "parameters and optimizer state": state,
        "training data and an epoch's draws": n * 6 * FLOAT,
        "the evaluation's noise and path": (T + 1) * m * 4 * FLOAT,
        "working buffers": 4 * max(batch, m, EVAL_ROWS * T) * units * FLOAT,
        "rewind history": history_bytes(state + 2 * params * FLOAT, history),
        "one point's events, stepped op by op": per_sample * EVENT_BYTES,
    }
    evaluated = T * (m + EVAL_ROWS)   # rows through the denoiser to evaluate: the chain and the loss per t
    work = (Work(f"{n:,} points through {weights:,} weights, and {evaluated:,} to evaluate",
                 (3 * n + evaluated) * weights / MULTIPLY_ADDS_PER_SECOND
                 + (3 * n + evaluated) * units * ACTIVATION_SECONDS, "fewer points, T or generated points"),
            Work(f"{batches:,} batches, one compiled call each", batches * CALL_SECONDS, "a larger batch"))
    return Estimate.of(memory, per_epoch, work, EVENT_SECONDS)
