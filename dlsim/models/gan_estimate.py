"""What a GAN configuration costs, worked out from its sizes before anything is allocated
(Model.estimate: the Simulator refuses what does not fit; lessons and headless runs warn of long work)."""
from dlsim.models.estimate import EVENT_BYTES, FLOAT, Estimate, Work, history_bytes
from dlsim.models.mlp_estimate import ACTIVATION_SECONDS, CALL_SECONDS, EVENT_SECONDS, MULTIPLY_ADDS_PER_SECOND
from dlsim.protocol.events import Level

FUSED_CHUNK = 500          # iterations per compiled call at most …
DRAWN_BYTES = 32 * 2**20   # … and no more bytes than this of drawn batches and latent points


def _shape(sizes):
    pairs = list(zip(sizes[:-1], sizes[1:]))
    weights = sum(i * o for i, o in pairs)
    return weights, weights + sum(o for _, o in pairs), sum(sizes[1:]), len(pairs)


def drawn_bytes(k: int, batch: int, z_dim: int) -> int:
    """What one iteration's draws hold: rows (k, B) and Z (k + 1, B, z_dim)."""
    return 8 * (k * batch + (k + 1) * batch * z_dim)


def estimate(config, data, history) -> Estimate:
    n = data.X.shape[0]
    batch, k = config["batch"] or n, config["k"]
    d_w, d_p, d_units, d_layers = _shape((2, *config["d_hidden"], 1))
    g_w, g_p, g_units, g_layers = _shape((config["z_dim"], *config["g_hidden"], 2))
    # stepped: per point a weighted sum and an activation per neuron, a loss, a δ per neuron, a
    # gradient per parameter (a fake point in a D step goes through G first, with its z)
    real = 2 * d_units + 1 + d_units + d_p
    fake_d = real + 1 + 2 * g_units
    fake_g = 1 + 2 * g_units + 2 * d_units + 1 + d_units + 1 + g_units + g_p
    d_step, g_step = batch * (real + fake_d) + d_p + 1, batch * fake_g + g_p + 1
    events = k * d_step + g_step + 1
    per_epoch = {Level.OP: events,
                 Level.LAYER: k * (batch * (3 * d_layers + g_layers + 1) + d_layers + 1)
                 + batch * (2 * (g_layers + d_layers) + 1) + g_layers + 2,
                 Level.SAMPLE: k * (2 * batch + 1) + batch + 2, Level.BATCH: k + 2, Level.EPOCH: 1}
    params = d_p + g_p
    drawn = drawn_bytes(k, batch, config["z_dim"])
    state = 4 * params * FLOAT   # theta, grad, m, v of both
    memory = {
        "parameters and optimizer state": state,
        "training data and evaluation points": n * (2 + 1 + config["z_dim"]) * FLOAT,
        "working buffers": 4 * (2 * batch * (d_units + 2) + batch * (g_units + config["z_dim"])) * FLOAT
                           + 4 * n * max(d_units, g_units) * FLOAT,
        "rewind history": history_bytes(state, history),
        # a fused call's drawn batches (kept under DRAWN_BYTES, but one iteration's at least), and
        # the iteration in progress's, kept for stepping
        "drawn batches and latent points": max(min(DRAWN_BYTES, FUSED_CHUNK * drawn), drawn) + 2 * drawn,
        "one point's events, stepped op by op": max(real, fake_d, fake_g) * EVENT_BYTES,
    }
    def cost(multiply_adds, points):
        return multiply_adds / MULTIPLY_ADDS_PER_SECOND + points * (d_units + g_units) * ACTIVATION_SECONDS
    work = (Work(f"{k} D step{'s' if k > 1 else ''} of {batch:,} real and {batch:,} fake points",
                 cost(k * 2 * batch * (g_w + 3 * d_w), k * 2 * batch), "a smaller batch or k, or smaller layers"),
            Work(f"the G step's {batch:,} fake points", cost(batch * (3 * g_w + 2 * d_w), batch),
                 "a smaller batch, or smaller layers"),
            Work(f"the loss over {n:,} real points and as many fakes", cost(n * (g_w + 2 * d_w), 2 * n),
                 "fewer samples"),
            Work(f"{k + 1} compiled calls", (k + 1) * CALL_SECONDS, "a smaller k"))
    return Estimate.of(memory, per_epoch, work, EVENT_SECONDS)
