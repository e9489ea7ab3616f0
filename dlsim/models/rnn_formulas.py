"""The Elman RNN's ops and how its math panel writes them: the shared ones (recurrent_formulas) and
its own, a unit's activation and a unit's δ."""
from dlsim.models.recurrent_formulas import FORMULAS as SHARED
from dlsim.models.recurrent_formulas import METRICS, Op as SharedOp   # noqa: F401  (METRICS: re-exported)
from dlsim.protocol.numbers import fac, num


class Op(SharedOp):
    ACTIVATION = "activation"
    DELTA = "delta"


def activation(event) -> str:
    v = event.values
    return f"h_{v['t']} = {v['fn']}(z) = {v['fn']}({num(v['z'])}) = {num(v['a'])}"


def delta(event) -> str:
    v = event.values
    t = v["t"]
    return (f"∂L/∂h_{t} = from t + 1 + from above = {num(v['carry'])} + {num(v['back'])} = {num(v['dh'])};  "
            f"δ = ∂L/∂h·f'(z) = {fac(v['dh'])}·{fac(v['fprime'])} = {num(v['delta'])}")


FORMULAS = {**SHARED, Op.ACTIVATION: activation, Op.DELTA: delta}
