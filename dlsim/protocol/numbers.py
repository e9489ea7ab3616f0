"""The one number format: every number a learner reads goes through `num` (or `count`), so one value
always reads the same in the math panel, the status bar, the lessons and a headless run."""
import math


def _exponent(text: str) -> str:
    """'9.31e-07' → '9.31e−7', '1.5e+06' → '1.5e6': the short form, with a real minus sign."""
    mantissa, power = text.split("e")
    return f"{mantissa}e{int(power)}"


def count(n) -> str:
    """A count (epochs, steps, samples) with thousands separators: 7,875."""
    return f"{int(n):,}"


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
    elif 0 < abs(x) < 10 ** -digits * 5 and digits > 0:
        # a small gradient must not read as 0.000: three significant digits instead
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
