"""What a lesson's actions will cost: a warning for each that takes long enough to stall a class.

`@step 100000 epoch` on an MLP steps every weighted sum of every sample one at a time — about a day.
It is a valid lesson, so `lesson check` passes it, but says what it costs (and that `@run` trains the
same epochs on the compiled path). The estimate is the network's own (Model.estimate), followed
through the lesson's `@set` lines.
"""
from dlsim.errors import UserError
from dlsim.lesson.document import Lesson, Problem
from dlsim.models import MODELS
from dlsim.models.estimate import duration
from dlsim.models.options import resolve
from dlsim.protocol.events import Level
from dlsim.sim.simulator import estimate

HEAVY = 10.0   # seconds: an action estimated to take longer gets a warning


def _seconds(action, needs) -> tuple[float, str, str]:
    """(estimated seconds, the action as written, a hint) for one action, from the network's Estimate."""
    a = action.args
    if action.kind == "step":
        level = Level.parse(a["level"])
        events = needs.per_epoch[Level.OP] / needs.per_epoch[level]
        hint = f"each {a['level']} is {events:,.0f} events stepped one at a time"
        if level >= Level.EPOCH:
            hint += (f"; '@run epochs={a['count']}' trains as many on the compiled path in "
                     f"{duration(needs.compiled(a['count']))}")
        return needs.stepped(a["count"], level), f"@step {a['count']} {a['level']}", hint
    if action.kind == "run" and "steps" in a:
        seconds = needs.compiled(needs.epochs(a["steps"], Level.BATCH))
        return seconds, f"@run steps={a['steps']}", "on the compiled path"
    if action.kind == "run" and "max_epochs" in a:
        return (needs.compiled(a["max_epochs"]), f"@run until=… max_epochs={a['max_epochs']}",
                "on the compiled path, if it runs to max_epochs")
    if action.kind == "run":
        return needs.compiled(a["epochs"]), f"@run epochs={a['epochs']}", "on the compiled path"
    if action.kind == "sweep":
        return (len(a["words"]) * needs.compiled(a["epochs"]), f"@sweep {a['option']}=… epochs={a['epochs']}",
                f"{len(a['words'])} runs on the compiled path, one after another")
    return 0.0, "", ""


def heavy_actions(lesson: Lesson, threshold: float = HEAVY) -> list[Problem]:
    """A warning (a Problem whose message starts with 'warning:') for each slow action."""
    cls = MODELS.get(lesson.network)
    if cls is None:
        return []
    try:
        config = resolve(lesson.network, cls.options, {"seed": lesson.seed, **lesson.options})
        needs = estimate(lesson.network, config)
    except UserError:
        return []        # reported by the lesson's own check
    warnings = []
    for step in lesson.steps:
        for action in step.actions:
            if action.kind == "set":
                try:
                    config = resolve(lesson.network, cls.options, {**config, **action.args["options"]})
                    needs = estimate(lesson.network, config)
                except UserError:
                    continue
            seconds, what, hint = _seconds(action, needs)
            if seconds >= threshold:
                warnings.append(Problem(str(lesson.path), action.line,
                                        f"warning: {what} will take {duration(seconds)} ({hint})"))
    return warnings
