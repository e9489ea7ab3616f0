"""The RBM's ops, phases and metrics, and how the math panel writes each op with the numbers the
kernels used. The chain's units are named by their step: `rbm.step[0].h[2]` is h₀'s unit 2 (from the
data), `rbm.step[1].v[5]` the first reconstruction's visible unit 5; a persistent chain's own start
is `rbm.fantasy.h[j]`."""
from dlsim.models.neuron_formulas import epoch_summary, so_far
from dlsim.protocol.metrics import Metric
from dlsim.protocol.numbers import count, fac, num, sum_of

POSITIVE, NEGATIVE = "positive", "negative"   # the phases of CD besides loss and update (no backward)


class Op:
    P_H = "p_h"                 # p(h_j = 1 | v) = σ(b_j + Σ v_i W_ij)
    SAMPLE_H = "sample_h"       # h_j = 1 where u < p
    P_V = "p_v"                 # p(v_i = 1 | h) = σ(a_i + Σ W_ij h_j)
    SAMPLE_V = "sample_v"       # v_i = 1 where u < p
    POSITIVE = "positive"       # one statistic of the data: v₀_i·p(h₀_j)
    NEGATIVE = "negative"       # one statistic of the model: v_k_i·p(h_k_j)
    RECONSTRUCT = "reconstruct"  # p(v | h₀) against the data: the reconstruction error
    UPDATE = "update"           # one parameter: θ ← θ + lr·(positive − negative)/batch (SGD)
    BATCH = "batch"
    EPOCH = "epoch"


METRICS = (
    Metric("sampled_recon", "reconstruction error the chains drew (p(v|h₀) per pixel, mean over the epoch)",
           "sampled recon", live=False),
    Metric("train_recon", "train reconstruction error (mean-field, per pixel)", "train recon", chart="loss"),
    Metric("test_recon", "test reconstruction error (mean-field, per pixel)", "test recon", chart="loss"),
    # the charts run from 0 up: the free energies (negative) are charted as their gap (the held-out
    # side's excess: the test side of the legend), the log-likelihood as its negative (nats per image)
    Metric("train_free_energy", "train free energy (mean F(v))", "train F", lower_is_better=None),
    Metric("test_free_energy", "held-out free energy (mean F(v))", "test F", lower_is_better=None),
    Metric("test_free_energy_gap", "free-energy gap, held-out − train (over-fitting when it grows)", "F gap",
           chart="free-energy gap", lower_is_better=None),
    Metric("train_nll", "train negative log-likelihood, exact (nats per image)", "train −log p",
           chart="−log-likelihood"),
    Metric("test_nll", "test negative log-likelihood, exact (nats per image)", "test −log p",
           chart="−log-likelihood"),
)


def _given(values) -> str:
    return "v" if values["unit"] == "h" else "h"


def probability(event) -> str:
    v = event.values
    bias = "b" if v["unit"] == "h" else "a"
    terms = [f"{fac(x)}·{fac(w)}" for x, w in zip(v["inputs"], v["weights"]) if x != 0.0]
    return (f"p({v['unit']}=1|{_given(v)}) = σ({bias} + Σ {_given(v)}·W) = σ({sum_of([num(v['bias'])] + terms)}) "
            f"= σ({num(v['z'])}) = {num(v['p'])}")


def sample(event) -> str:
    v = event.values
    verdict = "<" if v["state"] else "≥"
    return f"u = {num(v['u'])} {verdict} p = {num(v['p'])}: {v['unit']} = {int(v['state'])}"


def statistic(event) -> str:
    v = event.values
    which = "data" if event.op == Op.POSITIVE else "model"
    if v["of"] == "W":
        return (f"{event.op} ({which}): v·p(h) = {fac(v['v'])}·{fac(v['p'])} = {num(v['contribution'])}   "
                f"total {num(v['total'])}")
    return f"{event.op} ({which}): {v['of']} takes {num(v['contribution'])}   total {num(v['total'])}"


def reconstruct(event) -> str:
    v = event.values
    return (f"reconstruction p(v|h₀) against v₀: mean (v₀ − p)² = {num(v['error'])}   "
            f"{so_far(v, 'error/B', 'batch error')}")


def update(event) -> str:
    v = event.values
    if v["optimizer"] == "sgd":
        return (f"θ ← θ + lr·(positive − negative)/batch = {num(v['old'])} + {num(v['lr'])}·"
                f"({num(v['positive'])} − {fac(v['negative'])})/{count(v['batch'])} = {num(v['new'])}")
    return (f"{v['optimizer']}: θ {num(v['old'])} → {num(v['new'])} with ∂ = (negative − positive)/batch "
            f"= {num(v['grad'])}")


def batch(event) -> str:
    v = event.values
    return f"step {count(v['step'])} done: CD-{v['k']} update, reconstruction error {num(v['loss'])}"


FORMULAS = {Op.P_H: probability, Op.P_V: probability, Op.SAMPLE_H: sample, Op.SAMPLE_V: sample,
            Op.POSITIVE: statistic, Op.NEGATIVE: statistic, Op.RECONSTRUCT: reconstruct, Op.UPDATE: update,
            Op.BATCH: batch, Op.EPOCH: epoch_summary(METRICS)}
