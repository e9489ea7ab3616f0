"""Tabular Q-learning's ops, its metrics, and how the math panel writes each op with the numbers the
kernels used: the draw, the ε-greedy choice, the environment's step, the TD target, the TD error and
the update."""
from dlsim.protocol.metrics import Metric
from dlsim.models.neuron_formulas import epoch_summary
from dlsim.protocol.numbers import count, num

ARROWS = "↑→↓←"
NAMES = ("up", "right", "down", "left")   # a gridworld's actions, by index (the environment's order)


class Op:
    DRAW = "draw"
    CHOOSE = "choose"
    MOVE = "move"
    TARGET = "td_target"
    TD_ERROR = "td_error"
    UPDATE = "update"
    STEP = "step"
    EPOCH = "epoch"


METRICS = (
    Metric("greedy_return", "greedy return", chart="return", lower_is_better=False),
    Metric("mean_return", "mean return", "return", chart="return", lower_is_better=False, live=False),
    Metric("mean_length", "mean episode length", "length", chart="episode length", live=False),
    Metric("episodes", "episodes finished", "episodes", chart=None, lower_is_better=None, live=False, whole=True),
    Metric("abs_td_error", "mean |TD error|", "|δ|", chart="|TD error|", live=False),
)


def par(x: float) -> str:
    """A number as a term after an operator: a negative one in parentheses (0.5·(−0.95), not 0.5·−0.95)."""
    return num(x) if x >= 0 else f"({num(x)})"


def action(a: int) -> str:
    return f"{NAMES[a]} {ARROWS[a]}" if 0 <= a < len(ARROWS) else str(a)


def draw(event) -> str:
    # an event's step is k, the draw's index from 0; the learner counts steps from 1, as the status line
    v = event.values
    drawn = action(v["random_action"])
    told = (f"explore: the random action, {drawn}" if v["explore"] else
            f"exploit: the greedy action (the random action drawn, {drawn}, is not used)")
    return f"step {count(v['step'] + 1)}: u = {num(v['u'])} {'<' if v['explore'] else '≥'} ε = {num(v['epsilon'])} → {told}"


def choose(event) -> str:
    v = event.values
    qs = ", ".join(f"{ARROWS[a]} {num(q)}" for a, q in enumerate(v["q_values"]))
    how = "random" if v["explore"] else "greedy: the largest Q"
    return f"Q(s{v['cell']}, ·) = {qs}; a = {action(v['action'])} ({how})"


def move(event) -> str:
    v = event.values
    end = {"terminal": ": the episode ends", "truncated": ": the step cap ends the episode"}.get(v["status"], "")
    return f"from s{v['cell']}, {action(v['action'])} to s′{v['next_cell']}: r = {num(v['reward'])}{end}"


def td_target(event) -> str:
    v = event.values
    if v["status"] == "terminal":
        return f"target = r = {num(v['reward'])} (the episode ended: nothing follows)"
    source = (f"Q(s′, a′ = {action(v['next_action'])})" if v["rule"] == "sarsa"
              else "max Q(s′, ·)")
    return (f"target = r + γ·{source} = {num(v['reward'])} + {num(v['gamma'])}·{par(v['next_value'])} "
            f"= {num(v['target'])}")


def td_error(event) -> str:
    v = event.values
    return f"δ = target − Q(s, a) = {num(v['target'])} − {par(v['old'])} = {num(v['delta'])}"


def update(event) -> str:
    v = event.values
    return (f"Q(s, a) ← Q(s, a) + α·δ = {num(v['old'])} + {num(v['alpha'])}·{par(v['delta'])} "
            f"= {num(v['new'])}")


def step(event) -> str:
    v = event.values
    line = (f"step {count(v['step'] + 1)}: from s{v['cell']}, {action(v['action'])} to s′{v['next_cell']}: "
            f"r = {num(v['reward'])}, δ = {num(v['delta'])}, Q {num(v['old'])} → {num(v['new'])}")
    if "episode_return" in v:
        line += f"; episode {count(v['episode'])} ends: return {num(v['episode_return'])} in {count(v['episode_length'])} steps"
    return line


epoch = epoch_summary(METRICS)   # counts (episodes) whole, as every network writes them


FORMULAS = {Op.DRAW: draw, Op.CHOOSE: choose, Op.MOVE: move, Op.TARGET: td_target, Op.TD_ERROR: td_error,
            Op.UPDATE: update, Op.STEP: step, Op.EPOCH: epoch}
