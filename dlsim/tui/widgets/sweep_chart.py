"""A lesson's @sweep in the curves panel: each run's curve over its epochs (the first chart's train
metric, a train loss), one braille line per swept value, and a table of each run's final figures
(each chart's train metric, and whether it diverged). Every number is the runs' own
(lesson_sweep.Swept keeps their summaries and histories); this only draws them.

Five lines cannot be told apart by colour alone (NO_COLOR): each is named by its value at its end, in
a column beside the plot (the names moved apart where lines end close together), and its dots are
dashed its own way. A loss that spans more than a decade (a run that explodes beside one that
converges) is drawn on a log scale, or every run but the worst would lie flat along the bottom.
"""
import math

import numpy as np
from rich.style import Style

from dlsim.protocol.numbers import count, measured
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.braille import Braille
from dlsim.tui.widgets.chart_tail import put_tail
from dlsim.tui.widgets.panel import Cells

COLOURS = ((235, 235, 235), (150, 190, 255), (240, 138, 56), (108, 196, 108), (230, 180, 34),
           (200, 130, 220), (110, 210, 210), (230, 110, 110))
STYLES = tuple(Style(color=st.rgb(c)) for c in COLOURS)
DASHES = (0, 3, 1, 2, 5, 4, 0, 3)   # dots on, then as many off: 0 a solid line
AXIS_W = 6
LOG_SPAN = 10.0     # a positive metric whose largest value is this many times its smallest: log scale
RULE = " │ "
TALL = 10           # rows the chart needs above the table for the two to stack (else side by side)
CHART_W = 30        # the columns a chart beside the table keeps


def sweep_titles(swept) -> tuple[str, ...]:
    """The panel's title forms: what ran, fullest first."""
    values = ", ".join(swept.words)
    ran = {run.get("epochs", 0) for run in swept.runs.values()}   # fewer where a run converged
    epochs = f"{count(max(ran))} epochs each" if len(ran) == 1 else f"up to {count(max(ran, default=0))} epochs"
    return (f"sweep · {len(swept.words)} runs · {swept.option} = {values} · {epochs}",
            f"sweep · {swept.option} = {values} · {epochs}",
            f"sweep · {swept.option} = {values}", "sweep")


def sweep_rows(swept, charts, width: int, height: int) -> list[Cells]:
    """The chart and the table in `width` × `height`: the table under the chart where there are
    rows enough for both, else beside it (its headers shortened, then its last columns given up,
    so that the chart keeps CHART_W columns), else the table alone."""
    runs = swept.shown()
    if not charts or height < 1:
        return []
    if height < len(runs) + 2 + TALL:                  # side by side, where the table leaves room
        table = _table(swept.option, runs, charts, width - len(RULE) - CHART_W)
        if table:
            chart_w = width - _width(table[0]) - len(RULE)
            rows = _chart(swept.option, runs, charts[0], chart_w, height)
            rows += [[]] * (height - len(rows))
            rule = (RULE, st.plain(dim=True))      # the chart's names on one side, the table's on the other
            pad = lambda row: row + [(" " * (chart_w - _width(row)), None), rule]
            return [pad(row) + (table[r] if r < len(table) else []) for r, row in enumerate(rows)]
    table = _table(swept.option, runs, charts, width) or _table(swept.option, runs, charts[:1], 10 ** 6)
    chart_h = height - len(table) - 1
    rows = _chart(swept.option, runs, charts[0], width, chart_h) + [[]] if chart_h >= 3 else []
    return rows + [[(text[:width], style) for text, style in row] for row in table][:height - len(rows)]


def _table(option: str, runs, charts, width: int) -> list[Cells]:
    """'lr   loss  accuracy  diverged' and a row per run, its final figures, in `width` or not at all
    ([]): the headers give way to their first words ('quantization error' → 'quantization'), then
    the columns past the first chart's go."""
    for shown in range(len(charts), 0, -1):
        for short in (False, True):
            heads = [chart.title.split(" · ")[0] for chart in charts[:shown]]
            heads = [head.split(" ")[0] if short else head for head in heads]
            cells = [[option, *heads, "diverged"]]
            cells += [[word, *(_figure(summary.get(chart.series[0][0]), chart.whole) for chart in charts[:shown]),
                       "yes" if summary.get("diverged") else "no"] for word, summary, _ in runs]
            widths = [max(len(row[c]) for row in cells) for c in range(len(cells[0]))]
            if sum(widths) + 2 * (len(widths) - 1) <= width:
                return [[("  ".join(cell.ljust(w) if c in (0, len(row) - 1) else cell.rjust(w)
                                    for c, (cell, w) in enumerate(zip(row, widths))),
                          st.plain(bold=True) if r == 0 else STYLES[(r - 1) % len(STYLES)])]
                        for r, row in enumerate(cells)]
    return []


