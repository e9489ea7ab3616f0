"""The one number format: every number a learner reads goes through `num` (or `count`), so one value
always reads the same in the math panel, the status bar, the lessons and a headless run.

And the one way of counting (the README's rule): a place in a sequence counts from 1 and says of how
many (`place`: "sample 3/4", the third of the epoch's four); a row of the data or an element of an
array is named by its index, from 0, always with its mark (`row`: "#2", as the event path's
`sample[2]` and `x[0]`), so a reader never takes one for the other."""
import math


def _exponent(text: str) -> str:
    """'9.31e-07' → '9.31e−7', '1.5e+06' → '1.5e6': the short form, with a real minus sign."""
    mantissa, power = text.split("e")
    return f"{mantissa}e{int(power)}"


def count(n) -> str:
    """A count (epochs, steps, samples) with thousands separators and a real minus sign: 7,875."""
    return f"{int(n):,}".replace("-", "−")


def counted(n, word: str) -> str:
    """'1 epoch', '7,875 epochs', '2 iterations': a count and its unit, plural past one."""
    return f"{count(n)} {word}{'s' * (int(n) != 1)}"


def place(k, n) -> str:
    """The k-th of n, counted from 1: '3/4'."""
    return f"{count(k)}/{count(n)}"


def row(i) -> str:
    """A row of the data (or any element) by its 0-based index: '#2'."""
    return f"#{int(i)}"


def measured(value: float, whole: bool) -> str:
    """A metric's value: a count (errors) without decimals, anything else by `num` (NaN and ∞ too)."""
    return count(round(value)) if whole and math.isfinite(value) else num(value)


def num(x, digits: int = 3) -> str:
    """A number as a learner reads it: fixed digits, a real minus sign, no '-0.000'; below 0.0005
    (at 3 digits) three significant digits instead, and the exponent form past 10⁶ or below 10⁻⁶."""
    if x is None:
        return "–"
    x = float(x)
    if x != x:
        return "NaN"
    if x in (float("inf"), float("-inf")):
        return "∞" if x > 0 else "−∞"
    if abs(x) >= 10 ** 6:
        text = _exponent(f"{x:.{digits}e}")
    elif 0 < abs(x) < 10 ** -digits / 2 and digits > 0:
        # a small gradient must not read as 0.000: three significant digits instead, only there
        # (0.002 and 0.02 both at three decimals, never "0.00200" beside "0.020")
        text = f"{x:.{2 - math.floor(math.log10(abs(x)))}f}" if abs(x) >= 1e-6 else _exponent(f"{x:.2e}")
    else:
        text = f"{x:,.{digits}f}"
    if float(text.replace(",", "")) == 0.0:
        text = text.lstrip("-")
    return text.replace("-", "−")


def fac(x, digits: int = 3) -> str:
    """A factor in a product: negatives in brackets, so `0.5·(−0.2)` never reads as a subtraction."""
    text = num(x, digits)
    return f"({text})" if text.startswith("−") else text


def product(x, w) -> str:
    """'w·x' with both as factors."""
    return f"{fac(w)}·{fac(x)}"


def sum_of(terms: list[str], limit: int = 4) -> str:
    """'a + b + …'; a term that is a bare negative number is subtracted: '… − 0.100'."""
    if len(terms) > limit:
        terms = terms[:limit - 1] + ["…"] + terms[-1:]
    text = terms[0]
    for term in terms[1:]:
        text += f" − {term[1:]}" if term.startswith("−") else f" + {term}"
    return text
