"""Formulas more than one network writes the same way: a neuron's weighted sum, a sample's loss
written out, the batch's loss so far, and the one-line summary of an epoch (from the model's
declared metrics)."""
from dlsim.protocol.numbers import count, num, product, sum_of


def weighted_sum(event) -> str:
    v = event.values
    terms = [product(x, w) for x, w in zip(v["inputs"], v["weights"])]
    return f"z = {sum_of(terms + [num(v['bias'])])} = {num(v['z'])}"


def loss_rule(fn: str, outputs: int) -> str:
    """One sample's (or step's) loss over its K outputs, as the kernels compute it (kernels/losses.py):
    MSE and BCE are the mean over the outputs, as PyTorch's MSELoss and BCELoss; softmax-CE sums over
    the classes (with a one-hot y: −log of the right class's probability). Written for K = 1 without
    the mean."""
    if fn == "softmax_ce":
        return "−Σ_k y_k·log ŷ_k"
    if fn == "mse":
        return "(ŷ − y)²" if outputs == 1 else f"(1/{outputs})·Σ_k (ŷ_k − y_k)²"
    if outputs == 1:
        return "−[y·log ŷ + (1 − y)·log(1 − ŷ)]"
    return f"−(1/{outputs})·Σ_k [y_k·log ŷ_k + (1 − y_k)·log(1 − ŷ_k)]"


def so_far(v, divided: str | None = "loss/B", what: str = "batch loss") -> str:
    """The batch's running loss after one sample's, as the kernels add it: each sample adds its share,
    its own loss `divided` by the batch size B (so the sum is the batch's mean once all B are in).
    Part-way through a batch the sum can be far below the sample's own loss ('loss 0.8, batch loss
    so far 0.2'): written as the share and the sum of shares, it reads as what it is. Without
    `divided` the share is only named (a sequence's share depends on how many of its steps are scored)."""
    share = divided or "its share"
    total = f"Σ {divided}" if divided else "Σ shares"
    added = f"{share} = {num(v['share'])}; " if "share" in v else ""
    return f"{added}{what} so far {total} = {num(v['batch_loss'])}"


def epoch_summary(metrics, unit: str = "epoch"):
    """The formula of an epoch event: 'epoch 3 done, train loss 0.123, …' over `metrics`, the epoch
    in the network's word (`unit`: its model's epoch_word)."""
    def formula(event) -> str:
        v = event.values
        parts = [f"{unit} {count(v['epoch'])} done"]
        for m in metrics:
            if v.get(m.key) is not None:
                parts.append(f"{m.lead(unit=unit)} {count(v[m.key]) if m.whole else num(v[m.key])}")
        return ", ".join(parts)
    return formula
