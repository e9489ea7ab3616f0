"""What a network measures, declared by the network: the headless summary, the lessons, the epoch
line of the math panel and the curves read a model's `metrics` instead of knowing the names."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    key: str                       # its name in evaluate() and in the history of epochs
    label: str                     # as a summary writes it: "train accuracy"
    short: str = ""                # as a one-line epoch summary writes it: "train acc" (default: label)
    chart: str | None = None       # the curve chart it belongs on ("loss", "accuracy", …), None: none
    lower_is_better: bool | None = True   # None: neither (a schedule such as a decaying lr)
    live: bool = True              # evaluate() measures it at any moment (else: at an epoch's end)
    whole: bool = False            # a count (errors): written without decimals
    limits: tuple[float, float] | None = None   # its fixed range on a chart (accuracy: 0..1), else 0..max
    # measured only where the task has classes (an accuracy): a regression's history has none, and
    # its chart is not drawn there (Model.has_classes)
    classes: bool = False
    # "during" or "after" the epoch, where a learner could take it for another moment: the perceptron
    # counts its errors while its weights still change and measures its accuracy on the weights the
    # epoch ends on ("errors 2" beside "train acc 0.250" on four rows read as numbers that disagree)
    when: str = ""

    @property
    def brief(self) -> str:
        return self.short or self.label

    def name(self, short: bool = True, curve: bool = False, unit: str = "epoch") -> str:
        """How a line names it, with its moment: 'train acc', 'errors during the last epoch', then
        'train acc after it'; a curve's legend, over every epoch: 'errors during each epoch'."""
        word = self.brief if short else self.label
        if not self.when:
            return word
        if curve:
            return f"{word} {self.when} each {unit}"
        return f"{word} during the last {unit}" if self.when == "during" else f"{word} {self.when} it"

    def lead(self, short: bool = True, unit: str = "epoch") -> str:
        """What a line writes before its value: its name, and a colon after a moment, which would
        otherwise run into the number ('errors during the last epoch: 2')."""
        return self.name(short, unit=unit) + (":" if self.when else "")


LOSS_AND_ACCURACY = (
    Metric("train_loss", "train loss", chart="loss"),
    Metric("train_acc", "train accuracy", "train acc", chart="accuracy", lower_is_better=False, limits=(0.0, 1.0),
           classes=True),
    Metric("test_loss", "test loss", chart="loss"),
    Metric("test_acc", "test accuracy", "test acc", chart="accuracy", lower_is_better=False, limits=(0.0, 1.0),
           classes=True),
)
