"""Training curves over epochs: loss (train and test), accuracy, or whatever a network's view asks.

Train is a solid braille line, test a dashed one, so the two read apart without colour. Series are
taken from the history incrementally, as a summary whose cost does not grow with it (curve_series).

A train loss is `train_loss`, measured on the training set after the epoch like `test_loss`; never
`loss`, the mean of the batch losses during the epoch, which lags a whole epoch of updates behind
the test loss and both accuracies.

A lesson at a @sweep step hands the panel the sweep's runs (show_sweep): it draws them instead
(sweep_chart), under a title that says so, until it is handed None.
"""
from dataclasses import dataclass
import numpy as np
from rich.style import Style

from dlsim.protocol.numbers import count, measured
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.braille import Braille
from dlsim.tui.widgets.chart_heights import chart_heights
from dlsim.tui.widgets.chart_tail import put_tail as _put_tail
from dlsim.tui.widgets.curve_points import CURVE_POINTS
from dlsim.tui.widgets.curve_series import Epochs, SeriesSummary
from dlsim.tui.widgets.panel import Cells, Panel, UiState
from dlsim.tui.widgets.sweep_chart import sweep_rows, sweep_titles

SERIES_STYLES = (Style(color=st.rgb((235, 235, 235))), Style(color=st.rgb((150, 190, 255))))
DASH = (0, 2)
LEGEND = ("─", "┄")
INLINE = 6   # columns at least of a one-row chart's curve beside its legend: 12 braille dots, a trend


@dataclass(frozen=True)
class Chart:
    title: str
    series: tuple[tuple[str, str], ...]          # (history key, label); first solid, second dashed
    limits: tuple[float, float] | None = None    # fixed y range, else 0 and the values' span
    whole: bool = False                          # counts (errors): the legend writes 3, not 3.000
    # (history key, what the legend says before the series' first value): a value that only exists
    # from some point on ("after 100 episodes" for a mean of the last 100), where "–" would not say why
    pending: tuple[tuple[str, str], ...] = ()
    classes: bool = False                        # drawn only where the task has classes (an accuracy)


def charts_for(metrics) -> tuple[Chart, ...]:
    """A network's charts from the metrics it declares: one chart per `Metric.chart`, in the order
    they first appear; a train_/test_ pair shares one (train solid, test dashed)."""
    charts: dict[str, list] = {}
    for metric in metrics:
        if metric.chart is not None:
            label = "test" if metric.key.startswith("test_") else "train"
            charts.setdefault(metric.chart, []).append((metric.key, label, metric.limits, metric.whole,
                                                        metric.classes))
    return tuple(Chart(title, tuple((key, label) for key, label, *_ in series), series[0][2],
                       all(whole for *_, whole, _ in series), classes=all(classes for *_, classes in series))
                 for title, series in charts.items())


