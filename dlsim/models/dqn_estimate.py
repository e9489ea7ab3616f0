"""What a DQN configuration costs, from its sizes before anything is allocated: per environment step
one forward pass to choose, and (when learning) a batch through the target network, a batch forward
and backward through the online one and an optimizer step; the replay buffer's memory."""
from dlsim.models.estimate import EVENT_BYTES, FLOAT, Estimate, Work, history_bytes
from dlsim.models.mlp_estimate import ACTIVATION_SECONDS, CALL_SECONDS, EVENT_SECONDS, MULTIPLY_ADDS_PER_SECOND
from dlsim.protocol.events import Level


def estimate(config, data, history) -> Estimate:
    env = data.environment
    n = config["steps_per_epoch"]
    sizes = (env.observation, *config["hidden"], len(env.actions))
    pairs = list(zip(sizes[:-1], sizes[1:]))
    weights = sum(i * o for i, o in pairs)
    params = weights + sum(o for _, o in pairs)
    units, batch = sum(sizes), config["replay_batch"]
    replay = config["replay"] * (2 * env.observation + 3) * FLOAT
    # stepped, per env step: observe, choose, env, push (+ an episode's end), then replay, a target
    # and an error per row, loss, gradient, update, copy, and the step's close
    per_step = 5 + 2 * batch + 6
    per_epoch = {Level.OP: n * per_step + 1, Level.LAYER: n * 5 + 1, Level.SAMPLE: n + 1,
                 Level.BATCH: n + 1, Level.EPOCH: 1}
    state = 5 * params * FLOAT + replay
    memory = {"parameters, target network and optimizer state": 5 * params * FLOAT,
              "replay buffer": replay,
              "working buffers": 4 * batch * units * FLOAT,
              "rewind history": history_bytes(state, history),
              "one step's events, stepped op by op": per_step * EVENT_BYTES}
    rows = n * (1 + 4 * batch / config["train_every"])   # rows through the network per epoch
    work = (Work(f"{n:,} environment steps through {weights:,} weights (batch {batch})",
                 rows * weights / MULTIPLY_ADDS_PER_SECOND + rows * units * ACTIVATION_SECONDS,
                 "a smaller batch or network, or train_every > 1"),
            Work("one compiled call per epoch", CALL_SECONDS, "nothing"))
    return Estimate.of(memory, per_epoch, work, EVENT_SECONDS)
