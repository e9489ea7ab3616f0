"""A lesson step can draw the eye to a metric the curves draw: som-shrinking's steps quote the
quantization and topographic errors after a run, and at 80×24 the lesson's compact layout hid the
curves (the map and the input space only), so neither number was anywhere on the screen.
`@highlight topographic_error` shows the curves in place of the right-hand picture."""
import pytest

from dlsim.protocol.numbers import num
from dlsim.tui.widgets.lesson.narration import Narration

from .conftest import opened_at, settle, text_of


async def test_the_errors_a_som_step_quotes_are_on_the_80x24_screen():
    app = opened_at("som-shrinking", 1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.3)
        curves = app.screen.query_one("#curves")
        assert curves.display and curves.region.height > 0
        model = app.screen.player.sim.model
        shown = text_of(curves)
        for key in ("quantization_error", "topographic_error"):
            assert f"{model.evaluate()[key]:.3f}" in shown
        assert "look at topographic_error in the curves" in str(app.screen.query_one("#lesson-outcomes").render())
        # σ and lr as they are now (som-shrinking's last step quotes them after a run): the map's title
        lr, sigma = model.rates()
        assert f"σ {num(sigma)} · lr {num(lr)}" in str(app.screen.query_one("#graph").border_title)


def test_lesson_check_takes_a_metric_and_refuses_an_index_on_it(tmp_path):
    from dlsim.lesson import check
    head = "---\ntitle: T\nnetwork: som\n---\n## A\nText.\n"
    good, bad = tmp_path / "good.md", tmp_path / "bad.md"
    good.write_text(head + "@highlight topographic_error\n")
    bad.write_text(head + "@highlight topographic_error[3]\n")
    assert check(good)[1] == []
    assert check(bad)[1] != []


@pytest.mark.parametrize("network, dataset", [("lstm", "first_bit"), ("cnn", "digits")])
async def test_views_without_an_input_plane_show_the_curves_too(tmp_path, monkeypatch, network, dataset):
    """In the RNN's and LSTM's compact layout the curves share a row under the cell: given only the
    task's place they were one line high, a title and no number (lstm-forget's 'Thirty epochs'); the
    CNN has no input plane, and its class probabilities kept a bare title above them (cnn-digits' 'Training')."""
    monkeypatch.setenv("DLSIM_DATA_DIR", str(tmp_path))   # no saved progress of the learner's
    lesson = tmp_path / f"{network}-acc.md"
    lesson.write_text(f"---\ntitle: T\nnetwork: {network}\ndataset: {dataset}\nseed: 0\n---\nIntro.\n\n"
                      "## Two epochs\n\n@run epochs=2\n\nTest accuracy {test_acc}.\n\n@highlight test_acc\n")
    app = opened_at(str(lesson), 1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.3)
        narration = app.screen.query_one(Narration)
        curves = app.screen.query_one("#curves")
        acc = f"{app.screen.player.sim.model.evaluate()['test_acc']:.3f}"
        assert acc in narration.view.text and acc in text_of(curves)
        # on the screen, under the narration: not laid out below the last row
        screen = [strip.text for strip in app.screen._compositor.render_strips()]
        assert any(acc in line for line in screen[narration.region.bottom:])
        # and no panel squeezed to a bare title beside them (the CNN's class probabilities, 'PgDn')
        assert not any("PgDn" in line for line in screen[narration.region.bottom:-1])