def _figure(value, whole: bool) -> str:
    return "–" if value is None else measured(value, whole)


def _chart(option: str, runs, chart, width: int, height: int) -> list[Cells]:
    """The head ('train loss · a line per lr · log scale'), then the plot: its axis on the left, the
    runs' names on the right at their lines' ends, the last epoch in a corner."""
    key, label = chart.series[0]
    curves = [_curve(history, key) for _, _, history in runs]
    finite = np.concatenate([y[np.isfinite(y)] for _, y in curves] or [np.zeros(0)])
    lo, hi = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
    log = chart.limits is None and lo > 0 and hi >= LOG_SPAN * lo
    if chart.limits:
        lo, hi = chart.limits
    elif not log:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
        hi = hi if hi > lo else lo + 1.0
    title = f"{label} {chart.title.split(' · ')[0]}"
    scale_word = " · log scale" if log else ""
    head = st.first_fitting([f"{title} · a line per {option}{scale_word}", f"{title}{scale_word}", title,
                             chart.title.split(" · ")[0], title.split(" ")[1], ""], width)
    rows: list[Cells] = [[(head, st.plain(bold=True))]]
    names_w = max(len(word) for word, _, _ in runs) + 1
    plot_w, plot_h = width - AXIS_W - 1 - names_w, height - 1
    if plot_w < 4 or plot_h < 2:
        return rows[:height]
    scale = (lambda y: np.log10(y)) if log else (lambda y: y)
    bottom, top = scale(lo), scale(hi)
    canvas = Braille(plot_w, plot_h)
    dots_w, dots_h = canvas.size_dots
    epochs = max((int(x[-1]) for x, _ in curves if len(x)), default=1)
    span = max(epochs, 2) - 1
    ends = []
    for i, (x, y) in enumerate(curves):
        if not len(x):
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            py = (1 - (np.clip(scale(np.clip(y, lo, hi)), bottom, top) - bottom) / (top - bottom)) * (dots_h - 1)
        py[~np.isfinite(y)] = np.nan
        canvas.polyline((x - 1) / span * (dots_w - 1), py, key=i, power=-i, dash=DASHES[i % len(DASHES)])
        last = py[np.isfinite(py)]
        ends.append((int(last[-1]) // 4 if len(last) else 0, i))   # a run that never had a value: the top
    axis = st.plain(dim=True)
    for r in range(plot_h):
        rows.append([(_tick(r, plot_h, lo, hi, log).rjust(AXIS_W) + "┤", axis), *canvas.cells(r, STYLES)])
    put_tail(rows, 1, f" epoch {count(epochs)}", axis)   # (it counts a cell a character: before the names)
    for r, run in _places(ends, plot_h).items():
        rows[1 + r] = rows[1 + r] + [(" " + runs[run][0], STYLES[run % len(STYLES)])]
    return rows


def _curve(history: list[dict], key: str) -> tuple[np.ndarray, np.ndarray]:
    x = np.array([entry.get("epoch", i + 1) for i, entry in enumerate(history)], float)
    y = np.array([np.nan if entry.get(key) is None else entry[key] for entry in history], float)
    return x, y


def _places(ends: list[tuple[int, int]], rows: int) -> dict[int, int]:
    """Row → run: each run's name on the row its line ends in, moved down (then up, from the last
    row) where another name has it: none over another (more runs than rows: the table names the rest)."""
    placed: list[list[int]] = []
    for row, run in sorted(ends):
        placed.append([max(row, placed[-1][0] + 1) if placed else row, run])
    for k in range(len(placed) - 1, -1, -1):      # past the last row: back up, keeping the order
        placed[k][0] = min(placed[k][0], rows - (len(placed) - k))
    return {row: run for row, run in placed if row >= 0}


def _tick(r: int, rows: int, lo: float, hi: float, log: bool) -> str:
    """The axis's label on row r: its top and bottom values, and on a log scale each power of ten
    between them, on the row it falls in."""
    if r == 0:
        return st.short(hi, AXIS_W).replace("+", " ").strip()
    if r == rows - 1:
        return st.short(lo, AXIS_W).replace("+", " ").strip()
    if not log or rows < 4:
        return ""
    top, bottom = math.log10(hi), math.log10(lo)
    for k in range(math.ceil(bottom), math.floor(top) + 1):
        at = int((top - k) / (top - bottom) * (rows * 4 - 1)) // 4
        if at == r and 1 < r < rows - 2:       # not beside the top and bottom labels
            return f"{10.0 ** k:g}"
    return ""


def _width(row: Cells) -> int:
    return sum(len(text) for text, _ in row)
