"""The RBM's data, binary images as rows of 0s and 1s, registered on import as vector sets:
bars-and-stripes (4×4: every pattern of whole vertical bars or whole horizontal stripes, 30 distinct
ones; the classic test of whether a Boltzmann machine learns a distribution; 2×2, 6 patterns of 4
pixels, small enough to follow CD by hand), and the 8×8 digits
binarised (a pixel on where its ink is over one half). `noise` flips each pixel with that probability."""
import itertools

import numpy as np

from dlsim.models import ae_data
from dlsim.protocol.datasets import SETS, VECTORS, Source, register

BARS, SMALL_BARS, DIGITS = "bars4", "bars2", "digits01"   # stored names; the RBM offers bars, bars2, digits
SIDE = {BARS: 4, SMALL_BARS: 2, DIGITS: 8}


def patterns(side: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """(X (2^(side+1) − 2, side²), y): every bars (class 0) and stripes (class 1) pattern once (4×4:
    30; 2×2: 6); the blank and the full image, both bars and stripes, are counted once, as bars."""
    rows, labels = [], []
    for label in (0, 1):
        for on in itertools.product((0.0, 1.0), repeat=side):
            image = np.tile(np.array(on), (side, 1)) if label == 0 else np.tile(np.array(on)[:, None], (1, side))
            if label == 1 and len(set(on)) == 1:
                continue   # blank and full: already among the bars
            rows.append(image.ravel())
            labels.append(label)
    return np.array(rows), np.array(labels, np.int64)


def _flipped(rng, X, noise):
    return np.abs(X - (rng.random(X.shape) < noise)) if noise else X


def _bars(side):
    def generate(rng, n, noise):
        """n patterns: all of them in turn (the set splits them between training and test), again as needed."""
        X, y = patterns(side)
        pick = np.arange(n) % len(X)
        return _flipped(rng, X[pick], noise), y[pick]
    return generate


def _digits(rng, n, noise):
    X, y = SETS[ae_data.NAME].generate(rng, n, 0.0)
    return _flipped(rng, (X > 0.5).astype(np.float64), noise), y


register(BARS, Source(VECTORS, _bars(4), 2))
register(SMALL_BARS, Source(VECTORS, _bars(2), 2))
register(DIGITS, Source(VECTORS, _digits, 10))
