"""Check a parsed lesson against its network: options, parameters, quantities, answers.

Builds the network the lesson describes (cheap: nothing trains) and follows the lesson's @set lines,
so that a name is checked against the network as it is at that step. The event values a name may
refer to (`z`, `delta`…), the event paths a `PATH.KEY` may name (`layer[0].kernel[3]`, `t[19]`) and the
shapes of their values are learnt from short probe runs of the same network (event_paths.py).
"""
import dataclasses

from dlsim.errors import UserError, suggest
from dlsim.lesson.document import Checkpoint, Condition, Lesson, Problem, Quantity
from dlsim.lesson.event_paths import EventPaths, fits, probe
from dlsim.lesson.validate_highlight import HighlightChecks
from dlsim.lesson.quantities import PREDICT_ONLY, SPECIALS, live_metrics, option_names
from dlsim.models import MODELS
from dlsim.models.options import resolve
from dlsim.sim.time_budget import check_time
from dlsim.lesson.moves import Moves
from dlsim.lesson.lesson_sweep import NONE, parse_value


def probe_keys(network: str, config: dict) -> tuple[set[str], set[str]]:
    """Every value name the network's events carry, and its per-epoch metrics, from a tiny run."""
    keys, history, _ = probe(network, config, MODELS[network])
    return keys, history


