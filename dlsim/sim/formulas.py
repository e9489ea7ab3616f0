"""An event's arithmetic as one line of text with its real numbers: `z = 0.31·0.80 + … = 0.17`.

The app's math panel, the headless narration and the lessons all print through here, and every
number printed is one the kernel used or produced. Each network writes its own ops (its `formulas`
table, beside the code that emits them); the event's path says whose it is. The stepper's own
summary of a compiled run is written by the stepper's table.
"""
from dlsim.models import MODELS
from dlsim.protocol.events import Event
from dlsim.protocol.paths import network
from dlsim.sim import stepper


def describe(event: Event) -> str:
    cls = MODELS.get(network(event.path))
    formula = (cls.formulas if cls is not None else {}).get(event.op) or stepper.FORMULAS.get(event.op)
    if formula is not None:
        return formula(event)
    v = event.values
    return f"{event.op} " + ", ".join(f"{k}={v[k]}" for k in v)
