"""A curve chart's legend at any width: it keeps its name as long as some form of it fits, writes a
count as a count, and never cuts a number (the README's number rule)."""
import numpy as np

from dlsim.models.perceptron_formulas import METRICS as PERCEPTRON_METRICS
from dlsim.tui.widgets.curves import Chart, _legend, charts_for


def text(chart, data, width):
    return "".join(t for t, _ in _legend(chart, data, width))


def series(*values):
    return (np.arange(1, len(values) + 1, dtype=float), np.array(values, float))


GAN = Chart("D accuracy · distance", (("d_acc", "D acc"), ("distance", "distance")), (0.0, 1.0))
GAN_DATA = {"d_acc": series(0.5, 0.726), "distance": series(1.0, 1.0)}


def test_a_narrow_legend_keeps_a_short_form_of_the_title_before_dropping_it():
    assert text(GAN, GAN_DATA, 30) == "D accuracy  ── 0.726  ┄┄ 1.000"
    assert text(GAN, GAN_DATA, 28) == "D accuracy ── 0.726 ┄┄ 1.000"
    accuracy = Chart("accuracy", (("a", "train"), ("b", "test")), (0.0, 1.0))
    assert text(accuracy, {"a": series(0.7), "b": series(0.692)}, 27) == "accuracy ── 0.700 ┄┄ 0.692"
    errors = Chart("errors per epoch", (("errors", "train"),), whole=True)
    assert text(errors, {"errors": series(3.0)}, 15) == "errors per ── 3"


def test_a_legend_never_cuts_a_number_even_where_none_of_its_words_fit():
    chart = Chart("loss", (("a", "train"), ("b", "test")))
    data = {"a": series(0.000064), "b": series(0.0000731)}
    for width in range(0, 40):
        shown = text(chart, data, width)
        assert len(shown) <= width
        numbers = [word for word in shown.replace("┄", " ").replace("─", " ").split() if word[0].isdigit()]
        assert all(n in ("0.0000640", "0.0000731") for n in numbers), (width, shown)


def test_the_perceptrons_errors_chart_writes_a_count_as_the_math_panel_does():
    errors = next(c for c in charts_for(PERCEPTRON_METRICS) if c.title == "errors per epoch")
    assert errors.whole
    shown = text(errors, {"errors": series(5.0, 3.0)}, 60)
    assert shown.endswith(" 3") and "3.000" not in shown


def test_a_series_below_zero_is_drawn_on_an_axis_reaching_down_to_it():
    """A cliff walk's returns are all negative: the chart spans them (from the lowest to 0) instead
    of clipping every point to a 0..max axis, where none would show."""
    from dlsim.tui.widgets.curves import Curves
    chart = Chart("return", (("r", "train"),))
    rows = Curves._chart(None, chart, {"r": series(-100.0, -40.0, -13.0)}, 3, 30, 6)
    labels = [float("".join(t for t, _ in row)[:6].replace("−", "-")) for row in (rows[1], rows[-1])]
    assert labels == [0.0, -100.0]
    dots = "".join("".join(t for t, _ in row)[7:] for row in rows[1:])
    assert any("\u2800" < c <= "\u28ff" for c in dots)   # the line is there
