"""How long one epoch may take, and the refusal of a configuration that would run for hours.

Every model estimates its epoch (an iteration, for a network that counts those) from its sizes and
a measured rate (Model.estimate). One longer than the budget — ten minutes, or DLSIM_TIME_BUDGET
seconds — is refused before anything is allocated or run, naming the part that takes the longest
and the options that shrink it. `force` (the command line's --force) lifts the limit; the app asks.
"""
import math
import os
import re

from dlsim.errors import UserError
from dlsim.models.estimate import Estimate, duration

ENV = "DLSIM_TIME_BUDGET"
DEFAULT = 600.0     # seconds of one epoch
DEFAULTED = "the default"
_UNITS = {"": 1, "S": 1, "MIN": 60, "M": 60, "H": 3600}


class TooLong(UserError):
    """A configuration whose one epoch is estimated past the budget: the app asks, the CLI refuses."""


def budget() -> tuple[float, str]:
    """(seconds one epoch may take, where that figure comes from)."""
    given = os.environ.get(ENV, "").strip()
    if not given:
        return DEFAULT, DEFAULTED
    if given.lower() in ("inf", "none", "off"):
        return math.inf, f"{ENV}={given}"
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(S|MIN|M|H)?", given.upper())
    if not match:
        raise UserError(f"{ENV}={given!r} is not a time; give seconds, e.g. 3600 (or 90min, 2h; inf for none)")
    return float(match[1]) * _UNITS[match[2] or ""], f"{ENV}={given}"


def check_time(what: str, estimate: Estimate, word: str = "epoch", force: bool = False) -> None:
    """TooLong, in one line, if one epoch of `what` is estimated past the budget (unless forced)."""
    if force:
        return
    allowed, source = budget()
    if estimate.epoch_seconds <= allowed:
        return
    part = estimate.slowest()
    limit = duration(allowed).removeprefix("about ")
    largest = f"; the largest part: {part.what}" if estimate.work else ""
    raise TooLong(f"one {word} of {what} would take {duration(estimate.epoch_seconds)} (an estimate"
                  f"{largest}), over the {limit} limit{'' if source == DEFAULTED else f' ({source})'}; "
                  f"choose {part.shrink}, or lift the limit with --force or {ENV}=seconds")
