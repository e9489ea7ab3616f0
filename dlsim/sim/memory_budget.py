"""How much memory a simulation may take, and the refusal of one that would exhaust the machine.

The budget is half of what the machine has available now (MemAvailable in /proc/meminfo), so that
a configuration that fits leaves room for everything else; DLSIM_MEMORY_BUDGET (bytes, or with a
K, M or G suffix) sets it instead. Where neither is known, nothing is refused.
"""
import os
import re

from dlsim.errors import UserError
from dlsim.models.estimate import Estimate, size

ENV = "DLSIM_MEMORY_BUDGET"
SHARE = 0.5     # of the memory available now
_SUFFIX = {"": 1, "K": 10**3, "M": 10**6, "G": 10**9, "T": 10**12}


def available() -> int | None:
    """Bytes of memory available to a new allocation now (Linux), else None."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def budget() -> tuple[int | None, str]:
    """(bytes a simulation may use, where that figure comes from)."""
    given = os.environ.get(ENV, "").strip()
    if given:
        match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([KMGT]?)B?", given.upper())
        if not match:
            raise UserError(f"{ENV}={given!r} is not a size; give bytes, e.g. 2G or 500M")
        return int(float(match[1]) * _SUFFIX[match[2]]), f"{ENV}={given}"
    free = available()
    if free is None:
        return None, "unknown"
    return int(free * SHARE), f"half of the {size(free)} available"


def check_memory(what: str, estimate: Estimate) -> None:
    """UserError, in one line, if `what` needs more memory than the budget allows."""
    allowed, source = budget()
    if allowed is None or estimate.bytes <= allowed:
        return
    raise UserError(f"{what} needs about {size(estimate.bytes)} of memory (the largest "
                    f"part: {estimate.largest()}), but {size(allowed)} fits ({source}); choose a smaller "
                    f"network or fewer samples")
