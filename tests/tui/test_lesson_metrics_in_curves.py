"""The losses an autoencoder's or a VAE's lesson quotes after a run are in the curves the step shows:
at 80×24 the compact layout hid the curves, and vae-holes' reconstruction error and KL, ae-line's
test loss, were nowhere on the screen. Each such step highlights its metric."""
import pytest

from dlsim.tui.app import DlsimApp
from dlsim.tui.lesson_session import open_lesson

from .conftest import settle, text_of, until


@pytest.mark.parametrize("name, index, metrics", [("vae-holes", 1, ("test_recon", "test_kl")),
                                                  ("ae-line", 3, ("test_loss",))])
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
