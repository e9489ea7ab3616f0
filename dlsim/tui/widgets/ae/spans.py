"""What a plane's axes span ("code 1: −1.42 … 6.88 · code 2: …"), written in forms from the fullest
to the shortest, and the plane's title together with them: at 80×24 a compact panel has no bottom
border for the spans (its subtitle), so they join the title on its top rule (Panel.set_titles), the
words giving way before the numbers and the keys."""
from dlsim.protocol.numbers import num

Span = tuple[str, str, float, float]   # (name, short name, lowest, highest): ("code 1", "z₁", −1.4, 6.9)


def span_forms(spans: list[Span]) -> tuple[str, str, str]:
    """The spans in words, in short names, and in short names to one decimal."""
    return (" · ".join(f"{name}: {num(lo, 2)} … {num(hi, 2)}" for name, _, lo, hi in spans),
            " · ".join(f"{short} {num(lo, 2)}…{num(hi, 2)}" for _, short, lo, hi in spans),
            " ".join(f"{short} {_tenths(lo)}…{_tenths(hi)}" for _, short, lo, hi in spans))


def _tenths(x: float) -> str:
    """To one decimal, always (num writes a small number to three significant digits: 0.0346)."""
    return num(round(float(x), 1), 1)


def titled_spans(name: str, keys: str, short_keys: str, spans: list[Span]) -> tuple[str, ...]:
    """The plane's `name`, its spans and the `keys` that change it on one line, fullest first; the
    spans outlast the name, and the last form is the spans alone."""
    full, mid, short = span_forms(spans)
    return (f"{name} · {full} · {keys}", f"{name} · {mid} · {keys}", f"{mid} · {keys}",
            f"{mid} · {short_keys}", f"{short} · {keys}", f"{short} · {short_keys}", short)
