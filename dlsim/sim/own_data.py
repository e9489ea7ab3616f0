"""The simulation's side of a learner's own data: read it as the network's kind, within the memory
budget, and check that the network built on it can tell its classes apart (a single sigmoid output,
or a threshold, separates two). What the loader itself does is in dlsim.protocol.own_data."""
from dlsim.errors import UserError
from dlsim.protocol import own_data
from dlsim.protocol.datasets import SEQUENCES
from dlsim.sim.memory_budget import budget

progress_watchers: list = []   # called with (done, total) while a file is read: the CLI's bar, the app's line


def load_for(cls, source, scale: bool = True) -> own_data.OwnData:
    """`source` (a path, arrays, or OwnData) as the data network class `cls` takes."""
    return own_data.load(source, cls.kinds, labels_needed=classifies(cls), scale=scale,
                         progress=_progress if progress_watchers else None, budget=budget()[0])


def read(model: str, source, scale: bool = True) -> own_data.OwnData:
    """`source` read as network `model`'s data, to hand to dlsim.make(model, data=...): how to
    keep the numbers as written (scale=False), or read a file once for several simulations."""
    from dlsim.models import model_class
    return load_for(model_class(model), source, scale)


def classifies(cls) -> bool:
    """Whether the network learns classes from labels (it measures its accuracy on them)."""
    return any(m.key == "train_acc" for m in cls.metrics)


def _progress(done: int, total: int) -> None:
    for watcher in list(progress_watchers):
        watcher(done, total)


def check_classes(cls, data: own_data.OwnData) -> None:
    """UserError for data of a single class where network class `cls` classifies: checked before
    the network is made, so that no option measured against the data (a batch larger than the
    samples) is blamed instead."""
    if data.kind is SEQUENCES or not data.labelled or not classifies(cls):
        return
    if data.classes < 2:
        raise UserError(f"{data.name}: every sample has the one class {data.class_names[0]}; expected at least 2 "
                        f"classes for {cls.name} to tell apart")


def check_fits(model, data: own_data.OwnData) -> None:
    """UserError where the network as configured tells fewer classes apart than the data has."""
    check_classes(type(model), data)
    if data.kind is SEQUENCES or not data.labelled or not classifies(type(model)):
        return
    try:
        outputs = model.probabilities(model.data.X[:1]).shape[1]
    except UserError:   # no probabilities: a threshold decides, between two classes
        outputs = 2
    if data.classes > outputs:
        raise UserError(f"{data.name}: {data.classes} classes ({', '.join(data.class_names[:6])}), but {model.name} "
                        f"with these options tells {outputs} apart; expected a file of {outputs} classes, or options "
                        "with an output per class (loss=softmax_ce where the network has it)")
