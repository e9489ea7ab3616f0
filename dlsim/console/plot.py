"""Training curves as text, for a plain terminal, an SSH session or a CI log: drawn with plotext.

`plot_history(history, metrics)` takes a history (`Simulator.history`, a trace's epoch records, a
saved session's) and returns the charts as one string: one chart per `Metric.chart` the network
declares (loss, accuracy, quantization error, …) in the order it declares them, its metrics as
series (train and test on one chart). A series is told apart by its marker as well as its colour
(the first solid, the second dotted), so the picture reads the same without colour: colour only on
a terminal, and never with NO_COLOR set (no-color.org) or TERM=dumb. Values that are not finite
(a diverged run) and metrics never measured are left out.
"""
import math
import numbers
import os
import shutil
import sys

from dlsim.errors import UserError
from dlsim.protocol.metrics import Metric

NOT_A_TTY = (80, 20)   # a chart's columns and rows when the output is not a terminal (a pipe, a
                       # CI log): there is no screen to fit, so each chart gets the whole 20 rows
LEAST_ROWS = 8         # a chart's least height: with many charts the picture grows past the screen
MARKERS = (("hd", "▞▞"), ("·", "··"), ("x", "xx"), ("o", "oo"))   # per series of a chart: plotext's
                       # marker and the legend's sample of it (solid, dotted, …)


def wants_colour(stream=None) -> bool:
    stream = sys.stdout if stream is None else stream
    return (stream.isatty() and not os.environ.get("NO_COLOR")
            and os.environ.get("TERM", "") != "dumb")


def size(stream=None) -> tuple[int, int]:
    """The terminal's columns and rows (COLUMNS and LINES win, as for any program), or NOT_A_TTY."""
    stream = sys.stdout if stream is None else stream
    if not stream.isatty() and not (os.environ.get("COLUMNS") or os.environ.get("LINES")):
        return NOT_A_TTY
    columns, rows = shutil.get_terminal_size(NOT_A_TTY)
    return columns, max(rows - 2, LEAST_ROWS)   # the shell's prompt and the summary line stay in view


def charts(history: list[dict], metrics: tuple[Metric, ...] | None) -> dict[str, list[Metric]]:
    """Chart title → the metrics drawn on it, those with a finite value somewhere in the history.
    Without metrics (a trace from a network this dlsim does not know), each numeric key but the
    epoch is a chart of its own."""
    if metrics is None:
        keys = dict.fromkeys(k for entry in history for k in entry if k != "epoch")
        metrics = tuple(Metric(k, k, chart=k) for k in keys)
    found: dict[str, list[Metric]] = {}
    for metric in metrics:
        if metric.chart is not None and any(_finite(entry.get(metric.key)) for entry in history):
            found.setdefault(metric.chart, []).append(metric)
    return found


def plot_history(history: list[dict], metrics: tuple[Metric, ...] | None = None, title: str = "",
                 unit: str = "epoch", width: int | None = None, height: int | None = None,
                 colour: bool | None = None) -> str:
    """The charts of `history` as text, `width` × `height` in all (default: the terminal's, see
    `size`); `colour` None: as `wants_colour` says for stdout. A history with nothing to draw gives
    one line saying so."""
    try:
        import plotext
    except ImportError:   # an install from before plotext was a dependency
        raise UserError("drawing curves needs plotext: pip install 'plotext>=5.3,<6'") from None
    drawn = charts(history, metrics)
    if not drawn:
        return f"{title + ': ' if title else ''}no finished {unit} with a measured value to plot"
    if width is None or height is None:
        columns, rows = size()
        width = width or columns
        height = height or (rows if sys.stdout.isatty() else rows * len(drawn))
    colour = wants_colour() if colour is None else colour
    each = max(height // len(drawn), LEAST_ROWS)
    text = "\n\n".join(_chart(history, name, shown, title, unit, width, each) for name, shown in drawn.items())
    return text if colour else plotext.uncolorize(text)


def _chart(history, name: str, shown: list[Metric], title: str, unit: str, width: int, height: int) -> str:
    """One chart: as the app's curves, on the range a metric declares (accuracy: 0..1), else
    from 0 to the largest value (from the least where a value is negative)."""
    import plotext as plt   # imported when drawing: a run that does not plot never loads it
    plt.clear_figure()
    plt.plotsize(width, height - 1)   # and a line for the legend
    xs_all, ys_all = [], []
    legend = []
    for metric, (marker, sample) in zip(shown, MARKERS * len(shown)):
        points = [(entry.get("epoch"), entry.get(metric.key)) for entry in history]
        points = [(x, y) for x, y in points if _finite(x) and _finite(y)]
        if points:
            xs, ys = zip(*points)
            plt.plot(xs, ys, marker=marker)
            legend.append(f"{sample} {metric.name(curve=True, unit=unit)}")
            xs_all += xs
            ys_all += ys
    plt.title(f"{title}: {name}" if title else name)
    plt.xlabel(unit)
    limits = next((m.limits for m in shown if m.limits is not None), None)
    low, high = limits or (min(0.0, min(ys_all)), max(ys_all))
    if high > low:
        plt.ylim(low, high)
    if all(float(x).is_integer() for x in xs_all):   # epochs are counted: ticks at whole numbers
        plt.xticks(_whole_ticks(int(min(xs_all)), int(max(xs_all)), width // 12))
    if all(m.whole for m in shown):                  # so are errors
        plt.yticks(_whole_ticks(int(low), math.ceil(high), height // 3))
    # the legend under the chart, not plotext's in its corner: a curve near the top (accuracy
    # close to 1, a loss at its start) ran through it
    return plt.build().rstrip() + "\n" + " " * 5 + "    ".join(legend)


def _whole_ticks(first: int, last: int, most: int) -> list[int]:
    """Ticks at round steps (1, 2, 5, 10, 20, 50, …), at most `most` of them (and at least 2), and
    the first where it is not too close to the next tick."""
    most = max(most, 2)
    step = 1
    while (last - first) / step > most:
        step = _next_step(step)
    ticks = list(range(-(-first // step) * step, last + 1, step))
    if not ticks or ticks[0] - first >= step / 2:
        ticks.insert(0, first)
    return ticks


def _next_step(step: int) -> int:
    digits = 10 ** (len(str(step)) - 1)
    lead = step // digits
    return {1: 2, 2: 5, 5: 10}.get(lead, 10) * digits


def _finite(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
