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


# Highlights the check used to let through, that then did nothing in the app: an array without the
# element the view centres on, an index on a number, an index on an array the view shows whole
REFUSED = {
    "transformer": ["attention"],
    "cnn": ["feature_map", "pooled", "confusion[0,1]"],
    "mlp": ["neuron_on"],
    "diffusion": ["alpha_bar", "loss_per_t"],
    "rbm": ["completion_error[0]"],
    "rnn": ["dh[3]"],
}


def test_lesson_check_refuses_a_highlight_the_view_cannot_show(tmp_path):
    from dlsim.lesson import check
    for network, highlights in REFUSED.items():
        lesson = tmp_path / f"{network}.md"
        steps = "".join(f"## S{n}\nText.\n@highlight {h}\n" for n, h in enumerate(highlights))
        lesson.write_text(f"---\ntitle: T\nnetwork: {network}\n---\n{steps}")
        problems = check(lesson)[1]
        assert [p.line for p in problems] == [7 + 3 * n for n in range(len(highlights))], (network, problems)
        for p, h in zip(problems, highlights):
            assert p.message.startswith("@highlight: ") and h.partition("[")[0] in p.message
            assert "takes no index" in p.message if "[" in h else f"{h}[0.." in p.message


def test_lesson_check_refuses_a_weight_on_a_screen_without_a_weights_panel(tmp_path):
    """The transformer's and tabular Q-learning's screens have no weights heatmap: a weight's
    highlight there passed the check and the app then said 'look at E[0,0] in the weights'."""
    from dlsim.lesson import check
    for network, weight in (("transformer", "E[0,0]"), ("qlearn", "q[0,0,0]"), ("mlp", "layer[0].W[0,0]")):
        lesson = tmp_path / f"{network}.md"
        lesson.write_text(f"---\ntitle: T\nnetwork: {network}\n---\n## A\nText.\n@highlight {weight}\n")
        problems = [p.message for p in check(lesson)[1]]
        if network == "mlp":
            assert problems == []
        else:
            assert problems == [f"@highlight: {network}'s screen has no weights panel to select "
                                f"'{weight.partition('[')[0]}' in; highlight a quantity its view shows, or a metric"]
