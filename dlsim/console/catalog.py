"""`dlsim list`: every model with what it teaches, its datasets, and its options with defaults."""
from dlsim.models import MODELS


def _default(value) -> str:
    if isinstance(value, tuple):
        return ",".join(map(str, value)) or "0"   # no layers: what the option reads back as none
    return str(value)


def catalog() -> str:
    lines = []
    for name, cls in MODELS.items():
        lines.append(f"{name} — {cls.summary}")
        lines.append(f"  datasets: {', '.join(cls.datasets)}")
        lines.append("  options (--set key=value; * = applies live in the app):")
        width = max(len(o.name) for o in cls.options)
        for o in cls.options:
            star = "*" if o.live else " "
            lines.append(f"    {o.name:<{width}} {star} default {_default(o.default):<8} {o.help}; {o.allowed}")
        if cls.inspected:
            lines.append("  what its pictures show (lessons quote these; --trace-inspect writes them):")
            width = max(len(name) for name in cls.inspected)
            lines.extend(f"    {name:<{width}}   {what}" for name, what in cls.inspected.items())
        lines.append("")
    lines.append("levels for stepping: op < layer < sample < batch < epoch")
    lines.append(memory_line())
    return "\n".join(lines)


def memory_line() -> str:
    """What a configuration may use: a bigger one is refused before anything is allocated."""
    from dlsim.models.estimate import size
    from dlsim.sim.memory_budget import ENV, budget
    allowed, source = budget()
    if allowed is None:
        return f"memory: not limited (the available memory is unknown; set {ENV} to limit it)"
    how = source if source.startswith(ENV) else f"{source}; {ENV} sets it"
    return f"memory: a configuration may use up to {size(allowed)} ({how}), a bigger one is refused"


def print_catalog() -> int:
    print(catalog())
    return 0
