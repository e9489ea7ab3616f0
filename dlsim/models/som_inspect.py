"""What the SOM's pictures show, computed by the model through the kernels that train it: the BMU and
the sample in hand, each node's distance to it and its neighbourhood h during the update pass, the
U-matrix and the hit map; and, for the picture of input space, the grid's edges and the plane it is
drawn in. The app's view only lays these out; lessons quote them ({bmu_row}, @expect hits[0,0] > 0)
and `dlsim run som --headless --trace F --trace-inspect` writes them on every event.
"""
from typing import Any, Iterable, Mapping

import numpy as np

from dlsim.models.per_weights import kept
from dlsim.protocol.events import Event, Level

INSPECTED = {
    "bmu": "the best-matching unit of the sample in hand: its index j (row-major; written node [j // cols, j % cols]), once the search found it",
    "bmu_row": "the BMU's row on the grid",
    "bmu_col": "the BMU's column on the grid",
    "sample": "the sample in hand: its row in the training data",
    "distances": "(rows, cols) the distance ‖x − w‖ from the sample in hand to each node, with the weights as they are now",
    "neighbourhood": "(rows, cols) each node's neighbourhood value h around the BMU, during the sample's update pass",
    "radius": "(rows, cols) True for the nodes within σ of the BMU on the grid (the neighbourhood radius), once the BMU is found",
    "umatrix": "(rows, cols) the U-matrix: each node's mean distance to its grid neighbours (high = a border between clusters)",
    "hits": "(rows, cols) how many training samples each node is the BMU of",
    "lr": "the learning rate of the sample in hand (or of the next one)",
    "sigma": "the neighbourhood radius σ of the sample in hand (or of the next one), in grid steps",
}


def neighbour_pairs(pos: np.ndarray, cols: int) -> np.ndarray:
    """(P, 2) node pairs that are grid neighbours (4 a node on a rectangular grid, 6 on a hexagonal
    one). Only the next node in the row and the three below are candidates, so this stays O(N)."""
    j = np.arange(len(pos))
    pairs = [np.stack([j[:-step], j[step:]], axis=1) for step in (1, cols - 1, cols, cols + 1) if 0 < step < len(pos)]
    pairs = np.concatenate(pairs) if pairs else np.zeros((0, 2), np.int64)
    near = ((pos[pairs[:, 0]] - pos[pairs[:, 1]]) ** 2).sum(axis=1) < 1.5
    return np.ascontiguousarray(np.unique(pairs[near], axis=0), dtype=np.int64)


