"""At 80×24 every chart of the curves panel draws its curve, not its legend alone: a panel with
more charts than rows for a plot under each legend (the VAE's four in six rows, the DBN's, the
LSTM's three in four) gave the others their legend line with its values, and a learner saw the KL's
value but not whether it rose or fell. A chart given one row draws its curve beside its legend."""
import pytest

from dlsim.sim import warmup
from dlsim.tui.widgets.chart_heights import chart_heights
from dlsim.tui.widgets.curves import Curves

from .conftest import make_app, settle, text_of

NETS = {
    "vae": {"samples": 200, "test": 60},
    "dbn": {"layers": (8, 4), "pretrain": 3, "samples": 40, "test": 20},
    "lstm": {"hidden": 4, "samples": 32, "test": 8, "batch": 8, "length": 12},
}


def _dots(text: str) -> int:
    """Braille cells with a dot set: the points and lines of a curve."""
    return sum(0x2801 <= ord(c) <= 0x28FF for c in text)


@pytest.mark.parametrize("net", NETS)
async def test_each_measured_chart_draws_points_at_80x24(net):
    warmup.warm(net)
    app = make_app(net, **NETS[net])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("5", "right", "right", "right")   # three epochs: a curve of three points
        await settle(pilot)
        curves = app.screen.query_one(Curves)
        lines = text_of(curves).splitlines()
        history = app.screen.simview.session.sim.history
        measured = [any(entry.get(key) is not None for entry in history for key, _ in chart.series)
                    for chart in curves.charts]
        live = [any(history[-1].get(key) is not None for key, _ in chart.series) for chart in curves.charts]
        heights = chart_heights(live, len(lines))        # each chart's rows, as the panel shares them
        assert min(heights) == 1, heights                # the short panel this is about
        at = 0
        for chart, rows, has_values in zip(curves.charts, heights, measured):
            shown = "\n".join(lines[at:at + rows])
            at += rows
            if has_values:
                assert _dots(shown), f"{chart.title}: no curve drawn\n{text_of(curves)}"
