"""A chart whose value is never measured as the network is configured says why in its legend:
the RBM's default (no test set, the exact likelihood too costly) showed "–" beside its free-energy
gap and −log-likelihood for ever, and the perceptron's default its test accuracy."""
import dlsim

from dlsim.tui.widgets.curves import Curves

from .conftest import make_app, settle, text_of


def test_the_model_says_what_it_does_not_measure_and_why():
    rbm = dlsim.make("rbm").model
    why = rbm.unmeasured()
    assert why["test_free_energy_gap"] == why["test_nll"] == "(none held out)"
    assert why["train_nll"] == "(too costly to sum)"
    small = dlsim.make("rbm", hidden=4, test=8).model   # 2^4 states: the exact sum is cheap
    assert small.unmeasured() == {}
    assert dlsim.make("mlp").model.unmeasured() == {}


async def test_the_rbm_curves_say_why_a_chart_stays_empty():
    app = make_app("rbm")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("5", "right")
        await settle(pilot)
        text = text_of(app.screen.query_one(Curves))
        assert "(none held out)" in text and "(too costly to sum)" in text


async def test_every_views_frame_brings_what_is_not_measured():
    """The CNN's view (as the SOM's, the GAN's, Q-learning's) builds its extras without the base
    view's: with test=0 its legend still said "–"."""
    from .conftest import sim_view
    app = make_app("cnn", test=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert sim_view(app).frame.extras["unmeasured"] == {"test_loss": "(none held out)",
                                                             "test_acc": "(none held out)"}
        assert "(none held out)" in text_of(app.screen.query_one(Curves))
