"""How far a network's generated points are from the real ones (the GAN's and the diffusion model's
`distance` metric): the total variation between their histograms over the real data's extent."""
import numpy as np

DISTANCE_BINS = 8      # the histogram: bins × bins over the real data's extent


def binned_distance(real: np.ndarray, fake: np.ndarray, bins: int = DISTANCE_BINS) -> float:
    """Total variation between the two point sets' histograms: ½·Σ|p − q| over bins × bins cells on
    the real data's extent (10% margin) plus one cell for everything outside. 0: same histogram;
    1: no overlap. Mode collapse reads high: the fakes crowd a few cells."""
    # column by column: a reduction over axis 0 of (N, 2) runs two values at a time, 10× slower
    lo = np.array([real[:, i].min() for i in range(2)])
    hi = np.array([real[:, i].max() for i in range(2)])
    pad = 0.1 * np.maximum(hi - lo, 1e-9)
    edges = [np.linspace(lo[i] - pad[i], hi[i] + pad[i], bins + 1) for i in range(2)]

    def shares(points):
        counts = _cell_counts(points, edges, bins)
        outside = len(points) - counts.sum()
        return np.append(counts, outside) / max(len(points), 1)
    return float(0.5 * np.abs(shares(real) - shares(fake)).sum())


def _cell_counts(points: np.ndarray, edges: list, bins: int) -> np.ndarray:
    """Points per cell, row-major (bins · bins,), as np.histogram2d counts them (a cell holds its
    lower edges, the last ones their upper edge too; NaN and points outside are in none): the same
    counts without histogram2d's general machinery (with the extent column by column, a 512-point
    pair's distance 0.44–0.48 → 0.23 ms: evaluated after every compiled call of a run)."""
    cells, inside = np.zeros(len(points), np.intp), np.ones(len(points), bool)
    for axis in range(2):
        edge, x = edges[axis], points[:, axis]
        k = np.searchsorted(edge, x, side="right") - 1
        k[x == edge[-1]] = bins - 1
        inside &= (k >= 0) & (k < bins)
        cells = cells * bins + k
    return np.bincount(cells[inside], minlength=bins * bins)
