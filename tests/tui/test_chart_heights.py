"""How the curves panel shares its rows among its charts (widgets/chart_heights.py)."""
from dlsim.tui.widgets.chart_heights import chart_heights


def test_rows_are_shared_evenly_where_every_chart_gets_a_plot_row():
    assert chart_heights([True, False], 9) == [5, 4]
    assert chart_heights([True, True, True, True], 8) == [2, 2, 2, 2]


def test_where_rows_are_short_the_charts_measured_now_get_the_plots_and_the_rest_their_legend():
    assert chart_heights([True, True, False, False], 6) == [3, 1, 1, 1]    # pre-training: reconstruction
    assert chart_heights([False, False, True, True], 6) == [1, 1, 3, 1]    # fine-tuning: the loss
    assert chart_heights([False, False, True, True], 7) == [1, 1, 4, 1]
    assert chart_heights([False, True, False, True], 7) == [1, 4, 1, 1]
    assert chart_heights([False] * 4, 6) == [3, 1, 1, 1]                  # nothing measured yet: the first
    assert sum(chart_heights([True] * 5, 7)) == 7


def test_too_few_rows_for_a_plot_keep_the_even_share():
    assert chart_heights([True, True, True], 4) == [2, 1, 1]
    assert chart_heights([True, True, True, True], 3) == [1, 1, 1, 0]
