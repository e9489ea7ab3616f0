"""Formulas more than one network writes the same way: a neuron's weighted sum, and the one-line
summary of an epoch (from the model's declared metrics)."""
from dlsim.protocol.numbers import count, num, product, sum_of


def weighted_sum(event) -> str:
    v = event.values
    terms = [product(x, w) for x, w in zip(v["inputs"], v["weights"])]
    return f"z = {sum_of(terms + [num(v['bias'])])} = {num(v['z'])}"


def epoch_summary(metrics, unit: str = "epoch"):
    """The formula of an epoch event: 'epoch 3 done, train loss 0.123, …' over `metrics`, the epoch
    in the network's word (`unit`: its model's epoch_word)."""
    def formula(event) -> str:
        v = event.values
        parts = [f"{unit} {count(v['epoch'])} done"]
        for m in metrics:
            if v.get(m.key) is not None:
                parts.append(f"{m.brief} {count(v[m.key]) if m.whole else num(v[m.key])}")
        return ", ".join(parts)
    return formula
