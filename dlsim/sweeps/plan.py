"""What a sweep will run, worked out and checked before any run starts.

A grid: `--set lr=0.01,0.1,1 --set hidden=4,8,16.16 --seeds 0-9`, every combination. Commas separate
a sweep's values whatever the option, so an option's own list is written as in a configuration
string: layer sizes joined by dots (16.16 is two layers of 16). `hidden=16,16` lists the one-layer
network 16 twice, which is refused with that said, not run twice. Or one configuration string per
line of a file (`--from`): the students' submissions, each line checked and named by its number.

Every run is a `RunSpec`: its configuration string (the run's identity: the same string is the same
run, bit for bit, on any worker), how long it trains, and what it must satisfy.
"""
import itertools
import re
from dataclasses import dataclass

from dlsim.errors import UserError, clip
from dlsim.lesson.document import Condition
from dlsim.lesson.quantities import parse_condition
from dlsim.models import MODELS
from dlsim.models.options import current_name, resolve
from dlsim.sim.config_string import format_config, parse_config
from dlsim.sweeps.user_file import read_bytes

MAX_RUNS = 100_000     # a grid past this is a typo (a range of seeds too wide), not a plan
MAX_LINE = 10_000      # characters of a --from line


@dataclass(frozen=True)
class RunSpec:
    config: str                              # the configuration string: network, options, seed
    epochs: int | None = None                # None: the network's default
    expect: tuple[str, ...] = ()             # conditions (the lessons' little language)
    lesson: str | None = None                # play this lesson with the configuration's options
    line: int | None = None                  # where it came from in a --from file

    @property
    def key(self) -> tuple:
        """What makes two runs the same run (a resumed sweep skips what it already has)."""
        return run_key(self.config, self.epochs, self.expect, self.lesson)


def run_key(config, epochs, expect, lesson) -> tuple:
    """A run's identity, from a RunSpec or from the record of its result (results.spec_key)."""
    return (config, epochs, tuple(expect or ()), lesson)


def seeds(text: str | None) -> list[int]:
    """'0-9', '0,3,5', '4' (or None: seed 0) -> the seeds, in order, each once."""
    if text is None:
        return [0]
    out: list[int] = []
    for part in text.split(","):
        match = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", part)
        if not match:
            raise UserError(f"--seeds {clip(text)!r}: {clip(part)!r} is not a seed or a range; write e.g. 0-9 or 0,3,5")
        first, last = int(match.group(1)), int(match.group(2) or match.group(1))
        if last < first:
            raise UserError(f"--seeds {clip(text)!r}: the range {first}-{last} runs backwards")
        if last - first >= MAX_RUNS:
            raise UserError(f"--seeds {clip(text)!r}: more than {MAX_RUNS:,} seeds")
        out += [s for s in range(first, last + 1) if s not in out]
    return out


def grid(network: str, sets: list[str], seed_list: list[int], base: dict | None = None) -> tuple[list[str], tuple[str, ...]]:
    """The configuration strings of every combination of `--set KEY=V1,V2,…` (and the seeds), and the
    options that vary. `base`: options fixed for every run (from a configuration string)."""
    if network not in MODELS:
        raise UserError(f"unknown network '{clip(network)}'; choose from: {', '.join(MODELS)}")
    options = MODELS[network].options
    lists: dict[str, list] = {}
    for assignment in sets:
        key, sep, raw = assignment.partition("=")
        if not sep or not key.strip():
            raise UserError(f"--set {clip(assignment)!r}: expected KEY=V1,V2,… e.g. --set lr=0.01,0.1,1")
        name = current_name(network, options, key.strip())
        if name == "seed":
            raise UserError("give the seeds with --seeds (e.g. --seeds 0-9), not --set seed=…")
        if name in lists:
            raise UserError(f"--set {name} is given twice; list its values once, separated by commas")
        lists[name] = _values(network, name, raw, options)
    lists["seed"] = seed_list
    names = list(lists)
    combos = 1
    for values in lists.values():
        combos *= len(values)
    if combos > MAX_RUNS:
        raise UserError(f"the grid has {combos:,} runs, more than {MAX_RUNS:,}; vary fewer options or seeds")
    configs = [canonical(network, dict(zip(names, combo)), base) for combo in itertools.product(*lists.values())]
    return configs, tuple(n for n in names if len(lists[n]) > 1)


def _values(network: str, name: str, raw: str, options) -> list:
    """One option's values: each parsed and checked as --set checks it, none given twice."""
    option = next((o for o in options if o.name == name), None)
    if option is None:
        resolve(network, options, {name: raw})   # the unknown option's one line, with its choices
    words = [w.strip() for w in raw.split(",")]
    if any(not w for w in words):
        raise UserError(f"--set {name}={clip(raw)}: an empty value; separate values with single commas")
    sizes = isinstance(option.default, tuple)
    values, seen = [], {}
    for word in words:
        value = resolve(network, options, {name: word.replace(".", ",") if sizes else word})[name]
        if value in seen.values():
            hint = (" (in a sweep commas separate values: write two layers of 16 as 16.16)"
                    if sizes else "")
            raise UserError(f"--set {name}={clip(raw)}: the value {word} is listed twice{hint}")
        seen[word] = value
        values.append(word.replace(".", ",") if sizes else word)
    return values


def from_file(path: str) -> list[tuple[int, str, dict]]:
    """(line number, network, options given) of every run in a --from file; blank lines and lines
    starting with # are skipped. A line that does not read is refused with its number."""
    data = read_bytes(path, f"--from {path}", "a file of configuration strings, one per line")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UserError(f"--from {path}: not a text file (UTF-8 configuration strings, one per line)") from None
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if len(line) > MAX_LINE:
            raise UserError(f"{path}:{number}: a line of {len(line):,} characters; a configuration string is one short line")
        try:
            network, given = parse_config(line)
        except UserError as error:
            raise UserError(f"{path}:{number}: {error}") from None
        out.append((number, network, given))
        if len(out) > MAX_RUNS:
            raise UserError(f"{path}: more than {MAX_RUNS:,} runs")
    if not out:
        raise UserError(f"--from {path}: no configuration strings in it (one per line, e.g. mlp:dataset=xor,lr=0.1)")
    return out


def canonical(network: str, given: dict, base: dict | None = None) -> str:
    """The configuration string of `given` over `base` (a lesson's options, say), every option
    resolved: the same run always has the same string."""
    if "data" in given or "data" in (base or {}):
        raise UserError("a sweep runs the networks' own datasets; a data file (data=…) cannot be swept yet")
    return format_config(network, resolve(network, MODELS[network].options, {**(base or {}), **given}))


def expectations(texts: list[str]) -> tuple[Condition, ...]:
    """--expect 'test_acc>=0.9' …, each read as a lesson's @expect reads it."""
    out = []
    for text in texts:
        try:
            out.append(parse_condition(text))
        except ValueError as error:
            raise UserError(f"--expect {clip(text)!r}: {error}") from None
    return tuple(out)