def principal_plane(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(centre (D,), axes (D, 2)): the plane input space is drawn in: the inputs themselves when
    2-D, else the data's first two principal components through its mean."""
    if X.shape[1] == 2:
        return np.zeros(2), np.eye(2)
    _, _, v = np.linalg.svd(X - X.mean(axis=0), full_matrices=False)
    return X.mean(axis=0), v[:2].T


class _Cache:
    """What is fixed once the model is built (its grid's edges, the data's plane), and the epoch's
    order last asked for. Derived, not state: a model's deep copy (same data, same grid) shares it.
    (The pictures of the weights are kept per weights: models/per_weights.py.)"""

    def __init__(self):
        self.pairs = None
        self.plane = None   # (centre, axes, the data on the plane)
        self.order = (None, None)   # (epoch, its sample order)

    def __deepcopy__(self, memo):
        return self


class Inspect:
    """The SOM's `inspected` and `inspect()`, and the geometry its picture of input space needs."""
    inspected = INSPECTED

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._cache = _Cache()

    @property
    def grid_pairs(self) -> np.ndarray:
        """(P, 2) the node pairs that are grid neighbours: the grid's edges."""
        cache = self._cache
        if cache.pairs is None:
            cache.pairs = neighbour_pairs(self.pos, self.cols)
        return cache.pairs

    def input_plane(self) -> tuple[np.ndarray, np.ndarray]:
        """(the data (S, 2), the nodes (N, 2)) on the plane input space is drawn in (principal_plane)."""
        cache = self._cache
        if cache.plane is None:
            centre, axes = principal_plane(self.X)
            points = (self.X - centre) @ axes
            points.flags.writeable = False   # shared by every frame
            cache.plane = (centre, axes, points)
        centre, axes, points = cache.plane
        return points, (self.W - centre) @ axes

    def inspect(self, last: Event | None = None, trace: Mapping[tuple[str, str], Event] | None = None,
                names: Iterable[str] | None = None) -> dict[str, Any]:
        """What the pictures show now (INSPECTED), through the kernels that ran (the NumPy references
        while the app compiles them). `names`: only these (the app's view asks for what it draws)."""
        want = set(self.inspected if names is None else names)
        som = self.kernels_now().som
        shown: dict[str, Any] = {}
        lr, sigma = self.rates()
        shown.update({k: v for k, v in (("lr", lr), ("sigma", sigma)) if k in want})
        shown.update(self._map_pictures(som, want & {"umatrix", "hits"}))
        sample, bmu = self._in_hand(last, trace or {})
        if sample is not None:
            shown["sample"] = sample
            if "distances" in want:
                shown["distances"] = self._grid(np.sqrt(som.distances2(self.X[sample], self.W)))
        if bmu is not None:
            shown.update(bmu=bmu, bmu_row=bmu // self.cols, bmu_col=bmu % self.cols)
            if "neighbourhood" in want and last.phase == "update" and last.closes < Level.SAMPLE:
                shown["neighbourhood"] = self._grid(som.neighbourhoods(self.pos, bmu, sigma, self.kind))
            if "radius" in want:   # σ as the sample used it (a finished sample's event says it)
                used = float(last.values["sigma"]) if last.op == "step" else sigma
                shown["radius"] = self._grid(((self.pos - self.pos[bmu]) ** 2).sum(axis=1) <= used * used)
        return {k: v for k, v in shown.items() if k in want}

    def _in_hand(self, last: Event | None, trace: Mapping[tuple[str, str], Event]) -> tuple[int | None, int | None]:
        """(sample, BMU) the stream stands at: those of the sample just done (its closing event), or
        of the sample in progress (its BMU once the search found it); (None, None) elsewhere."""
        if last is None:
            return None, None
        if last.op in ("step", "bmu"):
            return int(last.values["sample"]), int(last.values["bmu"])
        if last.closes >= Level.SAMPLE:
            return None, None
        found = next((e for (op, _), e in reversed(trace.items()) if op == "bmu"), None)
        if found is not None:
            return int(found.values["sample"]), int(found.values["bmu"])
        return self._sample_at_cursor(), None   # mid-search: the sample the cursor stands at

    def _sample_at_cursor(self) -> int:
        return int(self.epoch_order()[self.index])

    def epoch_order(self) -> np.ndarray:
        """This epoch's sample order (Model.order), drawn once an epoch: each step's sample is looked
        up in it, and drawing the permutation again took longer than training the sample (an epoch
        stepped sample by sample, a key press, spent a third of its time on it)."""
        cache = self._cache
        if cache.order[0] != self.epoch:
            cache.order = (self.epoch, self.order(self.epoch))
        return cache.order[1]

    def _map_pictures(self, som, names: set[str]) -> dict[str, np.ndarray]:
        pictures = kept(self, "_map_pictures_kept", som.__name__, dict)   # filled as they are asked for
        for name in names - set(pictures):
            if name == "umatrix":
                pictures[name] = self._grid(som.umatrix(self.W, self.grid_pairs))
            else:
                pictures[name] = self._grid(np.bincount(som.bmus(self.X, self.W), minlength=len(self.W)))
        return {name: pictures[name].copy() for name in names}

    def _grid(self, per_node: np.ndarray) -> np.ndarray:
        return per_node.reshape(self.rows, self.cols)

    def exercise(self) -> None:
        """The errors, every picture and both public steps, through the model's own kernels (the
        app's warm-up runs this while the views still draw with the NumPy references)."""
        self.evaluate()
        som = self.kernels.som
        self._map_pictures(som, {"umatrix", "hits"})
        som.distances2(self.X[0], self.W)
        som.neighbourhoods(self.pos, 0, 1.0, self.kind)
        self.winner(self.X[:2])
        self.update(self.X[0])
