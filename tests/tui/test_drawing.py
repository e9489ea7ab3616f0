"""The drawing helpers: numbers in a few characters, braille strokes, the perceptron's line."""
import numpy as np

from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.braille import Braille
from dlsim.tui.widgets.curve_series import SeriesSummary
from dlsim.protocol.plane import box as extent, grid
from dlsim.tui.widgets.data.decision import line_cells


def test_short_numbers_fit_and_keep_their_sign():
    for value in (0.5312, -1.2, 0.0123, -0.0004, 12.34, -987.6, 123456.0, 0.0):
        text = st.short(value, 5)
        assert len(text) <= 5
        if value < 0:
            assert st.MINUS in text
        elif value > 0:
            assert "+" in text
    assert st.short(float("nan")).strip() == "NaN"
    assert st.short(None).strip() == "·"


def test_a_short_number_in_a_narrow_node_is_rounded_never_cut():
    """The MLP's neuron labels at 120×40 have four characters beside index 0–9, three beside 10–15:
    −0.017 read '−2e−' (an exponent cut off) and the two-digit neurons showed nothing."""
    assert st.short(-0.017, 4) == "−.02"
    assert st.short(-0.2, 3) == "−.2"
    assert st.short(-0.017, 3) == "  0"          # rounds to nothing at this width: 0, no sign
    for value in (-0.017, 0.2, -0.9, 0.0004, 3.7):
        for width in (3, 4):
            text = st.short(value, width).strip()
            assert "e" not in text or text[-1].isdigit(), (value, width, text)


def test_braille_solid_and_dashed_lines():
    solid, dashed = Braille(10, 2), Braille(10, 2)
    solid.line(0, 0, 19, 0)
    dashed.line(0, 0, 19, 0, dash=2)
    dots = lambda b: sum(bin(int(c)).count("1") for c in b.codes.ravel())
    assert dots(solid) == 20 and 8 <= dots(dashed) <= 12
    assert solid.char(0, 0) == "⠉"


def test_braille_cell_belongs_to_the_strongest_stroke():
    b = Braille(4, 1)
    b.line(0, 0, 7, 0, key=1, power=1)
    b.line(0, 3, 7, 3, key=2, power=5)
    assert set(b.keys.ravel()) == {2}


def test_perceptron_line_glyphs_follow_the_slope():
    ext = (-1.0, 1.0, -1.0, 1.0)
    flat = set(line_cells((0.0, 1.0, 0.0), ext, 20, 10).values())
    steep = set(line_cells((1.0, 0.0, 0.0), ext, 20, 10).values())
    rising = set(line_cells((-1.0, 1.0, 0.0), ext, 20, 20).values())   # y = x
    assert flat == {"─"} and steep == {"│"} and rising == {"╱"}
    assert line_cells((0.0, 0.0, 1.0), ext, 20, 10) == {}


def test_grid_covers_the_extent_top_row_first():
    X = np.array([[0.0, 0.0], [1.0, 2.0]])
    ext = extent(X, pad=0.0)
    g = grid(ext, 4, 2)
    assert g.shape == (8, 2) and g[0, 1] > g[-1, 1]


def test_curve_series_follow_a_history_that_grows_and_shrinks():
    ex = SeriesSummary("loss")
    history = [{"loss": 1.0}, {"loss": 0.5}, {}]
    x, y = ex.update(history)
    assert list(x) == [1, 2] and list(y) == [1.0, 0.5]
    history.append({"loss": 0.25})
    assert list(ex.update(history)[1]) == [1.0, 0.5, 0.25]
    del history[1:]
    assert list(ex.update(history)[1]) == [1.0]


def test_a_narrow_curve_legend_drops_words_never_a_number():
    import numpy as np
    from dlsim.tui.widgets.curves import Chart, _legend
    chart = Chart("accuracy", (("train_acc", "train"), ("test_acc", "test")), (0.0, 1.0))
    data = {"train_acc": (np.arange(1, 3), np.array([0.5, 0.812])),
            "test_acc": (np.arange(1, 3), np.array([0.5, 0.797]))}
    for width in (60, 30, 20, 18):
        text = "".join(t for t, _ in _legend(chart, data, width))
        assert "0.812" in text and "0.797" in text and len(text) <= width


def test_the_last_epoch_label_leaves_a_falling_curve_its_newest_points():
    """A loss falling to its lowest value ends along the chart's bottom row: the "epoch N" label
    written over the row's right end hid the newest points. It goes to the emptier corner."""
    from dlsim.tui.widgets.curves import _put_tail
    axis = ("  0.00┤", None)
    empty = [axis] + [(" ", None)] * 24
    falling = [axis] + [(" ", None)] * 12 + [("⠤", None)] * 12        # ink only at the right end
    rising = [axis] + [("⠤", None)] * 12 + [(" ", None)] * 12         # ink only at the left end
    tail = " epoch 9"
    rows = [[], empty, falling]
    _put_tail(rows, 1, tail, None)
    assert "".join(t for t, _ in rows[2]).startswith("  0.00┤ epoch 9")
    rows = [[], empty, rising]
    _put_tail(rows, 1, tail, None)
    assert "".join(t for t, _ in rows[2]).endswith("⠤" * 12 + " " * 4 + " epoch 9")


def test_a_narrowing_line_gives_up_words_never_cuts_one():
    """The RBM's 80×24 line read "completion: 0.54 of the filled pixels w"."""
    forms = ("completion: 0.54 of the filled pixels wrong", "completion: 0.54 filled wrong", "completion: 0.54 wrong")
    assert st.first_fitting(forms, 40) == "completion: 0.54 filled wrong"
    assert st.first_fitting(forms, 10) == "completion"          # nothing fits: the shortest, cut to the width
