"""DQN's ops, its metrics, and how the math panel writes each op with the kernels' numbers: the
ε-greedy choice (the recorded uniform against ε), the environment's step, the push into the replay,
the replay batch drawn, each TD target and TD error with its Huber loss, the gradient, the optimizer
step and the copy to the target network."""
from dlsim.models.neuron_formulas import epoch_summary
from dlsim.protocol.metrics import Metric
from dlsim.protocol.numbers import count, fac, num


class Op:
    OBSERVE = "observe"       # the state the agent sees
    CHOOSE = "choose"         # ε-greedy: u drawn against ε, a random action drawn, or argmax Q(s, ·)
    ENV = "env_step"          # the environment moves: r, s′, and whether the episode ended
    PUSH = "push"             # (s, a, r, terminal, s′) into the replay ring
    EPISODE = "episode"       # an episode ended: its return and length; the next one starts
    REPLAY = "replay"         # the batch of replay rows drawn (recorded)
    TD_TARGET = "td_target"   # y = r + γ·max Q_target(s′)
    TD_ERROR = "td_error"     # Q(s, a) − y and its Huber loss
    LOSS = "loss"             # the batch's mean Huber loss
    GRAD = "grad"             # backprop through the chosen action's output only
    UPDATE = "update"         # the optimizer's step
    COPY = "target_copy"      # the target network becomes the online one
    STEP = "step"             # one environment step (and its update) done
    EPOCH = "epoch"


METRICS = (
    Metric("return", "mean episode return", "return", chart=None, lower_is_better=False, live=False),
    Metric("mean100", "mean return of the last 100 episodes", "mean100", chart="return", lower_is_better=False),
    Metric("greedy_return", "greedy policy's return", "greedy", chart="return", lower_is_better=False),
    Metric("length", "mean episode length", "length", chart="length", lower_is_better=None, live=False),
    Metric("td_loss", "TD loss (Huber)", "TD loss", chart="TD loss", live=False),
    Metric("episodes", "episodes finished", "episodes", lower_is_better=None, live=False, whole=True),
    Metric("epsilon", "exploration ε", "ε", chart=None, lower_is_better=None, live=False),
)


def observe(event) -> str:
    v = event.values
    # the event's step is the steps done before it (from 0); the learner counts from 1, as 'env step 1 done'
    return f"step {count(v['step'] + 1)}: s = (" + ", ".join(num(x) for x in v["observation"]) + ")"


def choose(event) -> str:
    v = event.values
    q = ", ".join(num(x) for x in v["q"])
    if v["explore"]:
        return (f"u = {num(v['u'])} < ε = {num(v['epsilon'])}: explore, random action {v['action_name']} "
                f"(Q(s, ·) = ({q}))")
    return f"u = {num(v['u'])} ≥ ε = {num(v['epsilon'])}: greedy, argmax Q(s, ·) = ({q}) → {v['action_name']}"


def env_step(event) -> str:
    v = event.values
    return f"{v['action_name']}: r = {num(v['reward'])}, {v['status']}"


def push(event) -> str:
    v = event.values
    return f"(s, {v['action']}, {num(v['reward'])}, {'terminal' if v['terminal'] else 'on'}, s′) → replay row {v['row']} " \
           f"({count(v['size'])} stored)"


def episode(event) -> str:
    v = event.values
    return f"episode {count(v['episode'] + 1)} ended ({v['status']}): return {num(v['return'])} in {count(v['length'])} steps"


def replay(event) -> str:
    v = event.values
    rows = ", ".join(str(r) for r in v["rows"][:8]) + (", …" if len(v["rows"]) > 8 else "")
    return f"replay batch: rows {rows} of {count(v['size'])}"


def td_target(event) -> str:
    v = event.values
    if v["terminal"]:
        return f"y = r = {num(v['y'])} (s′ terminal)"
    return (f"y = r + γ·max Q_{v['network']}(s′) = {num(v['reward'])} + {num(v['gamma'])}·"
            f"{num(v['max_q_next'])} = {num(v['y'])}")


def td_error(event) -> str:
    v = event.values
    return (f"Q(s, {v['action']}) − y = {num(v['q'])} − {fac(v['y'])} = {num(v['error'])}, "
            f"Huber {num(v['huber'])}, δ = {num(v['delta'])}")


def loss(event) -> str:
    v = event.values
    return f"TD loss = mean Huber over {v['batch']} = {num(v['loss'])}"


def grad(event) -> str:
    v = event.values
    return "‖∂L/∂θ‖ by layer: " + ", ".join(num(x) for x in v["norms"]) + " (only the chosen actions' outputs)"


def update(event) -> str:
    v = event.values
    return f"{v['optimizer']} step {count(v['step'])} (lr {num(v['lr'])}): ‖Δθ‖ = {num(v['change'])}"


def target_copy(event) -> str:
    return f"target network ← online network (after update {count(event.values['update'])})"


def step(event) -> str:
    v = event.values
    learnt = f", TD loss {num(v['loss'])}" if v["learned"] else ""
    return f"env step {count(v['step'])} done: return so far {num(v['return'])}, ε {num(v['epsilon'])}{learnt}"


FORMULAS = {Op.OBSERVE: observe, Op.CHOOSE: choose, Op.ENV: env_step, Op.PUSH: push, Op.EPISODE: episode,
            Op.REPLAY: replay, Op.TD_TARGET: td_target, Op.TD_ERROR: td_error, Op.LOSS: loss, Op.GRAD: grad,
            Op.UPDATE: update, Op.COPY: target_copy, Op.STEP: step, Op.EPOCH: epoch_summary(METRICS)}
