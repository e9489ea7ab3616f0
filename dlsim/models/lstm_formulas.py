"""The LSTM's ops and how its math panel writes them: the shared ones (recurrent_formulas) and its
own, a gate's weighted sum and squashing, a cell's update, and a unit's four gate δs."""
from dlsim.models.recurrent_formulas import FORMULAS as SHARED
from dlsim.models.recurrent_formulas import METRICS, Op as SharedOp, terms   # noqa: F401
from dlsim.protocol.numbers import fac, num

SQUASH = {"f": "σ", "i": "σ", "g": "tanh", "o": "σ"}
MEANING = {"f": "forget: how much of the old cell stays", "i": "input: how much of g goes in",
           "g": "candidate value", "o": "output: how much of tanh(c) shows"}


# said where the learner reads a gate's sum: the order is not PyTorch's (i, f, g, o, two biases)
ROWS = "rows of W_x, W_h, b in the order f, i, g, o, one bias each"


class Op(SharedOp):
    GATE = "gate"
    CELL = "cell"
    GATE_DELTAS = "gate_deltas"


def gate(event) -> str:
    v = event.values
    q = v["gate"]
    return (f"{q}_{v['t']} = {SQUASH[q]}({terms(v)}) = {SQUASH[q]}({num(v['z'])}) = {num(v['value'])}"
            f"   ({MEANING[q]}; {ROWS})")


def cell(event) -> str:
    v = event.values
    t = v["t"]
    before = f"c_{t - 1}" if t > 0 else "c_init"
    return (f"c_{t} = f·{before} + i·g = {fac(v['f'])}·{fac(v['c_prev'])} + {fac(v['i'])}·{fac(v['g'])} = "
            f"{num(v['c'])};  h_{t} = o·tanh(c) = {fac(v['o'])}·{fac(v['tanh_c'])} = {num(v['h'])}")


def gate_deltas(event) -> str:
    v = event.values
    t = v["t"]
    return (f"∂L/∂h_{t} = {num(v['carry'])} + {num(v['back'])} = {num(v['dh'])};  ∂L/∂c_{t} (from t + 1) "
            f"{num(v['dc_in'])};  δf {num(v['df'])}, δi {num(v['di'])}, δg {num(v['dg'])}, δo {num(v['do'])};  "
            f"∂L/∂c_{t - 1 if t else 'init'} = ∂L/∂c·f = {num(v['dc_out'])}")


FORMULAS = {**SHARED, Op.GATE: gate, Op.CELL: cell, Op.GATE_DELTAS: gate_deltas}
