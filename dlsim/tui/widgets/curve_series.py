"""The points a curve is drawn from, kept up to date as a run's history grows, at a cost that does
not grow with the history: a frame reads only the entries added since the last one, and a curve is
at most 2·BUCKETS + 2 points however long the run.

Per series: the lowest and the highest point of each bucket of epochs (a bucket is one epoch until
a run passes BUCKETS epochs, then two, four, …: neighbours merged), and its first and last point.
The curves panel keeps each dot column's lowest and highest point of these (curves._extremes): a
column holds many buckets, so it keeps the extremes it would keep of every point, and a spike stays.

The summary is of every entry read, so the history's thinning (Model.record drops every other old
entry of a long run) changes nothing drawn: only a rewind or a fresh run (the last entry read is no
longer in the history) makes it read the history again. A perceptron on XOR records 30,000 epochs a
second or more; re-reading its 20,000 entries at each thinning, and drawing 20,000 points a series,
cost more than the rest of the frame.
"""
from bisect import bisect_left
from operator import itemgetter

import numpy as np

# at least 4 buckets a dot column of a curves panel 120 columns wide (240 dot columns), at least
# BUCKETS / 2 of them in use; a wider panel, 2 or more
BUCKETS = 2048


class Buckets:
    """Each bucket's lowest and highest point as (epoch, value); an epoch of NaN: no point yet.
    Bucket b holds epochs b·width + 1 … (b + 1)·width. NaN values are passed over unless a bucket
    holds nothing else (then its first point stays, and the curve has a gap there).

    New points go to the last bucket or later ones, so the points of the buckets before the last are
    kept as they will be drawn (`_done` buckets' worth, in `_kept`): a frame works out the points of
    the few buckets it touched, not of all 2,048 (that cost a GAN's frame more than its drawing)."""

    SMALL = 32   # up to this many points or buckets: in Python, cheaper than a dozen array operations

    def __init__(self):
        self.width, self.n = 1, 0
        self.low, self.high = np.full((2, BUCKETS), np.nan), np.full((2, BUCKETS), np.nan)
        self.first = self.last = None   # (epoch, value)
        # the first point, the points kept, then the last bucket's and the last point: copied out at once
        self._kept, self._done, self._n_kept = np.empty((2, 2 * BUCKETS + 4)), 0, 0
        self._repeats = False           # an epoch twice among the points kept (not from a history)

    def add(self, x: np.ndarray, y: np.ndarray) -> None:
        """Points later than every point added so far, in order of their epochs."""
        if not len(x):
            return
        if len(x) <= self.SMALL:   # (Python numbers: a NumPy scalar's arithmetic costs more)
            x, y = x.tolist(), y.tolist()
        if self.first is None:
            self.first = (x[0], y[0])
        self.last = (x[-1], y[-1])
        while (x[-1] - 1) // self.width >= BUCKETS:
            self._merge_pairs()
        if isinstance(x, list):
            self._add_each(x, y)
            return
        bucket = np.maximum((x - 1) // self.width, 0).astype(np.intp)   # (an epoch 0: the first)
        starts = np.concatenate([[0], np.flatnonzero(np.diff(bucket)) + 1])
        group = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, len(x))))
        at = bucket[starts]
        for kept, low in ((self.low, True), (self.high, False)):
            new = _run_extremes(x, y, starts, group, low)
            kept[:, at] = _earlier_or_beyond(kept[:, at], new, low)
        if at[0] < self._done:   # (not after the points added before: the kept points again)
            self._done, self._n_kept, self._repeats = 0, 0, False
        self.n = max(self.n, int(at[-1]) + 1)

    def _add_each(self, xs: list, ys: list) -> None:
        """`add` a point at a time, by the rule of `_earlier_or_beyond`: a bucket's point is replaced
        where it has none, or the new one lies beyond it, or is a value where it is NaN. The last
        bucket is worked on in Python numbers; one left behind is written back, and its points kept
        where the points kept reach it."""
        (low_x, low_y), (high_x, high_y), width = self.low, self.high, self.width
        b_open = self.n - 1
        lx, ly, hx, hy = (*self.low[:, b_open].tolist(), *self.high[:, b_open].tolist()) if self.n else (0.0,) * 4
        keeping, left_x, left_y = self._done == max(b_open, 0), [], []   # (the points of those left behind)
        for x, y in zip(xs, ys):
            b = max(int((x - 1) // width), 0)
            if b > b_open:   # a bucket not used yet: the open one is left behind
                if b_open >= 0:
                    low_x[b_open], low_y[b_open], high_x[b_open], high_y[b_open] = lx, ly, hx, hy
                    if keeping:
                        px, py = _points_of(lx, ly, hx, hy)
                        left_x += px
                        left_y += py
                b_open, lx, ly, hx, hy = b, x, y, x, y
                continue
            if b < b_open:   # (not in order: that bucket changed in place, the kept points again)
                low_x[b_open], low_y[b_open], high_x[b_open], high_y[b_open] = lx, ly, hx, hy
                self._fold(b, x, y)
                self._done, self._n_kept, self._repeats, keeping = 0, 0, False, False
                lx, ly, hx, hy = (*self.low[:, b_open].tolist(), *self.high[:, b_open].tolist())
                continue
            if lx != lx or y < ly or (ly != ly and y == y):
                lx, ly = x, y
            if hx != hx or y > hy or (hy != hy and y == y):
                hx, hy = x, y
        low_x[b_open], low_y[b_open], high_x[b_open], high_y[b_open] = lx, ly, hx, hy
        self.n = max(self.n, b_open + 1)
        if keeping:
            self._keep(left_x, left_y)
            self._done = self.n - 1

    def _fold(self, b: int, x: float, y: float) -> None:
        for (kx, ky), beyond in ((self.low, y < self.low[1, b]), (self.high, y > self.high[1, b])):
            if kx[b] != kx[b] or beyond or (ky[b] != ky[b] and y == y):
                kx[b], ky[b] = x, y

    def _keep(self, xs, ys) -> None:
        """Points of buckets left behind, after those kept (after the first point: the first bucket's
        first point is not kept where it is that one)."""
        if not self._n_kept and len(xs) and xs[0] == self.first[0]:
            xs, ys = xs[1:], ys[1:]
        at = 1 + self._n_kept
        end = at + len(xs)
        if at == end:
            return
        if not xs[0] > self._kept[0, at - 1] or not _rising(xs):
            self._repeats = True
        self._kept[0, at:end], self._kept[1, at:end] = xs, ys
        self._n_kept = end - 1

    def _merge_pairs(self) -> None:
        """Buckets twice as wide: each pair merged, the earlier point kept where they tie."""
        m = (self.n + 1) // 2
        for kept, low in ((self.low, True), (self.high, False)):
            pairs = np.concatenate([kept[:, :self.n], np.full((2, 2 * m - self.n), np.nan)], axis=1)
            merged = _earlier_or_beyond(pairs[:, 0::2], pairs[:, 1::2], low)
            kept[:, :m], kept[:, m:] = merged, np.nan
        self.width, self.n = 2 * self.width, m
        self._done, self._n_kept, self._repeats = 0, 0, False

    def points(self) -> tuple[np.ndarray, np.ndarray]:
        """(epochs, values): the first point, each bucket's lowest and highest in order, the last."""
        if self.first is None:
            return np.zeros(0), np.zeros(0)
        b_last = self.n - 1
        if self._done < b_last:   # buckets left behind since: their points kept
            self._keep(*_bucket_points(self.low[:, self._done:b_last], self.high[:, self._done:b_last]))
            self._done = b_last
        tx, ty = _points_of(*self.low[:, b_last].tolist(), *self.high[:, b_last].tolist())
        (x0, y0), (x1, y1) = self.first, self.last
        kept, at = self._kept, 1 + self._n_kept
        kept[0, 0], kept[1, 0] = x0, y0
        last_twice = tx[-1] == x1   # the last point is the last bucket's: once
        if self._repeats or tx[0] <= kept[0, at - 1] and not (at == 1 and tx[0] == x0):   # an epoch
            # twice (not from a history): each point once
            x = np.concatenate([kept[0, :at], tx, [x1]])
            first = np.concatenate([[True], x[1:] != x[:-1]])
            return x[first], np.concatenate([kept[1, :at], ty, [y1]])[first]
        if at == 1 and tx[0] == x0:   # the first point is the first bucket's: once
            tx, ty = tx[1:], ty[1:]
        for x, y in zip(tx, ty) if last_twice else zip(tx + [x1], ty + [y1]):
            kept[0, at], kept[1, at] = x, y
            at += 1
        x, y = kept[:, :at].copy()
        return x, y


def _points_of(lx: float, ly: float, hx: float, hy: float) -> tuple[list, list]:
    """A bucket's points (its lowest and highest), in order of their epochs, one point once."""
    if lx != lx:
        return [], []
    if lx == hx:
        return [lx], [ly]
    return ([lx, hx], [ly, hy]) if lx < hx else ([hx, lx], [hy, ly])


def _bucket_points(low: np.ndarray, high: np.ndarray) -> tuple:
    """(epochs, values) of buckets' points, (2, buckets) each, in order; the buckets without a point
    left out. A few buckets in Python, where a dozen array operations cost more than the points."""
    if low.shape[1] <= Buckets.SMALL:
        xs, ys = [], []
        for point in zip(*low.tolist(), *high.tolist()):
            x, y = _points_of(*point)
            xs += x
            ys += y
        return xs, ys
    used = ~np.isnan(low[0])
    if not used.all():
        low, high = low[:, used], high[:, used]
    low_first = low[0] <= high[0]
    pairs = np.empty((2, 2 * low.shape[1]))                                     # a₀ b₀ a₁ b₁ …
    pairs[:, 0::2], pairs[:, 1::2] = np.where(low_first, low, high), np.where(low_first, high, low)
    keep = np.ones(pairs.shape[1], bool)
    keep[1::2] = low[0] != high[0]                                             # one point: once
    return pairs[:, keep]


def _rising(x) -> bool:
    """Whether the epochs rise strictly (a few compared in Python)."""
    if len(x) > 8:
        return bool(np.all(x[1:] > x[:-1]))
    return all(a < b for a, b in zip(x, x[1:]))


def _run_extremes(x, y, starts, group, low: bool) -> np.ndarray:
    """(2, runs): each run's first lowest (or highest) point; a run of NaN only, its first."""
    with np.errstate(invalid="ignore"):
        extreme = (np.fmin if low else np.fmax).reduceat(y, starts)
    at = starts.copy()
    hits = np.flatnonzero(y == extreme[group])
    if len(hits):
        firsts = hits[np.concatenate([[True], group[hits][1:] != group[hits][:-1]])]
        at[group[firsts]] = firsts
    return np.array([x[at], y[at]])


def _earlier_or_beyond(a: np.ndarray, b: np.ndarray, low: bool) -> np.ndarray:
    """Per bucket, (2, n) each: `a` (the earlier points) unless `b` lies beyond it (lower for
    `low`, else higher), or `a` has no point, or a NaN where `b` has a value."""
    with np.errstate(invalid="ignore"):
        beyond = b[1] < a[1] if low else b[1] > a[1]
    take_b = np.isnan(a[0]) | (~np.isnan(b[0]) & (beyond | (np.isnan(a[1]) & ~np.isnan(b[1]))))
    return np.where(take_b, b, a)


class SeriesSummary:
    """One history key's points (Buckets), kept up to date as the history grows: each frame reads
    the entries added since the last, found after the last entry read, or, where a thinning took
    that one away (more than HISTORY_LIMIT / 2 entries since the last frame: a slow frame of a fast
    run), after an older entry read that is still there (ANCHORS of them, ANCHOR_EVERY apart: an odd
    step, since a thinning keeps every other entry, and entries an even step apart go together)."""

    ANCHORS, ANCHOR_EVERY = 64, 257

    def __init__(self, key: str):
        self.key, self.seen, self.last = key, 0, None   # entries read, and the last of them
        self.anchors: list[dict] = []                    # older entries read, oldest first
        self.version = 0                                 # changes whenever the points do
        self.buckets, self._points = Buckets(), None

    def update(self, history: list[dict], epochs: "Epochs | None" = None) -> tuple[np.ndarray, np.ndarray]:
        """(epochs, values) to draw; `epochs`: the epochs of `history` (read once for every series)."""
        epochs = Epochs(history) if epochs is None else epochs
        if not self._continues(history):
            self.buckets, self.seen, self.anchors, self._points = Buckets(), 0, [], None
            self.version += 1
        xs, ys = new_points(history, self.seen, self.key, epochs)
        if len(xs):
            self.buckets.add(xs, ys)
            self.version, self._points = self.version + 1, None
        self.anchors = (self.anchors + history[self.seen:-1:self.ANCHOR_EVERY])[-self.ANCHORS:]
        self.seen, self.last = len(history), history[-1] if history else None
        if self._points is None:
            self._points = tuple(_read_only(a) for a in self.buckets.points())
        return self._points

    def _continues(self, history: list[dict]) -> bool:
        """Whether the history is the one read plus new entries, perhaps thinned: the last entry
        read is still in it where it was, or an entry read is still in it (the same object, found
        by its epoch: epochs rise) and none after the last read was taken back or replaced (a
        rewind, a fresh run). Then `seen` is where the entries not read begin."""
        if self.last is None:
            return self.seen == 0
        if self.seen <= len(history) and history[self.seen - 1] is self.last:
            return True
        epoch = itemgetter("epoch")
        try:
            last = epoch(self.last)
            if not history or epoch(history[-1]) < last:
                return False
            for anchor in (self.last, *reversed(self.anchors)):
                at = bisect_left(history, epoch(anchor), key=epoch)
                if at < len(history) and history[at] is anchor:
                    self.seen = bisect_left(history, last, lo=at, key=epoch)
                    if self.seen < len(history) and epoch(history[self.seen]) == last:
                        if history[self.seen] is not self.last:
                            return False   # the last epoch read, another entry: a fresh run
                        self.seen += 1
                    return True
        except (KeyError, TypeError):   # an entry without its epoch: read it all again
            return False
        return False
def _read_only(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


def new_points(history: list[dict], start: int, key: str, epochs: "Epochs") -> tuple[np.ndarray, np.ndarray]:
    """(epochs, values) of `key` in history[start:], the entries without it (or with None) left out.
    A fast run adds thousands of entries a frame: where every entry has its epoch and the key, they
    are read in C (itemgetter), not a Python step each, and the epochs made an array once for every
    series. (Turning Python numbers into an array is most of the cost: 7,000 entries a frame of a
    perceptron's run, its three series, 1.7 ms a frame with the epochs turned for each series.)"""
    entries = history[start:]
    try:
        xs = epochs.since(start)
        # straight into an array, no list between (half the cost a value: 25,000 of them a frame of
        # a perceptron's run); None becomes NaN there, told apart from a NaN value below
        values = np.fromiter(map(itemgetter(key), entries), float, len(entries))
    except KeyError:
        pass
    else:
        if not np.isnan(values).any():
            return xs, values
        ys = list(map(itemgetter(key), entries))
        if ys.count(None) == len(ys):   # e.g. a test accuracy without a test set
            return np.zeros(0), np.zeros(0)
        if None not in ys:
            return xs, values
    new = [(entry.get("epoch", i + 1), value) for i, entry in enumerate(entries, start)
           if (value := entry.get(key)) is not None]   # long histories are thinned
    points = np.array(new, float).reshape(-1, 2)
    return points[:, 0], points[:, 1]


class Epochs:
    """The epochs of a history's entries from some entry on, read once however many series ask
    (`since(start)`, an array; KeyError where an entry has none)."""

    def __init__(self, history: list[dict]):
        self.history, self._since = history, {}

    def since(self, start: int) -> np.ndarray:
        if start not in self._since:
            entries = self.history[start:]
            self._since[start] = np.fromiter(map(itemgetter("epoch"), entries), float, len(entries))
        return self._since[start]
