"""The losses an autoencoder's, a VAE's, an RBM's or a DBN's lesson quotes after a run are in the
curves the step shows: at 80×24 the compact layout hid the curves, and vae-holes' reconstruction
error and KL, ae-line's test loss, rbm-overfitting's free-energy gap, dbn-layers' reconstruction
error were nowhere on the screen. Each such step highlights its metric."""
import re

import pytest

from dlsim.tui.app import DlsimApp
from dlsim.tui.lesson_session import open_lesson

from .conftest import settle, text_of, until


@pytest.mark.parametrize("name, index, metrics", [("vae-holes", 1, ("test_recon", "test_kl", "test_mu_rms")),
                                                  ("ae-line", 3, ("test_loss",)),
                                                  ("rbm-overfitting", 1, ("test_free_energy_gap",))])
async def test_the_quoted_losses_are_in_the_curves_at_80x24(name, index, metrics):
    app = DlsimApp(prewarm=False, lesson=open_lesson(name))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.3)
        player = app.screen.player
        while player.index < index:
            if app.screen.waiting:
                await pilot.press("a")
            at = player.index
            await pilot.press("n")
            assert await until(pilot, lambda: player.index == at + 1, timeout=60)
        await settle(pilot, 0.3)
        curves = app.screen.query_one("#curves")
        assert curves.display and curves.region.height > 0
        shown, measured = text_of(curves), player.sim.model.evaluate()
        for key in metrics:
            assert f"{measured[key]:.3f}" in player.view.text and f"{measured[key]:.3f}" in shown


async def _at(name: str, index: int, pilot, app):
    player = app.screen.player
    while player.index < index:
        if app.screen.waiting:
            await pilot.press("a")
        at = player.index
        await pilot.press("n")
        assert await until(pilot, lambda: player.index == at + 1, timeout=60)
    await settle(pilot, 0.3)
    return player


async def test_the_first_dbn_layers_error_is_in_the_curves_at_80x24():
    """The stage's error is measured for the layer in hand once the next has begun: the text quotes the
    finished layer's, which the curves hold at its last epoch."""
    app = DlsimApp(prewarm=False, lesson=open_lesson("dbn-layers"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.3)
        player = await _at("dbn-layers", 1, pilot, app)
        quoted = re.search(r"error of (\d\.\d{3}) per pixel", player.view.text).group(1)
        assert quoted in text_of(app.screen.query_one("#curves"))


async def test_the_completion_error_is_written_as_the_lesson_quotes_it():
    """rbm-completion quotes 0.542 of the filled pixels wrong; the pictures wrote 0.54."""
    app = DlsimApp(prewarm=False, lesson=open_lesson("rbm-completion"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.3)
        player = await _at("rbm-completion", 1, pilot, app)
        quoted = re.search(r"(\d\.\d{3}) of\s+the filled\s+pixels", player.view.text).group(1)
        assert f"completion: {quoted}" in text_of(app.screen.query_one("#graph"))


async def test_the_rbf_test_loss_is_in_the_curves_beside_the_units():
    """rbf-width quotes each run's test loss and speaks of the sum's shape: the curves stand beside the
    units over the data, which the shared rule had hidden (and, under them, squeezed to two rows)."""
    app = DlsimApp(prewarm=False, lesson=open_lesson("rbf-width"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.3)
        player = await _at("rbf-width", 1, pilot, app)
        plot, curves = app.screen.query_one("#decision"), app.screen.query_one("#curves")
        assert plot.display and plot.region.height >= 6 and curves.display
        loss = f"{player.sim.model.evaluate()['test_loss']:.3f}"
        assert loss in player.view.text and loss in text_of(curves)