class _Checker(HighlightChecks):
    def __init__(self, lesson: Lesson):
        self.lesson = lesson
        self.problems: list[Problem] = []
        self.sim = None
        self.config: dict = {}
        self.events: set[str] = set()
        self.paths = EventPaths()          # the event paths the network as configured now has
        self.history: list[str] = []
        self.moves = Moves(self.problem)
        self.swept: tuple[str, ...] = ()        # the values of the last @sweep so far
        self.next_sweep: tuple[str, ...] = ()   # those of the next step's @sweep (a which-prediction's choices)

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(str(self.lesson.path), line, message))

    def build(self, config: dict, line: int) -> bool:
        from dlsim.sim.simulator import Simulator
        try:
            self.sim = Simulator(self.lesson.network, **config)
            keys, history, self.paths = probe(self.lesson.network, config, MODELS[self.lesson.network])
            self.events |= keys
            self.history = sorted(set(self.history) | history)
        except UserError as why:
            self.problem(line, str(why))
            return False
        self.config = dict(self.sim.config)
        return True

    # --- names ---------------------------------------------------------------------------------
    def live(self) -> set[str]:
        """The names of values the simulation holds now: events', counters, metrics, parameters,
        what its pictures show. Options are not among them (unless a value shares an option's name)."""
        return (self.events | set(SPECIALS) | live_metrics(self.sim.model) | set(self.sim.model.params)
                | set(self.sim.model.inspected))

    def known(self) -> list[str]:
        return sorted(self.live() | set(self.config))

    def ambiguous(self, line: int, q: Quantity) -> bool:
        """A bare name that is both an option and a live value: the learner sees one (the σ in use,
        the update count) where the lesson may mean the other (the σ it set, the sequence length)."""
        options = option_names(self.sim.model)
        if q.name not in options or q.name not in self.live():
            return False
        option = options[q.name]
        called = f"'{q.name}'" + (f" (former name of the option '{option}')" if option != q.name else "")
        self.problem(line, f"{called} is both an option of {self.lesson.network} and a live value of its "
                           f"simulation, so the learner may read the one where the lesson means the other; "
                           f"write option({q.name}) for the option as set, or now({q.name}) for the live value")
        return True

    def param(self, line: int, name: str, index, what: str) -> bool:
        params = self.sim.model.params
        if name not in params:
            self.problem(line, f"{what}: unknown parameter '{name}'{suggest(name, params)}; "
                               f"this network has: {', '.join(params)}")
            return False
        shape = params[name].shape
        if index is not None and (len(index) != len(shape) or any(i >= n for i, n in zip(index, shape))):
            bounds = ",".join(f"0..{n - 1}" for n in shape)
            self.problem(line, f"{what}: index [{','.join(map(str, index))}] is outside '{name}' of shape {shape} "
                               f"(indices {bounds})")
            return False
        return True

    def quantity(self, line: int, q: Quantity, predict: bool = False) -> None:
        if q.name in PREDICT_ONLY:
            if not predict:
                self.problem(line, f"{q.name}() is only for @predict (it compares two moments)")
            else:
                self.quantity(line, q.args[0])
            return
        if q.name == "option":
            options = option_names(self.sim.model)
            if q.args[0].name not in options:
                self.problem(line, f"{q.text}: '{q.args[0].name}' is not an option of {self.lesson.network}"
                                   f"{suggest(q.args[0].name, options)}; its options: "
                                   f"{', '.join(sorted(set(options.values())))}")
            return
        if q.name == "now":
            inner = q.args[0]
            if inner.name not in self.live() and not ("." in inner.name
                                                      and inner.name.rpartition(".")[2] in self.events):
                self.problem(line, f"{q.text}: '{inner.name}' is no live value of {self.lesson.network}"
                                   f"{suggest(inner.name, self.live())}")
            elif inner.name not in self.live():
                self.event_value(line, inner)    # now(PATH.KEY)
            return
        if q.name in ("swept", "first_swept"):
            self.swept_quantity(line, q, predict)
            return
        if q.name == "history":
            if q.args[0] not in self.history:
                self.problem(line, f"{q.text}: unknown metric '{q.args[0]}'"
                                   f"{suggest(q.args[0], self.history)}; choose from: {', '.join(self.history)}")
            return
        if q.name in ("class", "score"):
            width = self.sim.data.X.shape[1]
            if len(q.args) != width:
                self.problem(line, f"{q.text}: a point of this dataset has {width} coordinates")
            return
        if self.ambiguous(line, q):
            return
        if q.name in self.sim.model.params:
            self.param(line, q.name, q.index, q.text)
        elif "." in q.name and q.name.rpartition(".")[2] in self.events:
            self.event_value(line, q)    # PATH.KEY: a value of the latest event at PATH
        elif q.name not in self.known():
            self.problem(line, f"unknown quantity '{q.name}'{suggest(q.name, self.known())}; see "
                               f"'Quantities' in lessons/README.md")
        elif q.index is not None and q.name in self.events and q.name not in self.others():
            self.element(line, q, q.name, None)

    def others(self) -> set[str]:
        """The names a value can come from besides events (what an index into one is checked by)."""
        return (set(SPECIALS) | live_metrics(self.sim.model) | set(self.history) | set(self.sim.model.params)
                | set(self.sim.model.inspected) | set(self.config))

    def event_value(self, line: int, q: Quantity) -> None:
        """PATH.KEY[i]: PATH must be a path the network's events have, carrying KEY, which `[i]` fits."""
        if not self.paths.complete:
            return      # the probe stopped before the epoch's end (a huge network): playing checks it
        path, _, key = q.name.rpartition(".")
        found, similar = self.paths.matching(path)
        network = self.lesson.network
        if not found:
            n = len(path.split("."))
            exists = (f"it has {self.paths.like(similar, n)}" if similar else
                      f"its events' paths end in: {self.paths.like(self.paths.matching_any(), 1)}")
            self.problem(line, f"{q.text}: no event of {network} as configured here has the path "
                               f"'{path}'; {exists}")
            return
        keys = self.paths.keys(found)
        if key not in keys:
            self.problem(line, f"{q.text}: the events at '{path}' carry no '{key}'"
                               f"{suggest(key, keys)}; they carry: {', '.join(sorted(keys))}")
            return
        if q.index is not None:
            self.element(line, q, key, found)

    def element(self, line: int, q: Quantity, key: str, paths: list[str] | None) -> None:
        """NAME[i] of an event's value: some event's value of that name must have element i."""
        shapes = self.paths.shapes(key, paths)
        if not self.paths.complete or shapes is None or any(fits(q.index, shape) for shape in shapes):
            return      # (shapes that change with the data are checked when playing)
        where = f"'{key}', whose values in {self.lesson.network}'s events"
        has = (f"{where} have shape " + " or ".join(sorted(str(s) if s else "() (a number)" for s in shapes))
               if shapes else f"{where} are no numbers")
        self.problem(line, f"{q.text}: index [{','.join(map(str, q.index))}] is outside {has}")

    def condition(self, line: int, c: Condition) -> None:
        self.quantity(line, c.quantity)
        if isinstance(c.value, Quantity):
            self.quantity(line, c.value)

    # --- actions -------------------------------------------------------------------------------
    def options(self, line: int, given: dict) -> dict | None:
        options = MODELS[self.lesson.network].options
        # an option given by a former name replaces its current one (else both would be "given")
        renamed = {o.name for o in options for key in given if key in o.aliases}
        kept = {k: v for k, v in self.config.items() if k not in renamed}
        try:
            return resolve(self.lesson.network, options, {**kept, **given})
        except UserError as why:
            self.problem(line, str(why))
            return None

    def in_time(self, line: int) -> None:
        """A live option that makes an epoch longer (a GAN's k) changes no build: its epoch is
        measured against the time budget here, as a rebuilt network's is (Simulator.build)."""
        from dlsim.sim.simulator import estimate
        network = self.lesson.network
        try:
            check_time(f"{network} with these options", estimate(network, self.config), MODELS[network].epoch_word)
        except UserError as why:
            self.problem(line, str(why))

    def action(self, action) -> None:
        a = action.args
        if action.kind == "set":
            new = self.options(action.line, a["options"])
            if new is not None:
                live = {o.name for o in MODELS[self.lesson.network].options if o.live}
                if any(new[k] != self.config[k] for k in new if k not in live):
                    self.build(new, action.line)   # refused past the time budget, as a run is
                    self.moves.clear()         # a rebuilt network starts its history afresh
                else:
                    self.config = new
                    self.in_time(action.line)
        elif action.kind == "param":
            if self.param(action.line, a["name"], a["index"], "@param") and a["index"] is None:
                size = self.sim.model.params[a["name"]].size
                if len(a["values"]) not in (1, size):
                    self.problem(action.line, f"@param {a['name']}: give 1 value or {size}, "
                                              f"got {len(a['values'])}")
        elif action.kind == "run" and "until" in a:
            self.condition(action.line, a["until"])
        elif action.kind == "sweep":
            self.sweep(action)
        self.moves.follow(action)

    def sweep(self, action) -> None:
        """@sweep: an option of the network, each value one it allows; what the runs measure is
        then readable (swept/first_swept)."""
        a = action.args
        option = option_names(self.sim.model).get(a["option"])
        if option is None:
            options = sorted(set(option_names(self.sim.model).values()))
            self.problem(action.line, f"@sweep: '{a['option']}' is not an option of {self.lesson.network}"
                                      f"{suggest(a['option'], options)}; its options: {', '.join(options)}")
            return
        seen = {}
        for word in a["words"]:
            try:
                value = parse_value(self.lesson.network, option, word)
            except UserError as why:
                self.problem(action.line, f"@sweep {a['option']}={word}: {why}")
                return
            if value in seen:   # one run for both: the runs would be matched to the wrong words
                self.problem(action.line, f"@sweep {a['option']}: {seen[value]} and {word} are the same value; "
                                          f"list it once")
                return
            seen[value] = word
        self.swept = a["words"]

    def swept_quantity(self, line: int, q: Quantity, predict: bool) -> None:
        """swept(METRIC, VALUE) after a @sweep that ran VALUE; first_swept(METRIC) after one too, or
        in a prediction about the next step's."""
        if not self.swept:
            self.problem(line, f"{q.text} reads the runs of a @sweep, and none has run by this step")
            return
        metrics = ["epochs", "steps", "converged", "diverged"] + [m.key for m in self.sim.model.metrics]
        if q.args[0] not in metrics:
            self.problem(line, f"{q.text}: the runs have no '{q.args[0]}'{suggest(q.args[0], metrics)}; "
                               f"choose from: {', '.join(metrics)}")
        elif q.name == "first_swept" and q.args[0] not in ("converged", "diverged"):
            self.problem(line, f"{q.text}: first_swept() takes a yes/no metric: converged or diverged")
        elif q.name == "swept" and q.args[1] not in self.swept:
            self.problem(line, f"{q.text}: the @sweep ran {', '.join(self.swept)}, not {q.args[1]}")

    def checkpoint(self, cp: Checkpoint, last: bool) -> Checkpoint:
        """A prediction is settled after the next step: it reads that step's @sweep, if it has one."""
        before, self.swept = self.swept, self.next_sweep or self.swept
        try:
            return self._checkpoint(cp, last)
        finally:
            self.swept = before

    def _checkpoint(self, cp: Checkpoint, last: bool) -> Checkpoint:
        if last:
            self.problem(cp.line, "a @predict asks about the next step, and this is the last step")
        if cp.kind == "condition":
            self.condition(cp.line, cp.subject)
        else:
            self.quantity(cp.line, cp.subject, predict=True)
        if cp.kind == "which":
            choices = self.next_sweep + ((NONE,) if self.next_sweep else ())
            if not self.next_sweep:
                self.problem(cp.line, f"{cp.subject.text} asks about the runs of the next step's @sweep, "
                                      "and the next step has none")
            elif cp.answer not in choices:
                self.problem(cp.line, f"the answer '{cp.answer}' is not one of the next @sweep's values; "
                                      f"choose from: {', '.join(choices)}")
            return dataclasses.replace(cp, choices=choices)
        if cp.kind == "class":
            choices = tuple(str(c) for c in range(self.sim.data.classes))
            if cp.answer not in choices:
                self.problem(cp.line, f"the answer '{cp.answer}' is not a class; choose from: "
                                      f"{', '.join(choices)}")
            return dataclasses.replace(cp, choices=choices)
        return cp

    def run(self) -> Lesson:
        lesson = self.lesson
        lines = lesson.lines
        if lesson.network not in MODELS:
            if lesson.network:
                self.problem(lines.get("network", 1), f"unknown network '{lesson.network}'"
                             f"{suggest(lesson.network, MODELS)}; choose from: {', '.join(MODELS)}")
            return lesson
        line = lines.get("options", lines.get("network", 1))
        # A front-matter value that is refused is reported, and its default stands in for it, so
        # that the steps are checked in the same pass: every problem at once, not in stages.
        given = {}
        if self.options(lines.get("seed", line), {"seed": lesson.seed}) is not None:
            given["seed"] = lesson.seed
        datasets = MODELS[lesson.network].datasets
        for key, raw in lesson.options.items():
            where = lines.get("dataset", line) if key == "dataset" else line
            if key == "dataset" and raw not in datasets:
                self.problem(where, f"unknown dataset '{raw}'{suggest(raw, datasets)} for "
                                    f"{lesson.network}; choose from: {', '.join(datasets)}")
            elif self.options(where, {**given, key: raw}) is not None:
                given[key] = raw
        config = self.options(line, given) or self.options(line, {})
        if config is None or not self.build(config, line):
            return lesson
        steps = []
        for n, step in enumerate(lesson.steps):
            for action in step.actions:
                self.action(action)
            for ref_line, q in step.refs:
                self.quantity(ref_line, q)
            for expectation in step.expectations:
                self.condition(expectation.line, expectation.condition)
            if step.highlight is not None:
                self.highlight(step.highlight)
            following = lesson.steps[n + 1].actions if n + 1 < len(lesson.steps) else ()
            self.next_sweep = next((a.args["words"] for a in following if a.kind == "sweep"), ())
            cp = step.checkpoint and self.checkpoint(step.checkpoint, n == len(lesson.steps) - 1)
            steps.append(dataclasses.replace(step, checkpoint=cp))
        return dataclasses.replace(lesson, steps=tuple(steps))


def validate(lesson: Lesson) -> tuple[Lesson, list[Problem]]:
    """The lesson with its class checkpoints' choices filled in, and the problems found."""
    checker = _Checker(lesson)
    checked = checker.run()
    return checked, checker.problems
