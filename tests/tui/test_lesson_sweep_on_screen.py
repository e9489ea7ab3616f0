"""A lesson's @sweep is seen, not only read: mlp-lr-sweep's "Five runs at once" quoted each run's
final loss and accuracy in its narration alone (at 80×24 the narration's window cut off lr = 10 and
30), and no panel showed the five runs. From a @sweep's step on, the curves panel takes the
simulation's place and draws each run's curve, named by its value at the line's end, and a table of
each run's final figures and whether it diverged; all of them the runs' own (Swept.shown)."""
import re

import pytest

from dlsim.protocol.numbers import count, num
from dlsim.tui.widgets.lesson.narration import Narration

from .conftest import opened_at, settle, text_of

SIZES = [(80, 24), (120, 40)]


def outside(app, widget) -> list[str]:
    """The screen's rows, the narration blanked out: what the learner reads elsewhere."""
    rows = [strip.text for strip in app.screen._compositor.render_strips()]
    r = widget.region
    return [row[:r.x] + " " * r.width + row[r.right:] if r.y <= y < r.bottom else row
            for y, row in enumerate(rows)]


def laid_out(widget) -> bool:
    """Whether the widget is on screen: it and every panel or column that holds it displayed."""
    return all(w.display for w in (widget, *widget.ancestors_with_self))


def table_rows(swept) -> list[str]:
    """'0.3 0.639 0.500 no' per run: its value, final train loss and accuracy, whether it diverged."""
    return [f"{word} {num(run['train_loss'])} {num(run['train_acc'])} {'yes' if run['diverged'] else 'no'}"
            for word, run, _ in swept.shown()]


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_the_five_runs_and_their_final_figures_are_on_screen_beside_the_narration(size):
    app = opened_at("mlp-lr-sweep", "Five runs at once")
    async with app.run_test(size=size) as pilot:
        await settle(pilot, 0.3)
        swept = app.screen.player.sweep
        assert swept is not None and swept.words == ("0.3", "1", "3", "10", "30")
        curves = app.screen.query_one("#curves")
        assert laid_out(curves) and curves.region.height >= 7
        assert "sweep" in str(curves.border_title) and "lr = 0.3, 1, 3, 10, 30" in str(curves.border_title)
        screen = " ".join(" ".join(row.split()) for row in outside(app, app.screen.query_one(Narration)))
        for row in table_rows(swept):            # every run's figures, outside the narration
            assert row in screen, row
        # the quoted figures are the runs' own: lr = 30 diverged, lr = 3 got every corner right
        assert table_rows(swept)[-1].endswith("yes") and f"3 {num(swept.runs[3.0]['train_loss'])} 1.000" in screen
        # a line per run, each named by its value at its end (right of the plot, on a row of the chart)
        plot = [line.split(" │ ")[0] for line in text_of(curves).splitlines() if "┤" in line]   # (the table right of │)
        names = [m.group(1) for line in plot for m in [re.search(r"\s([^\s⠀-⣿]+)\s*$", line)] if m]
        assert sorted(names) == sorted(swept.words), plot


async def test_the_sweep_gives_way_to_the_network_while_the_learner_explores_and_comes_back_with_s():
    app = opened_at("mlp-lr-sweep", "Too small, just right, too large")   # after the sweep's step: still shown
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, 0.3)
        curves, graph = app.screen.query_one("#curves"), app.screen.query_one("#graph")
        assert "sweep" in str(curves.border_title) and not laid_out(graph)
        await pilot.press("right")                # a step of the lesson's own network
        await settle(pilot, 0.5)
        assert app.screen.explored
        assert "sweep" not in str(curves.border_title) and laid_out(graph)
        assert "loss" in text_of(curves) and "lr = " not in text_of(curves)
        await pilot.press("s")
        await settle(pilot, 0.5)
        assert "sweep" in str(curves.border_title) and not laid_out(graph)


async def test_a_step_before_the_sweep_shows_the_network():
    app = opened_at("mlp-lr-sweep", 0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, 0.3)
        assert app.screen.player.sweep is None
        assert "sweep" not in str(app.screen.query_one("#curves").border_title)
        assert laid_out(app.screen.query_one("#graph"))


@pytest.mark.parametrize("network, dataset, sweep, key", [
    ("mlp", "xor4", "hidden=2,4.4", "train_loss"),         # another option: layer sizes
    ("perceptron", "and", "lr=0.1,1,5", "errors"),         # another network: its first chart, a count
    ("som", "colors", "sigma=0.5,2", "quantization_error"),  # another view's layout, another metric
])
async def test_any_sweep_of_any_network_is_drawn_in_its_layout_at_80x24(tmp_path, monkeypatch, network,
                                                                       dataset, sweep, key):
    """The curve and the table's first figure are the view's first chart's (its train series)."""
    monkeypatch.setenv("DLSIM_DATA_DIR", str(tmp_path))   # no saved progress of the learner's
    lesson = tmp_path / f"{network}-sweep.md"
    lesson.write_text(f"---\ntitle: T\nnetwork: {network}\ndataset: {dataset}\nseed: 0\n---\nIntro.\n\n"
                      f"## Runs\n\n@sweep {sweep} epochs=3\n\nDone.\n")
    app = opened_at(str(lesson), 1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.3)
        swept = app.screen.player.sweep
        curves = app.screen.query_one("#curves")
        assert laid_out(curves) and curves.region.width >= 78
        chart = curves.charts[0]
        assert chart.series[0][0] == key
        shown = " ".join(" ".join(line.split()) for line in text_of(curves).splitlines())
        assert f"{swept.option} " in shown and "diverged" in shown
        for word, run, history in swept.shown():
            assert history and history[-1][key] == run[key]      # the curve ends at the run's figure
            figure = count(round(run[key])) if chart.whole else num(run[key])
            assert f"{word} {figure}" in shown, (word, shown)
