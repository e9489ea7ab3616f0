"""transformer-reverse, after ten epochs, quotes the anti-diagonal of the attention: the weight of
each answer position on the digit it copies. At 80×24 the attention window holds three queries and
rested on the last ones (5–7), so the ">" at query 4, the first answer, was out of view: every
weight the text quotes must be a cell the learner can read."""
import re

from dlsim.tui.app import DlsimApp
from dlsim.tui.lesson_session import open_lesson
from dlsim.tui.widgets.transformer.attention import AttentionMatrix

from .conftest import settle, until
from .test_lesson_screen import shown


async def test_every_attention_weight_the_text_quotes_is_in_the_window_at_80x24():
    app = DlsimApp(prewarm=False, lesson=open_lesson("transformer-reverse"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")                      # Before training: the prediction
        assert await until(pilot, lambda: "a or b" in shown(app), timeout=30)
        await pilot.press("a", "n")                 # Ten epochs
        assert await until(pilot, lambda: "anti-diagonal" in shown(app), timeout=120)
        await settle(pilot, 0.5)
        text = shown(app)
        quoted = re.findall(r"[Pp]osition (\d) (?:puts )?\d\.\d+", text)
        assert quoted, text
        title = str(app.screen.query_one(AttentionMatrix).border_title)
        span = re.search(r"q (\d)–(\d)", title)
        first, last = (int(span[1]), int(span[2])) if span else (0, 7)
        for query in map(int, quoted):
            assert first <= query <= last, f"query {query} quoted, window {title}"
