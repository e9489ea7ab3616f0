"""At 80×24 the math panel grows with the run's report (up to 8 rows): a right-hand column of a
picture and the curves (the RBM's, the DBN's; the transformer's residual stream) gave the curves
no fewer rows for it, and the column cut their bottom off: the DBN's fine-tuning loss showed one
row of its plot and the accuracy chart none."""
from dlsim.sim import warmup
from dlsim.tui.widgets.curves import Curves

from .conftest import make_app, settle
from .test_snapshots import _keys


def _cut(app) -> int:
    """Rows of the curves panel the column leaves off the screen."""
    curves = app.screen.query_one(Curves)
    return max(0, curves.region.bottom - curves.parent.region.bottom)


async def test_dbn_fine_tuning_curves_whole_under_a_long_report():
    warmup.warm("dbn")
    app = make_app("dbn", pretrain=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await _keys("5", "right", "right", "right", "right")(pilot)   # into fine-tuning: a long ‖Δ‖ report
        await settle(pilot)
        assert app.screen.query_one("#math").outer_size.height == 8
        assert _cut(app) == 0


async def test_transformer_curves_whole_under_the_tallest_report():
    warmup.warm("transformer")
    app = make_app("transformer")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one("#math").styles.min_height = 8   # as tall as a report makes it
        await settle(pilot)
        assert _cut(app) == 0


async def test_beside_a_lesson_the_rbm_pictures_keep_the_whole_column():
    """The pictures' limit is for the curves under them: beside a lesson (curves hidden, 100×30) the
    pictures still fill their column rather than leave its bottom rows blank."""
    from .conftest import opened_at
    app = opened_at("rbm-cd1", 0)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        graph = app.screen.query_one("#graph")
        assert graph.outer_size.height == graph.parent.size.height > 9
