"""A long run's curves (a perceptron on XOR records 30,000 epochs a second or more): drawn from a
summary whose cost does not grow with the history (widgets/curve_series.py), they look as they would
drawn from every epoch's value, spikes kept, though the history itself has been thinned."""
from types import SimpleNamespace

import numpy as np

from dlsim.models.base import Model
from dlsim.tui.widgets.curve_series import BUCKETS, Buckets, SeriesSummary
from dlsim.tui.widgets.curves import Chart, Curves

from .conftest import CountedHistory

LOSS = Chart("loss", (("loss", "train"),))


class Recorder:
    HISTORY_LIMIT = Model.HISTORY_LIMIT
    record, _thin = Model.record, Model._thin

    def __init__(self):
        self.history, self.epoch = [], 0

    def run(self, values):
        for value in values:
            self.epoch += 1
            self.record({"loss": float(value)})


def text(rows):
    return ["".join(t for t, _ in row) for row in rows]


def test_a_long_runs_curve_is_the_curve_of_every_epoch_spikes_kept():
    """300,000 epochs, read 7,000 a frame (a fast run at 30 frames/s): the panel draws, dot for dot,
    what the chart draws from all 300,000 values. The history kept 20,000 of them (Model.record
    thins it), and drawn from those alone the spikes of the thinned-out epochs were lost."""
    rng = np.random.default_rng(0)
    n = 300_000
    y = np.exp(-np.arange(n) / 60_000) + 0.05 * rng.normal(size=n)
    y[rng.integers(0, n, 30)] += 2.0   # spikes: a diverging step now and then
    model, curves = Recorder(), Curves(None, (LOSS,))
    for start in range(0, n, 7_000):
        model.run(y[start:start + 7_000])
        rows = curves.rows(SimpleNamespace(extras={}, history=list(model.history), unit=("epoch",)), None, 60, 12)
    every_epoch = Curves._chart(None, LOSS, {"loss": (np.arange(1, n + 1, dtype=float), y)}, n, 60, 12)
    assert text(rows) == text(every_epoch)
    kept = model.history
    from_history = Curves._chart(None, LOSS, {"loss": (np.array([e["epoch"] for e in kept], float),
                                                        np.array([e["loss"] for e in kept]))}, n, 60, 12)
    assert len(kept) <= Model.HISTORY_LIMIT and text(from_history) != text(every_epoch)


def test_each_bucket_keeps_its_lowest_and_highest_point():
    """Added in chunks of any size, merged as the run grows: each bucket's lowest and highest value
    (the first of equals) at its own epoch; NaN passed over unless a bucket holds nothing else."""
    rng = np.random.default_rng(1)
    n = 50_000
    y = rng.integers(0, 50, n).astype(float)   # many ties
    y[rng.random(n) < 0.2] = np.nan
    y[1000:1100] = np.nan                      # a stretch of NaN only
    x = np.arange(1, n + 1, dtype=float)
    buckets, start = Buckets(), 0
    while start < n:
        step = int(rng.integers(1, 3_000))
        buckets.add(x[start:start + step], y[start:start + step])
        start += step
    width = buckets.width
    assert buckets.n <= BUCKETS < 2 * buckets.n and (buckets.n - 1) * width < n <= buckets.n * width
    for b in range(buckets.n):
        part = y[b * width:(b + 1) * width]
        if np.isnan(part).all():
            assert buckets.low[0, b] == buckets.high[0, b] == b * width + 1   # its first point: a gap
            continue
        assert buckets.low[0, b] == b * width + 1 + np.nanargmin(part) and buckets.low[1, b] == np.nanmin(part)
        assert buckets.high[0, b] == b * width + 1 + np.nanargmax(part) and buckets.high[1, b] == np.nanmax(part)
    px, py = buckets.points()
    assert len(px) <= 2 * BUCKETS + 2 and (px[0], px[-1]) == (1, n) and np.all(np.diff(px) > 0)


def test_a_frame_reads_the_new_entries_and_a_few_more_even_after_a_thinning():
    """A thinning moves the entries read to other places: found again by their epoch (a binary
    search), not by reading the 20,000 entries the history holds."""
    model, summary = Recorder(), SeriesSummary("loss")
    model.run(np.linspace(1, 0, 19_000))
    summary.update(CountedHistory(model.history))
    model.run(np.linspace(0, 1, 3_000))   # past 20,000 entries: thinned
    assert len(model.history) < 19_000 + 3_000
    history = CountedHistory(model.history)
    history.read = 0
    x, y = summary.update(history)
    assert history.read <= 2 * 3_000 + 100   # the new entries (for their epochs, then values)
    assert (x[-1], y[-1]) == (22_000, 1.0) and y.min() == 0.0


def test_a_slow_frame_of_a_fast_run_keeps_the_curve_read_so_far():
    """More than HISTORY_LIMIT / 2 entries between two frames: the thinning can take away the last
    entry read. The curve goes on from an older entry read, its summary kept (it began at epoch 1 and
    still does); before, it was read again from the thinned history, every spike thinned out lost."""
    model, summary = Recorder(), SeriesSummary("loss")
    model.run(np.full(13_000, 1.0))
    summary.update(list(model.history))
    kept = summary.buckets
    for frame in range(1, 40):
        model.run(np.full(13_000, 1.0 + frame))
        x, y = summary.update(list(model.history))
    assert len(model.history) <= 20_000 < 40 * 13_000   # the history itself was thinned
    assert summary.buckets is kept            # the summary went on, never read again from the start
    assert x[0] == 1 and y[0] == 1.0 and y.min() == 1.0 and y.max() == 40.0


class CountedArray(np.ndarray):
    """Bucket arrays that count the values read from them (`counter[0]`): what a frame costs the
    summary, whatever the machine's speed. A row taken as a whole (`low[0]`) reads nothing yet."""
    counter = None

    def __array_finalize__(self, obj):
        self.counter = getattr(obj, "counter", None)

    def __getitem__(self, at):
        got = super().__getitem__(at)
        if self.counter is not None and (isinstance(at, tuple) or not isinstance(got, np.ndarray)):
            self.counter[0] += np.size(got)
        return got


def test_a_frame_of_a_few_new_epochs_reads_the_buckets_they_went_to_not_every_bucket():
    """A GAN's curve of 3,000 epochs, 4 more a frame: the frame works out the points of the buckets
    the new epochs went to, not those of all 1,500 buckets (that cost a GAN's frame more than drawing
    its curves did before the summary), and its curve is the one of every epoch added at once."""
    rng = np.random.default_rng(2)
    n = 3_040
    x, y = np.arange(1, n + 1, dtype=float), rng.normal(size=n)
    buckets, counter = Buckets(), [0]
    buckets.add(x[:3_000], y[:3_000])
    buckets.points()
    for name in ("low", "high"):
        counted = getattr(buckets, name).view(CountedArray)
        counted.counter = counter
        setattr(buckets, name, counted)
    read = []
    for start in range(3_000, n, 4):
        counter[0] = 0
        buckets.add(x[start:start + 4], y[start:start + 4])
        px, py = buckets.points()
        read.append(counter[0])
    at_once = Buckets()
    at_once.add(x, y)
    assert np.array_equal(px, at_once.points()[0]) and np.array_equal(py, at_once.points()[1])
    assert buckets.width == 2 and max(read) <= 32   # the buckets touched and the last, low and high
