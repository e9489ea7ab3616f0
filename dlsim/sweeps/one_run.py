"""One run of a sweep, as a Dask worker (or the serial path) executes it: a headless run exactly as
`dlsim run CONFIG --headless --epochs N` trains it, or a lesson played headless with the run's
options, and the record a sweep writes for it.

The record holds numbers only as the run computed them (JSON keeps a float's every bit), so the
same RunSpec gives the same record on any worker, apart from `seconds` and `worker`.
"""
import dataclasses
import math
import os
import socket
import time

from dlsim.errors import UserError
from dlsim.lesson.quantities import Missing, Scope
from dlsim.sim.config_string import parse_config
from dlsim.sim.simulator import Simulator
from dlsim.sweeps.plan import RunSpec, expectations

CURVE_POINTS = 500   # per curve in the record: enough for any terminal's width, small in the file


def run(spec: RunSpec) -> dict:
    """The record of `spec`: never raises for what the run itself does wrong (a configuration past
    the time limit, a lesson step that cannot be played): that is the record's `error`, and it fails."""
    started = time.perf_counter()
    record = {"config": spec.config, "epochs_asked": spec.epochs, "expect": list(spec.expect),
              "lesson": spec.lesson, "line": spec.line}
    try:
        if spec.lesson is not None:
            sim, checks = _lesson(spec)
        else:
            sim = _trained(spec)
            checks = _checked(sim, spec.expect)
        record.update(_results(sim), checks=checks, error=None)
        failed = [c for c in checks if not c["held"]]
        record["passed"] = not failed
        record["reason"] = ("; ".join(c["why"] for c in failed) if failed else
                            "every check held" if checks else "ran (nothing to check)")
    except (UserError, Missing) as error:
        record.update(passed=False, error=str(error), reason=str(error), checks=[])
    except Exception as error:   # a bug, not the run's fault: said as such, and the sweep goes on
        record.update(passed=False, error=f"internal error: {type(error).__name__}: {error}",
                      reason="internal error", checks=[])
    record["seconds"] = time.perf_counter() - started
    record["worker"] = f"{socket.gethostname()}:{os.getpid()}"
    return record


def _trained(spec: RunSpec) -> Simulator:
    from dlsim.console.run import train_in_slices   # the headless run's own loop
    network, options = parse_config(spec.config)
    seed = options.pop("seed", 0)
    sim = Simulator(network, seed=seed, **options)
    epochs = spec.epochs if spec.epochs is not None else sim.model.default_epochs
    train_in_slices(sim, epochs)
    return sim


def _lesson(spec: RunSpec) -> tuple[Simulator, list[dict]]:
    """The lesson played to its end with the run's options in place of its own; its @expects are
    the checks (its predictions are the lesson's, not the learner's: not graded)."""
    from dlsim.lesson.library import load
    from dlsim.lesson.player import Player
    lesson = load(spec.lesson)
    network, options = parse_config(spec.config)
    seed = options.pop("seed", lesson.seed)
    player = Player(dataclasses.replace(lesson, seed=seed, options={**lesson.options, **options}))
    checks = []
    for _ in range(len(player)):
        view = player.next()
        checks += [{"expect": o.text, "line": o.line, "held": o.ok,
                    "why": f"{lesson.path.name}:{o.line}: {o.text}"}
                   for o in view.outcomes if o.kind == "expect"]
    return player.sim, checks + _checked(player.sim, spec.expect)


def _checked(sim: Simulator, texts: tuple[str, ...]) -> list[dict]:
    out = []
    scope = Scope(sim)
    for condition in expectations(list(texts)):
        try:
            held, value = scope.holds(condition)
            why = f"{condition.text} ({condition.quantity.text} = {_plain(value)})"
        except Missing as missing:
            held, value, why = False, None, f"{condition.text}: {missing}"
        out.append({"expect": condition.text, "held": bool(held), "value": _plain(value), "why": why})
    return out


def _results(sim: Simulator) -> dict:
    summary = sim.summary()
    counts = ("model", "dataset", "epochs", "steps", "converged", "diverged", "divergence")
    return {"network": sim.name, "epochs": summary["epochs"], "steps": summary["steps"],
            "converged": bool(summary["converged"]), "diverged": bool(summary["diverged"]),
            "divergence": summary["divergence"],
            "metrics": {k: _plain(v) for k, v in summary.items() if k not in counts},
            "curves": curves(sim.history)}


def curves(history: list[dict]) -> dict[str, list]:
    """Every metric of the history by epoch, at most CURVE_POINTS of them (evenly spaced, the last
    epoch kept)."""
    step = max(1, math.ceil(len(history) / CURVE_POINTS))
    kept = history[::step]
    if history and kept[-1] is not history[-1]:
        kept.append(history[-1])
    keys = [k for k in (history[-1] if history else {}) if k != "epoch"]
    out = {"epoch": [entry.get("epoch") for entry in kept]}
    for key in keys:
        out[key] = [_plain(entry.get(key)) for entry in kept]
    return out


def _plain(value):
    """A value JSON writes and reads back the same: NaN and infinity as strings, arrays as lists."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
