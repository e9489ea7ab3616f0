"""Rescaling a learner's inputs to the range the networks are built for, said out loud: every change
the loader makes to the numbers comes back as a line the summary and the app show. Data already in
range is used as written. 2-D points go to [−1, 1] per column (the generated sets' square), other
vectors to [0, 1] per column (a SOM draws three such columns as colours), pixels to [0, 1], sequence
values to [−1, 1] by one factor (so a wave keeps its shape)."""
import numpy as np



def num(x: float) -> str:
    """A bound as a learner reads it: four significant digits, a real minus sign."""
    return f"{float(x):.4g}".replace("-", "−")


def _affine(X: np.ndarray, columns, low: float, high: float) -> tuple[np.ndarray, str | None]:
    lo, hi = X.min(axis=0), X.max(axis=0)
    if np.all(lo >= low) and np.all(hi <= high):
        return X, None
    # halves first: the same bits, and no overflow where the values span more than a float holds (±1e308)
    mid, half = lo / 2 + hi / 2, hi / 2 - lo / 2
    target_mid, target_half = (low + high) / 2, (high - low) / 2
    span = np.where(half > 0, half, 1.0)
    # clipped: the extremes may round one ulp outside (−1.0000000000000002)
    scaled = np.clip((X / 2 - mid / 2) / span * 2 * target_half + target_mid, low, high)
    parts = []
    for k, name in enumerate(columns):
        if half[k] == 0:
            parts.append(f"{name} is constant ({num(lo[k])}): set to {num(target_mid)}")
        else:
            parts.append(f"{name} {num(lo[k])}…{num(hi[k])}")
    return scaled, f"inputs scaled to [{num(low)}, {num(high)}] per column (from min…max): " + ", ".join(parts)


def points(X, columns):
    return _affine(X, columns, -1.0, 1.0)


def vectors(X, columns):
    return _affine(X, columns, 0.0, 1.0)


def pixels(X: np.ndarray, integers: bool) -> tuple[np.ndarray, str | None]:
    lo, hi = float(X.min()), float(X.max())
    if lo >= 0.0 and hi <= 1.0:
        return X, None
    if integers and lo >= 0 and hi <= 255:
        return X / 255.0, "pixels scaled from 0…255 to [0, 1] (÷ 255)"
    span = hi / 2 - lo / 2 if hi > lo else 0.5   # halves: no overflow from ±1e308
    return np.clip((X / 2 - lo / 2) / span, 0.0, 1.0), f"pixels scaled from {num(lo)}…{num(hi)} to [0, 1]"


def values(X: np.ndarray) -> tuple[np.ndarray, str | None]:
    top = float(np.abs(X).max())
    if top <= 1.0:
        return X, None
    return X / top, f"values scaled to [−1, 1]: each divided by {num(top)} (the largest |value|)"
