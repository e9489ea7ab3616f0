"""The perceptron's ops, their names and how the math panel writes them (with the rule's numbers)."""
from dlsim.models.neuron_formulas import epoch_summary, weighted_sum
from dlsim.protocol.metrics import Metric
from dlsim.protocol.numbers import fac, num, row
from dlsim.protocol.paths import parse


class Op:
    WEIGHTED_SUM = "weighted_sum"
    THRESHOLD = "threshold"
    ERROR = "error"
    UPDATE = "update"
    SAMPLE = "sample"
    EPOCH = "epoch"


# the errors first, each with its moment: the rule counts them while it still moves the weights, and
# the accuracy is measured with the weights the epoch ends on ("errors during the last epoch: 2,
# train acc after it: 1.000" on AND's four rows: both true at once)
METRICS = (
    Metric("errors", "errors", chart="errors per epoch", live=False, whole=True, when="during"),
    Metric("train_acc", "train accuracy", "train acc", chart="accuracy", lower_is_better=False, limits=(0.0, 1.0),
           when="after"),
    Metric("test_acc", "test accuracy", "test acc", chart="accuracy", lower_is_better=False, limits=(0.0, 1.0),
           when="after"),
)


def threshold(event) -> str:
    v = event.values
    return f"ŷ = step({num(v['z'])}) = {num(v['output'], 0)}   (1 if z ≥ 0, else 0)"


def error(event) -> str:
    v = event.values
    return f"error = y − ŷ = {num(v['target'], 0)} − {fac(v['output'], 0)} = {num(v['error'], 0)}"


def update(event) -> str:
    v = event.values
    if parse(event.path).is_bias():
        return f"b ← b + lr·error = {num(v['old'])} + {num(v['lr'])}·{fac(v['error'], 0)} = {num(v['new'])}"
    return (f"w ← w + lr·error·x = {num(v['old'])} + {num(v['lr'])}·{fac(v['error'], 0)}·"
            f"{fac(v['input'])} = {num(v['new'])}")


def sample(event) -> str:
    v = event.values
    return f"sample {row(v['sample'])} done: error {num(v['error'], 0)}"   # the data's row, as the path names it


FORMULAS = {Op.WEIGHTED_SUM: weighted_sum, Op.THRESHOLD: threshold, Op.ERROR: error, Op.UPDATE: update,
            Op.SAMPLE: sample, Op.EPOCH: epoch_summary(METRICS)}
