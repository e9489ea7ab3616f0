"""A sweep's --expect conditions checked against the network before any run starts: a name the
network does not have (a typo, `acc` for `test_acc`) would otherwise fail every run alike."""
from dlsim.errors import UserError, clip, suggest
from dlsim.lesson.document import Condition, Quantity
from dlsim.lesson.quantities import FUNCTIONS, SPECIALS, epoch_metrics, live_metrics, option_names


def known(sim) -> list[str]:
    """Every name a condition may read on this network, metrics first."""
    model = sim.model
    names = [m.key for m in model.metrics] + sorted(epoch_metrics(model) | live_metrics(model))
    names += list(SPECIALS) + list(model.params) + list(model.inspected) + list(option_names(model))
    return list(dict.fromkeys(names))


def check(sim, conditions: tuple[Condition, ...]) -> None:
    names = known(sim)
    for condition in conditions:
        for quantity in (condition.quantity, condition.value):
            if isinstance(quantity, Quantity) and quantity.name not in FUNCTIONS and quantity.name not in names:
                metrics = ", ".join(dict.fromkeys([m.key for m in sim.model.metrics] + list(SPECIALS)))
                raise UserError(f"--expect {clip(condition.text)!r}: {sim.name} has no '{clip(quantity.name)}'"
                                f"{suggest(quantity.name, names)}; its metrics: {metrics}")
