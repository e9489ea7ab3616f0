"""diffusion-noise quotes ᾱ_t at t = 50 and the ε loss at a given t, numbers the schedule writes
only for the t the plane shows (t = 0 at first): `@highlight alpha_bar[50]` (or loss_per_t[i], the
loss at t = i + 1) moves the plane and the schedule to that t. A step that highlights the distance
shows the curves beside the plane, where the shared layout had hidden the plane and left the left
column empty."""
from dlsim.protocol.numbers import num
from dlsim.tui.app import DlsimApp
from dlsim.tui.lesson_session import open_lesson

from .conftest import opened_at, settle, text_of, until


async def test_the_alpha_bar_the_intro_quotes_is_the_one_the_schedule_writes():
    app = DlsimApp(prewarm=False, lesson=open_lesson("diffusion-noise"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.3)
        model = app.screen.player.sim.model
        shown = f"{float(model.inspect(None, [])['alpha_bar'][50]):.3f}"
        assert shown in app.screen.player.view.text
        assert await until(pilot, lambda: f"t = 50: ᾱ_t = {shown}" in str(app.screen.query_one("#graph").border_subtitle)
                           or f"t = 50: ᾱ_t = {shown}" in text_of(app.screen.query_one("#graph")), timeout=10)
        said = str(app.screen.query_one("#lesson-outcomes").render())
        assert "look at alpha_bar[50] in the plot of ᾱ_t and loss per t" in said
        # a later step's loss_per_t[i] is the loss at t = i + 1 (loss_per_t[0] is t = 1's)
        app.screen.simview.view.highlight("loss_per_t", (9,))
        app.screen.simview.redraw()
        loss = num(float(model.inspect(None, [])["loss_per_t"][9]))
        graph = app.screen.query_one("#graph")
        assert await until(pilot, lambda: f"loss {loss}" in str(graph.border_subtitle) + text_of(graph), timeout=10)
        assert "t = 10: ᾱ_t" in str(graph.border_subtitle) + text_of(graph)


async def test_a_metric_step_shows_the_curves_beside_the_plane(tmp_path, monkeypatch):
    monkeypatch.setenv("DLSIM_DATA_DIR", str(tmp_path))
    lesson = tmp_path / "diffusion-distance.md"
    lesson.write_text("---\ntitle: T\nnetwork: diffusion\ndataset: ring\nseed: 0\n---\nIntro.\n\n"
                      "## One epoch\n\n@run epochs=1\n\nDistance {distance}.\n\n@highlight distance\n")
    app = opened_at(str(lesson), 1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.3)
        plane, curves = app.screen.query_one("#decision"), app.screen.query_one("#curves")
        assert plane.display and plane.region.height > 0 and curves.display and curves.region.height > 0
        assert f"{app.screen.player.sim.model.evaluate()['distance']:.3f}" in text_of(curves)


async def test_the_distance_after_the_sampler_changes_is_under_the_plane(tmp_path, monkeypatch):
    """diffusion-sampling quotes the distance with 10 jumps, then 5: the curves keep the epoch's end
    (all 50 steps), so the plane writes the distance of the points it draws at t = 0."""
    monkeypatch.setenv("DLSIM_DATA_DIR", str(tmp_path))
    lesson = tmp_path / "diffusion-jumps.md"
    lesson.write_text("---\ntitle: T\nnetwork: diffusion\ndataset: ring\nseed: 0\n---\nIntro.\n\n"
                      "## Ten jumps\n\n@run epochs=2\n@set sample_steps=10\n\nDistance {distance}.\n")
    app = opened_at(str(lesson), 1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.3)
        distance = f"{app.screen.player.sim.model.evaluate()['distance']:.3f}"
        assert f"Distance {distance}" in app.screen.player.view.text
        plane = app.screen.query_one("#decision")
        assert f"distance to data {distance}" in str(plane.border_subtitle) + text_of(plane)
