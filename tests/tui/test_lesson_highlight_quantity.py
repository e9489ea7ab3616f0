"""A lesson step can draw the eye to a quantity the model inspects, not only to a weight: the
transformer-causal lesson speaks of query 0's weight on key 7, and at 80×24 the attention window
showed queries 5–7, query 0 out of view. `@highlight attention[0,0,0,7]` selects that cell (the
window follows it); the next step lets it go."""
from dlsim.tui.app import DlsimApp
from dlsim.tui.lesson_session import open_lesson
from dlsim.tui.widgets.transformer.attention import AttentionMatrix

from .conftest import settle, text_of, until


async def test_the_highlighted_attention_weight_is_in_view_at_80x24():
    app = DlsimApp(prewarm=False, lesson=open_lesson("transformer-causal"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(AttentionMatrix)
        assert "q 0–" not in str(panel.border_title)      # at rest: the last queries
        await pilot.press("n")
        assert await until(pilot, lambda: "a[0,7]" in text_of(panel), timeout=30)
        assert "q 0–" in str(panel.border_title)
        view = app.screen.simview.view
        assert (view.head, view.pick) == ((0, 0), (0, 7))
        said = str(app.screen.query_one("#lesson-outcomes").render())
        assert "look at attention[0,0,0,7] in the attention matrix" in said   # not "in the weights"


def test_lesson_check_takes_a_quantity_and_refuses_an_index_outside_it(tmp_path):
    from dlsim.lesson import check
    head = "---\ntitle: T\nnetwork: transformer\n---\n## A\nText.\n"
    good, bad = tmp_path / "good.md", tmp_path / "bad.md"
    good.write_text(head + "@highlight attention[0,0,0,7]\n")
    bad.write_text(head + "@highlight attention[0,0,0,99]\n")
    assert check(good)[1] == []
    assert any("outside 'attention'" in p.message for p in check(bad)[1])
