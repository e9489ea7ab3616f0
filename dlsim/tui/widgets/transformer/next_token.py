"""The next-token distribution at the position in hand, under the token strip: its most likely
next tokens, each with its probability and a bar (a glyph, so NO_COLOR still reads) — the kernels'
probabilities, or, at another temperature or top-k (the options; `[` `]` and `k` change them), the
distribution the next token is drawn from, labelled `(T 0.75, top 3)`; for the poems, the text the
network writes with it. Where rows are few, the tokens share one line. Every number is the model's
(Transformer.inspect)."""
import numpy as np

from dlsim.protocol.numbers import num
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.panel import Cells
from dlsim.tui.widgets.transformer.symbols import shown_symbol

DIM = st.plain(dim=True)
TOP = 3   # next tokens listed
KEYS = "[ ] T · k top-k"   # the keys that change it, beside its heading where they fit


def distribution(ex, t: int) -> tuple[str, list[tuple[str, float]] | None]:
    """(heading, [(token, probability)] most likely first, or None when not computed yet)."""
    temperature, top_k = ex.get("temperature", 1.0), ex.get("top_k", 0)
    plain = temperature == 1.0 and top_k == 0
    P = ex.get("probabilities" if plain else "sampling")
    how = "" if plain else f" (T {num(temperature, 2)}{f', top {top_k}' if top_k else ''})"
    if P is None or not np.all(np.isfinite(P[t])):
        return f"next at {t}", None
    V = ex["vocabulary"]
    # tokens that cannot be drawn (outside the top-k) are not listed: top 1 lists one (they sum to 1)
    top = [k for k in np.argsort(-P[t], kind="stable")[:TOP] if P[t, k] > 0]
    return f"next at {t}{how}", [(shown_symbol(V[k]), float(P[t, k])) for k in top]


def rows(ex, t: int, width: int, room: int) -> list[Cells]:
    """The distribution in `room` rows at most: a row per token with its bar where they fit, else
    one line with as many whole tokens as fit; then, for the poems, what the network writes, on as
    many lines as are left."""
    heading, top = distribution(ex, t)
    poems = "generated" in ex
    if top is None:
        out: list[Cells] = [[(f"{heading}: not computed yet"[:width], DIM)]]
    elif room - poems >= 1 + len(top):
        out = [_with_keys(f"{heading}:", width)]
        bar = max(0, width - 11)   # "  '9' 0.98 " then the bar
        for symbol, p in top:
            out.append([(f"  '{symbol}' {p:.2f} ", st.plain()), ("█" * int(round(p * bar)), st.plain(bold=True))])
    else:
        line = f"{heading}:"
        for symbol, p in top:   # whole tokens only: a probability is never shown half
            said = f"  '{symbol}' {p:.2f}"
            if len(line) + len(said) > width:
                break
            line += said
        out = [[(line[:width], st.plain())]]
    return out + (_writes(ex, width, room - len(out)) if poems else [])


def _with_keys(heading: str, width: int) -> Cells:
    gap = width - len(heading) - len(KEYS)
    return [(heading[:width], st.plain())] + ([(" " * gap + KEYS, DIM)] if gap >= 1 else [])


def _writes(ex, width: int, room: int) -> list[Cells]:
    """The poems: what the network writes after its prompt (the prompt dim, then its own text),
    wrapped onto the rows left."""
    prompt, text = ex["generated"]
    prompt, text = "".join(map(shown_symbol, prompt)), "".join(map(shown_symbol, text))
    first = max(0, width - 7 - len(prompt))
    out: list[Cells] = [[("writes ", DIM), (prompt[:max(0, width - 7)], DIM), (text[:first], st.plain(bold=True))]]
    rest, step = text[first:], max(1, width - 7)
    while rest and len(out) < room:
        out.append([(" " * 7, None), (rest[:step], st.plain(bold=True))])
        rest = rest[step:]
    return out
