"""gan-saturating quotes D's verdict on one fake point and that point's loss term ("D(x̂) = 0.004 …
−log D(x̂) = 5.596"), and D's accuracy after a run; at 80×24 none of them was on the screen (the data
plot drew D's verdict as a background colour, the curves were hidden). The data plot now writes, under
it, D's verdict and the loss of the point in hand, and after a run D's accuracy and the distance."""
from dlsim.lesson.text import fmt
from dlsim.tui.app import DlsimApp
from dlsim.tui.lesson_session import open_lesson
from dlsim.tui.widgets.gan.plane import DataPlane
from dlsim.tui.widgets.lesson.narration import Narration

from .conftest import settle, text_of, until


async def test_the_verdict_and_loss_a_gan_step_quotes_are_under_the_data_plot_at_80x24():
    app = DlsimApp(prewarm=False, lesson=open_lesson("gan-saturating"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        narration, plane = app.screen.query_one(Narration), app.screen.query_one(DataPlane)

        def plane_text():
            return text_of(plane) + str(plane.border_subtitle or "")
        await pilot.press("n")
        assert await until(pilot, lambda: narration.view.index == 1, timeout=60)
        await settle(pilot, 0.3)
        acc = fmt(app.screen.player.sim.model.evaluate()["d_acc"])
        assert acc in narration.view.text and f"D acc {acc}" in plane_text()
        await pilot.press("a", "n")
        assert await until(pilot, lambda: narration.view.index == 2, timeout=60)
        await settle(pilot, 0.3)
        scored = app.screen.player.sim.trace.events[("g_loss", "gan.G.loss")].values   # the point's G loss
        d, loss = fmt(scored["d"]), fmt(scored["loss"])
        assert f"D(x̂) = {d}" in narration.view.text and f"is {loss}" in narration.view.text
        assert f"D(x) {d} · loss {loss}" in plane_text()


async def test_the_mean_verdicts_gan_loop_opens_with_are_under_the_data_plot_at_80x24():
    """gan-loop's introduction: "averaged over the real points its verdict is 0.500, over G's points
    0.500" — D's mean verdicts, which no panel wrote."""
    app = DlsimApp(prewarm=False, lesson=open_lesson("gan-loop"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.3)
        seen = app.screen.player.sim.inspect()
        real, fake = fmt(seen["d_real"]), fmt(seen["d_fake"])
        text = app.screen.query_one(Narration).view.text
        assert f"verdict is {real}, over G's points {fake}" in " ".join(text.split())
        assert f"D(real) {real} · D(fake) {fake}" in text_of(app.screen.query_one(DataPlane))
