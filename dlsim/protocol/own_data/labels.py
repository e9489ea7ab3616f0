"""Class labels as a learner writes them — whole numbers 0..C−1, or names (cat, dog) numbered in
sorted order, which the summary shows — checked: a fraction, a negative number or a class with no
sample is refused, naming where the label stands (`line 17`, or `y[4]` in an array)."""
import numpy as np

from dlsim.protocol.own_data.problem import quoted, refuse

MOST_CLASSES = 100


def classes_of(values, path, where, expected: str) -> tuple[np.ndarray, int, tuple[str, ...], str]:
    """(y (N,) int64, classes, class names, the line saying how labels became classes). `values` are
    the labels as written (strings from a CSV, or an array's items); `where(i)` names item i's place."""
    values = list(values)
    numbers = []
    for value in values:
        try:
            numbers.append(float(value))
        except (TypeError, ValueError):
            return _named(values, path, where)
    y = np.array(numbers)
    for i, v in enumerate(numbers):
        if not np.isfinite(v) or v < 0 or v != int(v):
            raise refuse(path, where(i), f"label {quoted(values[i])} is not a class number; expected {expected}")
    y = y.astype(np.int64)
    classes = int(y.max()) + 1
    _few_enough(classes, path)
    empty = sorted(set(range(classes)) - set(y.tolist()))
    if empty:
        listed = ", ".join(map(str, empty[:5])) + (", …" if len(empty) > 5 else "")
        raise refuse(path, "", f"class{'es' * (len(empty) > 1)} {listed} {'have' if len(empty) > 1 else 'has'} no "
                     f"sample; expected labels 0..{classes - 1} with every class present (or class names)")
    names = tuple(str(k) for k in range(classes))
    return y, classes, names, f"classes: {classes} (labels 0..{classes - 1}, as written)"


def _named(values, path, where):
    names = sorted({str(v) for v in values})
    _few_enough(len(names), path)
    index = {name: k for k, name in enumerate(names)}
    y = np.array([index[str(v)] for v in values], np.int64)
    shown = ", ".join(f"{name}={k}" for k, name in enumerate(names[:8])) + (", …" if len(names) > 8 else "")
    return y, len(names), tuple(names), f"classes: {len(names)} named, numbered in sorted order: {shown}"


def _few_enough(classes: int, path) -> None:
    if classes > MOST_CLASSES:
        raise refuse(path, "", f"{classes} classes; expected at most {MOST_CLASSES} (is a column of numbers "
                     "taken for the label? name the label column 'label')")
