"""The SOM's ops, their names and metrics, and how the math panel writes them (with the numbers
the kernels used)."""
from dlsim.protocol.metrics import Metric
from dlsim.protocol.numbers import count, fac, num, row, sum_of as _sum


class Op:
    DISTANCE = "distance"
    BMU = "bmu"
    NEIGHBOURHOOD = "neighbourhood"
    PULL = "pull"
    STEP = "step"
    EPOCH = "epoch"


METRICS = (
    Metric("quantization_error", "quantization error", chart="quantization error"),
    Metric("topographic_error", "topographic error", chart="topographic error", limits=(0.0, 1.0)),
    Metric("lr", "lr", chart=None, lower_is_better=None, live=False),
    Metric("sigma", "σ", chart=None, lower_is_better=None, live=False),
)


# Said wherever the learner reads of the topographic error (the epoch's formula, the topology option,
# the README): which nodes count as grid neighbours is a choice, and MiniSom's differs on a rectangular grid
ADJACENT = ("side by side only: on a rectangular grid 4 a node, not the diagonals, which MiniSom counts; "
            "on a hexagonal grid 6")


def epoch(event) -> str:
    """The epoch's summary, each error with what it measures."""
    v = event.values
    parts = [f"epoch {count(v['epoch'])} done"]
    if v.get("quantization_error") is not None:
        parts.append(f"quantization error {num(v['quantization_error'])} = mean ‖x − w_BMU‖")
    if v.get("topographic_error") is not None:
        parts.append(f"topographic error {num(v['topographic_error'])} = share of samples whose two nearest "
                     f"nodes are not grid neighbours ({ADJACENT})")
    parts += [f"{m.brief} {num(v[m.key])}" for m in METRICS[2:] if v.get(m.key) is not None]
    return ", ".join(parts)


def _vector(values) -> str:
    return "(" + ", ".join(num(v) for v in values) + ")"


def distance(event) -> str:
    v = event.values
    terms = [f"({num(x)} − {fac(w)})²" for x, w in zip(v["x"], v["w"])]   # (0.500 − (−0.250))²
    return (f"‖x − w‖ = √({_sum(terms)}) = √({_sum([num(q) for q in v['squares']])}) = √{num(v['d2'])} "
            f"= {num(v['distance'])}")


def node(at) -> str:
    """A node by its place on the grid, as its event path names it (som.node[2,7]): 'node [2,7]'."""
    return f"node [{at[0]},{at[1]}]"


def bmu(event) -> str:
    v = event.values
    return (f"BMU of sample {row(v['sample'])}: {node(v['bmu_node'])} at distance {num(v['distance'])}; "
            f"runner-up {node(v['runner_up_node'])} at {num(v['runner_up_distance'])}")


SHAPES = {"gaussian": "exp(−d²/2σ²)", "bubble": "1 if d ≤ σ else 0", "triangle": "max(0, 1 − d/σ)",
          "mexican_hat": "(1 − d²/σ²)·exp(−d²/2σ²)"}


def neighbourhood(event) -> str:
    v = event.values
    return (f"h = {SHAPES[v['fn']]} with d = {num(v['grid_distance'])} on the grid, σ = {num(v['sigma'])}: "
            f"h = {num(v['h'])}")


def pull(event) -> str:
    v = event.values
    return (f"w ← w + lr·h·(x − w) = {_vector(v['old'])} + {num(v['lr'])}·{fac(v['h'])}·({_vector(v['x'])} − w) "
            f"= {_vector(v['new'])}")


def step(event) -> str:
    v = event.values
    return (f"sample {row(v['sample'])} done: BMU {node(v['bmu_node'])} at {num(v['distance'])}; "
            f"lr {num(v['lr'])}, σ {num(v['sigma'])}")


FORMULAS = {Op.DISTANCE: distance, Op.BMU: bmu, Op.NEIGHBOURHOOD: neighbourhood, Op.PULL: pull, Op.STEP: step,
            Op.EPOCH: epoch}
