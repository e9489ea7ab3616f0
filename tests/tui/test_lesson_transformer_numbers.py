"""transformer-scale quotes the head's peak ("its peak is 0.503", then 0.923 without the scale) and,
after one epoch, the share of test sequences right; at 80×24 neither was on the screen (the peak
nowhere, the curves hidden beside a lesson). The attention matrix's title now gives the head's peak,
and the step after the run highlights test_seq_acc, which shows the curves."""
from dlsim.lesson.text import fmt
from dlsim.tui.app import DlsimApp
from dlsim.tui.lesson_session import open_lesson
from dlsim.tui.widgets.lesson.narration import Narration
from dlsim.tui.widgets.transformer.attention import AttentionMatrix

from .conftest import settle, text_of, until


async def test_the_peak_and_the_sequences_right_are_on_the_80x24_screen():
    app = DlsimApp(prewarm=False, lesson=open_lesson("transformer-scale"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        narration, matrix = app.screen.query_one(Narration), app.screen.query_one(AttentionMatrix)
        for index in (1, 2):          # with the scale, then without: each step's own peak
            await pilot.press("a", "n")
            assert await until(pilot, lambda: narration.view.index == index, timeout=60)
            await settle(pilot, 0.3)
            peak = fmt(float(app.screen.player.sim.inspect()["peak"][0, 0]))
            assert f"peak is {peak}" in narration.view.text
            assert f"peak {peak}" in str(matrix.border_title)
        await pilot.press("a", "n")   # one epoch without the scale
        assert await until(pilot, lambda: narration.view.index == 3, timeout=60)
        await settle(pilot, 0.3)
        right = fmt(app.screen.player.sim.model.evaluate()["test_seq_acc"])
        assert right in narration.view.text and f"test {right}" in text_of(app.screen.query_one("#curves"))