class Curves(Panel):
    READING = (("curves", "── train, ┄┄ test"),)

    def __init__(self, view, charts: tuple[Chart, ...], **kw):
        super().__init__(view, **kw)
        self.charts = charts
        self._extract = {key: SeriesSummary(key) for chart in charts for key, _ in chart.series}
        self._drawn: dict[int, tuple] = {}   # per chart: what it was drawn from, and its rows
        self.sweep = None                    # a lesson's @sweep drawn instead (lesson_sweep.Swept)
        self._titles_before = None           # the panel's own title forms, while it draws a sweep
        self._sweep_drawn = (None, None, [])   # the sweep drawn, at what size, and its rows

    def series(self, history: list[dict]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """(epochs, values) of every history key the charts plot: the points drawn (every epoch's
        up to BUCKETS epochs, then the first, the last and each bucket's lowest and highest)."""
        epochs = Epochs(history)
        return {key: ex.update(history, epochs) for key, ex in self._extract.items()}

    def _points(self, frame) -> tuple[dict, dict]:
        """({key: (epochs, values)}, {key: version}): as the frame brings them (worked out where it
        was built: curve_points), else from its history here."""
        given = getattr(frame, "extras", {}).get(CURVE_POINTS) or {}
        if all(key in given for key in self._extract):
            return ({key: given[key][:2] for key in self._extract},
                    {key: given[key][2] for key in self._extract})
        data = self.series(frame.history)
        return data, {key: (id(ex), ex.version) for key, ex in self._extract.items()}

    def follow_view(self) -> None:
        """The charts its view shows for the task as it is now: a dataset switched from the sine (a
        regression) to two classes brings the accuracy chart, and back."""
        charts = self.view.shown_charts() if self.view is not None else self.charts
        if charts != self.charts:
            self.charts, self._drawn = charts, {}
            for chart in charts:
                for key, _ in chart.series:
                    self._extract.setdefault(key, SeriesSummary(key))
        if self.view is not None and hasattr(self.view, "curve_points"):   # what the frames work out
            self.view.curve_points.keys = tuple(self._extract)

    def show_sweep(self, swept) -> None:
        """Draw a lesson's @sweep (its runs side by side) in place of the history; None: the
        history again, under the panel's own title."""
        if swept is self.sweep:
            return
        if self.sweep is None:
            self._titles_before = self._forms.get("border_title") or (str(self.border_title or ""),)
        self.sweep = swept
        self.set_titles(sweep_titles(swept) if swept is not None else self._titles_before)

    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        self.follow_view()
        if self.sweep is not None:
            # the sweep itself, not its id(): a later @sweep's runs may be given a dropped one's address
            drawn_at = (self.charts, width, height)
            swept, at, rows = self._sweep_drawn
            if swept is not self.sweep or at != drawn_at:
                self._sweep_drawn = (self.sweep, drawn_at, sweep_rows(self.sweep, self.charts, width, height))
            return self._sweep_drawn[2]
        data, versions = self._points(frame)
        # the epoch number, not the entry count: a long history is thinned (Model.record)
        last_epoch = frame.history[-1].get("epoch", len(frame.history)) if frame.history else 0
        out: list[Cells] = []
        live = [any(len(data[key][0]) and data[key][0][-1] == last_epoch for key, _ in chart.series)
                for chart in self.charts]
        unmeasured = frame.extras.get("unmeasured", {})
        # until the first epoch ends, a series' legend says where it starts (Model.before_training)
        starts = frame.extras.get("before_training", {})
        for k, (chart, h) in enumerate(zip(self.charts, chart_heights(live, height))):
            said = {**{key: measured(starts[key], chart.whole) for key, _ in chart.series if key in starts},
                    **unmeasured}
            out += self._drawn_chart(k, chart, data, last_epoch, width, h, frame.unit[0], versions, said,
                                     started=any(key in starts for key, _ in chart.series))
        return out

    def keyed(self, chart: Chart) -> bool:
        """Whether the panel's title, as shown, names each of the chart's lines ("── train ┄┄ test"):
        then its legend may give the names up where they do not fit beside the values; else it
        keeps them ahead of the chart's title, or a learner could not tell its lines apart."""
        title = str(self.border_title or "")
        return len(chart.series) < 2 or all(f"{LEGEND[i] * 2} {label}" in title
                                            for i, (_, label) in enumerate(chart.series))

    def _drawn_chart(self, k: int, chart: Chart, data: dict, epochs: int, width: int, height: int,
                     unit: str, versions: dict | None = None, unmeasured: dict | None = None,
                     started: bool = False) -> list[Cells]:
        """The chart's rows, drawn again only when its points (`versions`: whose summary, at which
        version), last epoch, size, the panel's title or what stands where no value is measured
        (`unmeasured`: key → why, Model.unmeasured, or where the series starts) changed: stepping
        through a paused epoch changes the frame, not the history."""
        keyed = self.keyed(chart)
        versions = versions or {key: (id(ex), ex.version) for key, ex in self._extract.items()}
        why = tuple((key, unmeasured[key]) for key, _ in chart.series if unmeasured and key in unmeasured)
        drawn_from = (tuple(versions[key] for key, _ in chart.series), epochs, width, height, unit, keyed, why,
                      started)
        if k not in self._drawn or self._drawn[k][0] != drawn_from:
            self._drawn[k] = (drawn_from, self._chart(chart, data, epochs, width, height, unit, keyed, dict(why),
                                                      started))
        return self._drawn[k][1]

    def _chart(self, chart: Chart, data: dict, epochs: int, width: int, height: int,
               unit: str = "epoch", keyed: bool = True, unmeasured: dict | None = None,
               started: bool = False) -> list[Cells]:
        """The chart's legend and plot; `started`: its legend gives the values before training (no
        epoch has ended), and the x axis's corner says so, not "epoch 0", so that a learner stepping
        through a long first epoch does not read a loss that never moves as one stuck."""
        if height == 1:
            return [_inline(chart, data, epochs, width, keyed, unmeasured)]
        head = _legend(chart, data, width, keyed, unmeasured)
        if height < 2:
            return [head][:height]
        label_w = 6
        plot_w, plot_h = max(1, width - label_w - 1), height - 1
        lo, hi = _span(chart, data)
        canvas = _canvas(chart, data, epochs, plot_w, plot_h, lo, hi)
        rows: list[Cells] = [head]
        axis = st.plain(dim=True)
        for r in range(plot_h):
            label = st.short(hi, label_w) if r == 0 else st.short(lo, label_w) if r == plot_h - 1 else ""
            label = label.replace("+", " ")
            rows.append([(label.rjust(label_w) + "┤", axis), *canvas.cells(r, SERIES_STYLES)])
        if plot_h >= 2:   # the x axis's last epoch, in the corner the curves leave emptiest
            tail = f" {unit} {count(epochs)}"
            if started and not epochs:   # the longest words that fit the plot's width
                tail = " before training" if len(" before training") < plot_w else " at start"
            _put_tail(rows, 1, tail, axis)   # (cell 0: the axis)
        return rows


def _inline(chart: Chart, data: dict, epochs: int, width: int, keyed: bool, unmeasured: dict | None) -> Cells:
    """A chart given a single row: its legend, then its curve in the columns left over, one braille
    row high on the chart's own range (a short panel's KL beside the VAE's reconstruction drew its
    legend alone, and a learner saw its value but not whether it rose or fell). The legend takes its
    longest form that leaves INLINE columns, every value kept where one does; else the values that
    fit do; a panel too narrow for even one value and a curve, or a chart with no value yet, keeps
    its legend alone."""
    if not any(len(data[key][0]) for key, _ in chart.series):   # nothing to draw yet: the legend whole
        return _legend(chart, data, width, keyed, unmeasured)
    head = (_legend(chart, data, width - INLINE - 1, keyed, unmeasured, whole=True)
            or _legend(chart, data, width - INLINE - 1, keyed, unmeasured))
    if not head:
        return _legend(chart, data, width, keyed, unmeasured)
    lo, hi = _span(chart, data)
    canvas = _canvas(chart, data, epochs, width - _width(head) - 1, 1, lo, hi)
    return head + [(" ", st.plain()), *canvas.cells(0, SERIES_STYLES)]


def _span(chart: Chart, data: dict) -> tuple[float, float]:
    """The y range a chart draws: its declared limits, else from 0 to the farthest finite values
    either side, read in place (not copied out of every series each frame): a return that is all
    below 0 (a cliff walk) is drawn too."""
    if chart.limits:
        return chart.limits
    values = [(v, np.isfinite(v)) for v in (data[key][1] for key, _ in chart.series)]
    top = max((float(np.max(v, initial=0.0, where=finite)) for v, finite in values), default=0.0)
    bottom = min((float(np.min(v, initial=0.0, where=finite)) for v, finite in values), default=0.0)
    return bottom, (top if top > bottom else bottom + 1.0)


def _canvas(chart: Chart, data: dict, epochs: int, width: int, height: int, lo: float, hi: float) -> Braille:
    """The chart's series on a braille canvas of `width` × `height` cells: epoch 1 at the left
    edge, the last at the right, train solid and test dashed."""
    canvas = Braille(width, height)
    dots_w, dots_h = canvas.size_dots
    span = max(epochs, 2) - 1
    for i, (key, _) in enumerate(chart.series):
        x, y = data[key]
        if not len(x):
            continue
        px = (x - 1) / span * (dots_w - 1)
        if len(x) > 4 * dots_w:   # thin out: per dot column its lowest and highest point,
            keep = _extremes(px.astype(int), y)   # so a spike stays
            px, y = px[keep], y[keep]
        py = (1 - (np.clip(y, lo, hi) - lo) / (hi - lo)) * (dots_h - 1)
        py[~np.isfinite(y)] = np.nan
        canvas.polyline(px, py, key=i, power=-i, dash=DASH[i])
    return canvas


def _extremes(cols: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The indices of each dot column's lowest and highest point, in order. The epochs come in order,
    so a column is a run of neighbours: reduced in one pass, not sorted (a sort of 20,000 points a
    series cost more than drawing them). NaN is passed over unless a column holds nothing else."""
    steps = np.diff(cols)
    if steps.min(initial=0) < 0:           # not in order (never from a history): sort
        order = np.lexsort((y, cols))
        edge = cols[order][1:] != cols[order][:-1]
        return np.unique(np.concatenate([order[np.r_[True, edge]], order[np.r_[edge, True]]]))
    # (np.concatenate and repeat, not np.r_: a few microseconds each, every frame, every series)
    starts = np.flatnonzero(np.concatenate([[True], steps != 0]))
    counts = np.diff(np.append(starts, len(cols)))
    with np.errstate(invalid="ignore"):
        low, high = np.fmin.reduceat(y, starts), np.fmax.reduceat(y, starts)
    keep = np.zeros(len(y), bool)                   # marked, not sorted: the indices come in order
    keep[starts[np.isnan(low)]] = True              # a column of NaN only: its first point
    for extreme in (low, high):
        hits = np.flatnonzero(y == np.repeat(extreme, counts))
        if len(hits):                               # each column's first
            at = cols[hits]
            keep[hits[np.concatenate([[True], at[1:] != at[:-1]])]] = True
    return np.flatnonzero(keep)


def _legend(chart: Chart, data: dict, width: int, keyed: bool = True, unmeasured: dict | None = None,
            whole: bool = False) -> Cells:
    """'loss  ── train 0.700  ┄┄ test 0.692'; where that is too wide the words give way, then the
    title shortens ('D accuracy · distance' → 'D accuracy', 'errors per epoch' → 'errors'), then it
    goes; last the series at the end go whole (the title's short form kept where it fits). A number
    is never cut. The words that name the lines give way first only where the panel's title names
    them (`keyed`: "curves · ── train ┄┄ test"); else they outlast the chart's title, which gives
    way first ('── D acc 0.726 ┄┄ distance 1.000'). `whole`: every value or nothing ([])."""
    pending = {**(unmeasured or {}), **dict(chart.pending)}   # what stands for a value not measured (yet)
    lasts = [_last(data[key][1], chart.whole, pending.get(key)) for key, _ in chart.series]
    named = [] if keyed else [(title, True, " ") for title in _titles(chart.title) + [""]]
    forms = [(chart.title, True, "  ")] + named + [(title, False, gap) for title in _titles(chart.title)
                                                   for gap in ("  ", " ")] + [("", False, " ")]
    for title, labels, gap in forms:
        head = _head(chart, lasts, title, labels, gap)
        if _width(head) <= width:
            return head
    if whole:
        return []
    # even bare the values do not fit: those that do, none cut, after a short title where it fits
    # ("loss ── 0.0000904" at an 80×24 LSTM's 19 columns: which chart, before the test value)
    for shown in range(len(lasts) - 1, 0, -1):
        for title in _titles(chart.title) + [""]:
            head = _head(chart, lasts[:shown], title, False, " ")
            if _width(head) <= width:
                return head
    return []


def _last(y: np.ndarray, whole: bool, pending: str | None = None) -> str:
    """The latest value as the number rule writes it: a count without decimals; before the first,
    "–" or what the chart says of it ("after 100 episodes")."""
    if not len(y):
        return pending or "–"
    return measured(y[-1], whole)


def _titles(title: str) -> list[str]:
    """The title and its shorter forms, longest first: the part before ' · ', then cut at a word
    (never to fewer than 3 characters, where it would name nothing)."""
    first = title.split(" · ")[0]
    words = first.split(" ")
    forms = [title, first] + [" ".join(words[:n]) for n in range(len(words) - 1, 0, -1)]
    return [form for i, form in enumerate(forms) if len(form) >= 3 and form not in forms[:i]]


def _head(chart: Chart, lasts: list[str], title: str, labels: bool, gap: str) -> Cells:
    notes = {note for _, note in chart.pending}
    head: Cells = [(title, st.plain(bold=True))] if title else []
    for i, ((_, label), last) in enumerate(zip(chart.series, lasts)):
        said = f"{label}: {last}" if last in notes else f"{label} {last}"   # "mean of last 100: after 100 episodes"
        head += [((gap if head else "") + LEGEND[i] * 2 + " ", SERIES_STYLES[i]),
                 (said if labels else last, st.plain())]
    return head


def _width(head: Cells) -> int:
    return sum(len(text) for text, _ in head)
