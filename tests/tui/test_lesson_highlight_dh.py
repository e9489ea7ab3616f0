"""rnn-vanishing and lstm-forget compare ‖δh_t‖ at the first and the last step ("0.307 at the last
step, 0.001 at the first"), and beside a lesson at 80×24 the ‖δh_t‖ bars were left out (the timeline
and the task only), and where they are drawn they carry no number. `@highlight dh` puts the bars in
the timeline's place and writes the first and last steps' values on their line."""
from dlsim.protocol.numbers import num
from dlsim.tui.app import DlsimApp
from dlsim.tui.lesson_session import open_lesson
from dlsim.tui.widgets.lesson.narration import Narration
from dlsim.tui.widgets.timeline.steps import StepsPanel
from dlsim.tui.widgets.timeline.unrolled import Timeline

from .conftest import settle, text_of, until


async def test_the_dh_values_a_step_compares_are_on_the_80x24_screen(tmp_path, monkeypatch):
    monkeypatch.setenv("DLSIM_DATA_DIR", str(tmp_path))   # no saved progress of the learner's
    lesson = tmp_path / "rnn-dh.md"
    lesson.write_text("---\ntitle: T\nnetwork: rnn\ndataset: first_bit\nseed: 0\noptions: length=8\n---\n"
                      "Intro.\n\n## One epoch\n\n@run epochs=1\n@highlight dh\n\n"
                      "Last {dh[8]}, first {dh[0]}.\n\n## After\n\nNothing.\n")
    app = DlsimApp(prewarm=False, lesson=open_lesson(str(lesson)))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        steps, timeline = app.screen.query_one(StepsPanel), app.screen.query_one(Timeline)
        assert steps.region.height == 0                    # at rest beside a lesson: the timeline
        await pilot.press("n")
        narration = app.screen.query_one(Narration)
        assert await until(pilot, lambda: narration.view.index == 1, timeout=60)
        await settle(pilot, 0.3)
        dh = app.screen.player.sim.inspect()["dh"]
        first, last = num(float(dh[0])), num(float(dh[8]))   # t = 0 … 8: nine steps
        assert f"first {first}" in narration.view.text and f"Last {last}" in narration.view.text
        assert steps.region.height > 0 and f"t=0 {first} · t=8 {last}" in text_of(steps)
        assert "look at dh in the ‖δh_t‖ bars" in str(app.screen.query_one("#lesson-outcomes").render())
        await pilot.press("n")                             # a step without it: the timeline back
        assert await until(pilot, lambda: narration.view.index == 2, timeout=30)
        await settle(pilot, 0.3)
        assert steps.region.height == 0 and timeline.region.height > 0
