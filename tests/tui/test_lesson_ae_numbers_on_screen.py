"""ae-bottleneck's numbers are on the 80×24 screen where the text sends the learner: the rebuilt
pixel it quotes is the one the math panel computes (it quoted pixel 0, shown nowhere), and the loss
of 64 outputs is written with its vectors' ends, so the math panel holds it (the whole 64 + 64
numbers did not fit, and the panel showed no line of the loss at all)."""
from dlsim.tui.widgets.math_panel import MathPanel

from .conftest import opened_at, settle, text_of, until


async def test_the_pixel_and_the_loss_the_text_quotes_are_in_the_math_panel():
    app = opened_at("ae-bottleneck", 3)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.3)
        player, panel = app.screen.player, app.screen.query_one(MathPanel)
        pixel = f"{player.sim.model.inspect(player.sim.last, player.sim.trace.events)['reconstruction'][63]:.3f}"
        assert f"is {pixel}" in player.view.text and f"= {pixel}" in text_of(panel)
        await pilot.press("n")
        assert await until(pilot, lambda: player.index == 4, timeout=20)
        await settle(pilot, 0.3)
        loss = f"{player.sim.last.values['loss']:.3f}"
        assert f"squared differences: {loss}" in player.view.text
        assert f"= {loss}" in text_of(panel)


async def test_the_vae_head_the_text_quotes_is_in_the_math_panel():
    """vae-reparameterise quoted the first code unit's log-variance, a neuron two ops back that no
    panel showed; it quotes the one the math panel computes last."""
    app = opened_at("vae-reparameterise", 1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.3)
        player = app.screen.player
        logvar = f"{player.sim.last.values['a']:.3f}"
        assert f"log σ² = {logvar}" in " ".join(player.view.text.split())
        assert f"= {logvar}" in text_of(app.screen.query_one(MathPanel))
