"""The plane of 2-D data: its box with a margin, and a grid of points over it. One definition for
the models that compute pictures over the plane (a decision surface, D's verdict) and the widgets
that draw them, so a picture's pixels are the points the model was asked about."""
import numpy as np

PAD = 0.15   # the box spans the data and this share of its size on every side


def box(X: np.ndarray, pad: float = PAD) -> tuple[float, float, float, float]:
    """(x0, x1, y0, y1): the box of the points X (N, 2), widened by `pad` of its size on each side."""
    lo, hi = X.min(axis=0), X.max(axis=0)
    span = np.maximum(hi - lo, 1e-9)
    return (float(lo[0] - pad * span[0]), float(hi[0] + pad * span[0]),
            float(lo[1] - pad * span[1]), float(hi[1] + pad * span[1]))


def grid(extent: tuple, width: int, height: int) -> np.ndarray:
    """Pixel centres of a width × height grid over the box, row-major from the top: (height·width, 2)."""
    x0, x1, y0, y1 = extent
    xs = x0 + (np.arange(width) + 0.5) * (x1 - x0) / width
    ys = y1 - (np.arange(height) + 0.5) * (y1 - y0) / height
    gx, gy = np.meshgrid(xs, ys)
    return np.stack([gx.ravel(), gy.ravel()], axis=1)
