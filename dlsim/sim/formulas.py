"""An event's arithmetic as one line of text with its real numbers: `z = 0.31·0.80 + … = 0.17`.

The app's math panel, the headless narration and the lessons all print through here, and every
number printed is one the kernel used or produced.
"""
import math
import re
from typing import Callable

from dlsim.sim.events import Event


def _exponent(text: str) -> str:
    """'9.31e-07' → '9.31e−7', '1.5e+06' → '1.5e6': the short form, with a real minus sign."""
    mantissa, power = text.split("e")
    return f"{mantissa}e{int(power)}"


def count(n) -> str:
    """A count (epochs, steps, samples) with thousands separators: 7,875."""
    return f"{int(n):,}"


def num(x, digits: int = 3) -> str:
    """A number as a learner reads it: fixed digits, a real minus sign, no '-0.000'; below 0.0005
    (at 3 digits) three significant digits instead, and the exponent form past 10⁶ or below 10⁻⁶.
    Every number on screen goes through here (or `count`), so one value always reads the same."""
    if x is None:
        return "–"
    x = float(x)
    if x != x:
        return "NaN"
    if x in (float("inf"), float("-inf")):
        return "∞" if x > 0 else "−∞"
    if abs(x) >= 10 ** 6:
        text = _exponent(f"{x:.{digits}e}")
    elif 0 < abs(x) < 10 ** -digits * 5 and digits > 0:
        # a small gradient must not read as 0.000: three significant digits instead
        text = f"{x:.{2 - math.floor(math.log10(abs(x)))}f}" if abs(x) >= 1e-6 else _exponent(f"{x:.2e}")
    else:
        text = f"{x:,.{digits}f}"
    if float(text.replace(",", "")) == 0.0:
        text = text.lstrip("-")
    return text.replace("-", "−")


def fac(x, digits: int = 3) -> str:
    """A factor in a product: negatives in brackets, so `0.5·(−0.2)` never reads as a subtraction."""
    text = num(x, digits)
    return f"({text})" if text.startswith("−") else text


def _term(x, w) -> str:
    return f"{fac(w)}·{fac(x)}"


def _sum(terms: list[str], limit: int = 4) -> str:
    """'a + b + …'; a term that is a bare negative number is subtracted: '… − 0.100'."""
    if len(terms) > limit:
        terms = terms[:limit - 1] + ["…"] + terms[-1:]
    text = terms[0]
    for term in terms[1:]:
        text += f" − {term[1:]}" if term.startswith("−") else f" + {term}"
    return text


def _is_bias(path: str) -> bool:
    """mlp.layer[0].b[2] and perceptron.b are biases; …W[1,2] and perceptron.w[0] are weights."""
    return bool(re.search(r"\.b(\[|$)", path))


# op -> formula, for ops a model brings and formats itself (the SOM registers its own on import)
OWN: dict[str, Callable[[Event], str]] = {}


def describe(event: Event) -> str:
    v = event.values
    op = event.op
    if op in OWN:
        return OWN[op](event)
    if op == "weighted_sum":
        terms = [_term(x, w) for x, w in zip(v["inputs"], v["weights"])]
        return f"z = {_sum(terms + [num(v['bias'])])} = {num(v['z'])}"
    if op == "activation":
        return f"a = {v['fn']}({num(v['z'])}) = {num(v['a'])}"
    if op == "softmax":
        return "a = softmax(" + ", ".join(num(z) for z in v["z"]) + ") = (" + ", ".join(num(a) for a in v["a"]) + ")"
    if op == "threshold":
        return f"ŷ = step({num(v['z'])}) = {num(v['output'], 0)}   (1 if z ≥ 0, else 0)"
    if op == "error":
        return f"error = y − ŷ = {num(v['target'], 0)} − {num(v['output'], 0)} = {num(v['error'], 0)}"
    if op == "loss":
        pred = ", ".join(num(p) for p in v["prediction"])
        target = ", ".join(num(t, 0) for t in v["target"])
        return f"{v['fn']}(ŷ = {pred}, y = {target}) = {num(v['loss'])}   batch loss so far {num(v['batch_loss'])}"
    if op == "delta":
        if "sum" in v:
            terms = [_term(d, w) for w, d in zip(v["weights"], v["deltas"])]
            return f"δ = f'(z)·Σ w·δ = {fac(v['fprime'])}·({_sum(terms)}) = {num(v['delta'])}"
        if v.get("fprime") is None:   # cross-entropy after a sigmoid or softmax: f'(z) cancels
            return f"δ = (ŷ − y)/batch = {num(v['delta'])}   (cross-entropy: f'(z) cancels)"
        return f"δ = ∂L/∂a·f'(z) = {fac(v['dL_da'])}·{fac(v['fprime'])} = {num(v['delta'])}"
    if op == "grad":
        if "a" in v:
            return f"∂L/∂w += a·δ = {fac(v['a'])}·{fac(v['delta'])} = {num(v['contribution'])}   total {num(v['total'])}"
        return f"∂L/∂b += δ = {num(v['delta'])}   total {num(v['total'])}"
    if op == "update":
        p = "b" if _is_bias(event.path) else "w"
        if "error" in v:
            if p == "b":
                return (f"b ← b + lr·error = {num(v['old'])} + {num(v['lr'])}·{fac(v['error'], 0)} = "
                        f"{num(v['new'])}")
            return (f"w ← w + lr·error·x = {num(v['old'])} + {num(v['lr'])}·{fac(v['error'], 0)}·"
                    f"{fac(v['input'])} = {num(v['new'])}")
        if v["optimizer"] == "sgd":
            return f"{p} ← {p} − lr·∂L/∂{p} = {num(v['old'])} − {num(v['lr'])}·{fac(v['grad'])} = {num(v['new'])}"
        if v["optimizer"] == "momentum":
            return (f"v ← μv + ∂L/∂{p} = {num(v['velocity'])};  {p} ← {p} − lr·v = {num(v['old'])} − "
                    f"{num(v['lr'])}·{fac(v['velocity'])} = {num(v['new'])}")
        return (f"adam (t={v['t']}): m = {num(v['m'])}, v = {num(v['v'], 5)};  {p} ← {num(v['old'])} → "
                f"{num(v['new'])}")
    if op == "batch":
        return f"step {count(v['step'])} done: batch loss {num(v['loss'])}"
    if op == "sample":
        return f"sample {v['sample']} done: error {num(v['error'], 0)}"
    if op == "epoch":
        parts = [f"epoch {count(v['epoch'])} done"]
        # one training loss, named as such: the whole training set's, after the epoch's updates
        # (the mean of the batch losses, each taken before its update, is in the trace as "loss")
        for key, label in (("train_loss", "train loss"), ("train_acc", "train acc"),
                           ("test_loss", "test loss"), ("test_acc", "test acc"), ("errors", "errors")):
            if v.get(key) is not None:
                parts.append(f"{label} {count(v[key]) if key == 'errors' else num(v[key])}")
        return ", ".join(parts)
    if op == "run":
        return f"ran {count(v['epochs'])} epoch{'s' * (v['epochs'] != 1)} on the compiled path"
    return f"{op} " + ", ".join(f"{k}={v[k]}" for k in v)
