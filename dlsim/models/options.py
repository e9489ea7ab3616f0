"""Model options: each declares its type, default, allowed range and whether it applies live.

Values arrive as strings from the command line (`--set lr=0.1`) or as Python values from the API;
both go through the same parse and check, and a bad one raises UserError naming what is allowed.
"""
import math
import sys
from dataclasses import dataclass, replace
from typing import Any, Callable

from dlsim.errors import UserError, suggest, unknown


@dataclass(frozen=True)
class Option:
    name: str
    default: Any
    help: str
    parse: Callable[[Any], Any]
    allowed: str            # shown in errors and in `dlsim list`
    live: bool = False      # applies to a running simulation without rebuilding it
    choices: tuple = ()     # the allowed words, for a choice
    # choices this machine cannot run, each with the one line saying why (asked when shown)
    unavailable: Callable[[], dict[str, str]] = dict
    # former names still accepted (old lessons and scripts keep working; the first use says so)
    aliases: tuple[str, ...] = ()

    def value(self, raw: Any) -> Any:
        try:
            return self.parse(raw)
        except (ValueError, TypeError, OverflowError):   # OverflowError: float(10**400)
            hint = suggest(raw, self.choices) if isinstance(raw, str) else ""
            raise UserError(f"option '{self.name}': {raw!r} is not allowed{hint}; {self.allowed}") from None


def _number(kind, low, high, low_open):
    def parse(raw):
        if isinstance(raw, bool):
            raise ValueError
        if kind is int and isinstance(raw, float) and not raw.is_integer():
            raise ValueError
        value = kind(raw)
        # never ∞ or NaN, whatever the range says: no option means anything by them
        if not math.isfinite(value) or (value <= low if low_open else value < low) or value > high:
            raise ValueError
        return value
    return parse


def real(name, default, help, low=0.0, high=float("inf"), low_open=False, live=False):
    bound = f"> {low}" if low_open else f">= {low}"
    allowed = f"a number {bound}" + (f" and <= {high}" if high != float("inf") else "")
    return Option(name, default, help, _number(float, low, high, low_open), allowed, live)


def integer(name, default, help, low=0, high=10**9, live=False):
    return Option(name, default, help, _number(int, low, high, False),
                  f"a whole number from {low} to {high}", live)


def choice(name, default, help, choices, live=False):
    def parse(raw):
        if raw not in choices:
            raise ValueError
        return raw
    return Option(name, default, help, parse, "one of: " + ", ".join(choices), live, tuple(choices))


def backend():
    """Which kernels run: every network has this option (dlsim.kernels.backend). A backend this
    machine cannot run (cuda without a GPU) is refused here with the reason, and listed as such."""
    from dlsim.kernels import BACKENDS, RESERVED, unavailable
    plain = choice("backend", "cpu", "kernels: cpu (Numba), numpy (reference, no compilation) or "
                   "cuda (NVIDIA GPU)", BACKENDS + RESERVED)

    def parse(raw):
        value = plain.parse(raw)
        if unavailable(value):
            raise UserError(unavailable(value))
        return value

    def missing():
        return {name: why for name in plain.choices if (why := unavailable(name))}
    return Option(plain.name, plain.default, plain.help, parse, plain.allowed, choices=plain.choices,
                  unavailable=missing)


def optimizer_options(optimizer: str, lr: float, beta1: float = 0.9) -> tuple[Option, ...]:
    """The options every gradient-trained network has: its optimizer and learning rate, momentum's
    coefficient and Adam's decays (the same names, ranges and words for every network)."""
    return (optimizer_choice("optimizer", optimizer, "how gradients move the weights"),
            learning_rate("lr", lr, "learning rate")) + optimizer_coefficients(beta1)


def optimizer_choice(name: str, default: str, help: str, live: bool = False) -> Option:
    from dlsim.kernels.optimizers import CODES
    return choice(name, default, help, tuple(CODES), live=live)


def learning_rate(name: str, default: float, help: str) -> Option:
    return real(name, default, help, low=0.0, low_open=True, high=1e6, live=True)


def optimizer_coefficients(beta1: float = 0.9) -> tuple[Option, ...]:
    """Momentum's coefficient and Adam's decays (a network of parts shares them between its parts)."""
    return (real("momentum", 0.9, "momentum coefficient (optimizer=momentum)", high=0.999999, live=True),
            real("beta1", beta1, "Adam's first-moment decay", high=0.999999, live=True),
            real("beta2", 0.999, "Adam's second-moment decay", high=0.999999, live=True))


def sizes(name, default, help, low=1, high=1024, layers=None):
    """A list of layer sizes: '16,16' or [16, 16]; one whole number for one layer; a lone 0 for none
    (and [] or (), the value that 0 gives). Typed text with no size in it ('', as `--set hidden=`
    or a cleared field gives) is refused: an empty field is more often a slip than a choice.
    `layers`: at most this many layers (None: as many as memory allows)."""
    one = _number(int, low, high, False)

    def parse(raw):
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            raw = (raw,)
        parts = [p for p in raw.split(",") if p.strip()] if isinstance(raw, str) else list(raw)
        if isinstance(raw, str) and not parts:
            raise ValueError
        if len(parts) == 1 and str(parts[0]).strip() == "0":
            return ()
        if layers is not None and len(parts) > layers:
            raise ValueError
        return tuple(one(p.strip() if isinstance(p, str) else p) for p in parts)
    most = f"; at most {layers} layers" if layers is not None else ""
    return Option(name, default, help, parse,
                  f"comma-separated layer sizes, each from {low} to {high}{most} (e.g. 16,16; 0 for none)")


def renamed(option: Option, *aliases: str) -> Option:
    """`option`, also accepted under its former names."""
    return replace(option, aliases=option.aliases + aliases)


_told: set[tuple[str, str]] = set()   # (model, former name) already said in this process


def current_name(model: str, options: tuple[Option, ...], name: str) -> str:
    """The option's name now, for `name` or a former name of it (said once a process on stderr)."""
    for option in options:
        if name in option.aliases and name != option.name:
            if (model, name) not in _told:
                _told.add((model, name))
                print(f"dlsim: {model}'s option '{name}' is now called '{option.name}' (the old name still works)",
                      file=sys.stderr)
            return option.name
    return name


def resolve(model: str, options: tuple[Option, ...], given: dict[str, Any]) -> dict[str, Any]:
    """Defaults overlaid with `given`, every value parsed and checked. A former name of an option
    (Option.aliases) is read as the option (current_name)."""
    by_name = {o.name: o for o in options}
    config = {o.name: o.default for o in options}
    for key, raw in given.items():
        name = current_name(model, options, key)
        if name != key and name in given and given[name] != raw:
            raise UserError(f"options '{key}' (its former name) and '{name}' disagree; give '{name}' once")
        if name not in by_name:
            raise unknown(f"option for {model}", key, by_name)
        config[name] = by_name[name].value(raw)
    return config


def parse_assignments(pairs: list[str]) -> dict[str, str]:
    """['lr=0.1', 'hidden=16,16'] -> {'lr': '0.1', 'hidden': '16,16'}."""
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UserError(f"--set {pair!r}: expected key=value, e.g. --set lr=0.1")
        key, value = key.strip(), value.strip()
        if key in out and out[key] != value:   # a script's slip: which one was meant?
            raise UserError(f"--set {key} is given twice ({out[key]}, {value}); give it once")
        out[key] = value
    return out
