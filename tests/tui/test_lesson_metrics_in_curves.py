"""The losses an autoencoder's, a VAE's, an RBM's or a DBN's lesson quotes after a run are in the
curves the step shows: at 80×24 the compact layout hid the curves, and vae-holes' reconstruction
error and KL, ae-line's test loss, rbm-overfitting's free-energy gap, dbn-layers' reconstruction
error were nowhere on the screen. Each such step highlights its metric."""
import re

import pytest

from .conftest import opened_at, settle, text_of


@pytest.mark.parametrize("name, index, metrics", [("vae-holes", 1, ("test_recon", "test_kl", "test_mu_rms")),
                                                  ("ae-line", 3, ("test_loss",)),
                                                  ("rbm-overfitting", 1, ("test_free_energy_gap",))])
async def test_the_quoted_losses_are_in_the_curves_at_80x24(name, index, metrics):
    app = opened_at(name, index)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.3)
        player = app.screen.player
        curves = app.screen.query_one("#curves")
        assert curves.display and curves.region.height > 0
        shown, measured = text_of(curves), player.sim.model.evaluate()
        for key in metrics:
            assert f"{measured[key]:.3f}" in player.view.text and f"{measured[key]:.3f}" in shown


async def test_the_first_dbn_layers_error_is_in_the_curves_at_80x24():
    """The stage's error is measured for the layer in hand once the next has begun: the text quotes the
    finished layer's, which the curves hold at its last epoch."""
    app = opened_at("dbn-layers", 1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.3)
        player = app.screen.player
        quoted = re.search(r"error of (\d\.\d{3}) per pixel", player.view.text).group(1)
        assert quoted in text_of(app.screen.query_one("#curves"))


async def test_the_completion_error_is_written_as_the_lesson_quotes_it():
    """rbm-completion quotes 0.542 of the filled pixels wrong; the pictures wrote 0.54."""
    app = opened_at("rbm-completion", 1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.3)
        player = app.screen.player
        quoted = re.search(r"(\d\.\d{3}) of\s+the filled\s+pixels", player.view.text).group(1)
        assert f"completion: {quoted}" in text_of(app.screen.query_one("#graph"))


async def test_the_rbf_test_loss_is_in_the_curves_beside_the_units():
    """rbf-width quotes each run's test loss and speaks of the sum's shape: the curves stand beside the
    units over the data, which the shared rule had hidden (and, under them, squeezed to two rows)."""
    app = opened_at("rbf-width", 1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.3)
        player = app.screen.player
        plot, curves = app.screen.query_one("#decision"), app.screen.query_one("#curves")
        assert plot.display and plot.region.height >= 6 and curves.display
        loss = f"{player.sim.model.evaluate()['test_loss']:.3f}"
        assert loss in player.view.text and loss in text_of(curves)
