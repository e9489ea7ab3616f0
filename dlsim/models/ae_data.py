"""The autoencoder's data: the UCI 8×8 digits as rows of 64 values in [0, 1] (an autoencoder reads
a vector, and its code is drawn beside the images it came from), registered on import as a vector set.
The 2-D point sets are the MLP's."""
import numpy as np

from dlsim.errors import UserError
from dlsim.protocol import images
from dlsim.protocol.datasets import VECTORS, Source, register

NAME = "digits64"   # stored under this name; the autoencoder offers it as `digits`
SIDE = 8


def _digits64(rng, n, noise):
    X, y = images.digits()
    if n > len(X):
        raise UserError(f"the digits set has {len(X):,} images: samples + test must be at most that (got {n:,})")
    pick = rng.permutation(len(X))[:n]
    X = X[pick].reshape(n, SIDE * SIDE)   # (n, 64), row by row
    return (np.clip(X + rng.uniform(-noise, noise, X.shape), 0.0, 1.0) if noise else X), y[pick]


register(NAME, Source(VECTORS, _digits64, 10))
