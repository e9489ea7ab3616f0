"""An event's arithmetic as one line of text with its real numbers: `z = 0.31·0.80 + … = 0.17`.

The app's math panel, the headless narration and the lessons all print through here, and every
number printed is one the kernel used or produced.
"""
from dlsim.sim.events import Event


def num(x, digits: int = 3) -> str:
    """A number as a learner reads it: fixed digits, a real minus sign, no '-0.000'."""
    if x is None:
        return "–"
    x = float(x)
    if x != x:
        return "NaN"
    if x in (float("inf"), float("-inf")):
        return "∞" if x > 0 else "−∞"
    text = f"{x:.{digits}f}" if abs(x) < 10 ** 6 else f"{x:.{digits}e}"
    if float(text) == 0.0:
        text = text.lstrip("-")
    return text.replace("-", "−")


def fac(x) -> str:
    """A factor in a product: negatives in brackets, so `0.5·(−0.2)` never reads as a subtraction."""
    text = num(x)
    return f"({text})" if text.startswith("−") else text


def _term(x, w) -> str:
    return f"{fac(w)}·{fac(x)}"


def _sum(terms: list[str], limit: int = 4) -> str:
    if len(terms) > limit:
        terms = terms[:limit - 1] + ["…"]
    return " + ".join(terms)


def describe(event: Event) -> str:
    v = event.values
    op = event.op
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
        if v.get("fprime") is None:
            return f"δ = ŷ − y (softmax with cross-entropy, over the batch) = {num(v['delta'])}"
        return f"δ = ∂L/∂a·f'(z) = {fac(v['dL_da'])}·{fac(v['fprime'])} = {num(v['delta'])}"
    if op == "grad":
        if "a" in v:
            return f"∂L/∂w += a·δ = {fac(v['a'])}·{fac(v['delta'])} = {num(v['contribution'])}   total {num(v['total'])}"
        return f"∂L/∂b += δ = {num(v['delta'])}   total {num(v['total'])}"
    if op == "update":
        if "error" in v:
            return (f"w ← w + lr·error·x = {num(v['old'])} + {num(v['lr'])}·{fac(v['error'])}·"
                    f"{fac(v['input'])} = {num(v['new'])}")
        if v["optimizer"] == "sgd":
            return f"w ← w − lr·∂L/∂w = {num(v['old'])} − {num(v['lr'])}·{fac(v['grad'])} = {num(v['new'])}"
        if v["optimizer"] == "momentum":
            return (f"v ← μv + ∂L/∂w = {num(v['velocity'])};  w ← w − lr·v = {num(v['old'])} − "
                    f"{num(v['lr'])}·{fac(v['velocity'])} = {num(v['new'])}")
        return (f"adam (t={v['t']}): m = {num(v['m'])}, v = {num(v['v'], 5)};  w ← {num(v['old'])} → "
                f"{num(v['new'])}")
    if op == "batch":
        return f"step {v['step']} done: batch loss {num(v['loss'])}"
    if op == "sample":
        return f"sample {v['sample']} done: error {num(v['error'], 0)}"
    if op == "epoch":
        parts = [f"epoch {v['epoch']} done"]
        for key, label in (("loss", "loss"), ("train_loss", "train loss"), ("train_acc", "train acc"),
                           ("test_loss", "test loss"), ("test_acc", "test acc"), ("errors", "errors")):
            if v.get(key) is not None:
                parts.append(f"{label} {num(v[key], 0) if key == 'errors' else num(v[key])}")
        return ", ".join(parts)
    if op == "run":
        return f"ran {v['epochs']} epochs on the compiled path"
    return f"{op} " + ", ".join(f"{k}={v[k]}" for k in v)
