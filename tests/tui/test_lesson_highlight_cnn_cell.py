"""A CNN lesson's step quotes one cell of a feature map (cnn-pooling: "along the bar, a[3,0] = 1.601"),
and at 80×24 the map is a picture of half blocks with no number in it: the value was nowhere on the
screen. `@highlight feature_map[3,0]` chooses that cell in the stage, whose line under the pictures
gives its z and a; the next step without one lets it go."""
from dlsim.tui.app import DlsimApp
from dlsim.tui.lesson_session import open_lesson
from dlsim.tui.widgets.image.stage import StagePanel
from dlsim.tui.widgets.lesson.narration import Narration

from .conftest import opened_at, settle, text_of, until


async def test_the_feature_map_cell_a_step_quotes_is_on_the_80x24_screen():
    app = opened_at("cnn-pooling", 1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.3)
        narration = app.screen.query_one(Narration)
        assert narration.view.index == 1
        stage = app.screen.query_one(StagePanel)
        a = app.screen.player.sim.model.inspect()["feature_map"][3, 0]
        assert f"{a:.3f}" in narration.view.text
        assert f"◉ map 0 (3,0): z = {a:.3f}, a = relu(z) = {a:.3f}" in text_of(stage)
        assert "look at feature_map[3,0] in the feature map" in str(app.screen.query_one("#lesson-outcomes").render())
        await pilot.press("a", "n")                      # the next step highlights nothing: the cell let go
        assert await until(pilot, lambda: narration.view.index == 2, timeout=30)
        await settle(pilot, 0.3)
        assert "◉" not in text_of(stage)


def test_lesson_check_takes_a_map_cell_and_refuses_one_outside_the_map(tmp_path):
    from dlsim.lesson import check
    head = "---\ntitle: T\nnetwork: cnn\ndataset: bars\noptions: kernels=1\n---\n## A\nText.\n"
    good, bad = tmp_path / "good.md", tmp_path / "bad.md"
    good.write_text(head + "@highlight pooled[2,2]\n")
    bad.write_text(head + "@highlight feature_map[6,0]\n")
    assert check(good)[1] == []
    assert any("outside 'feature_map'" in p.message for p in check(bad)[1])


async def test_the_test_accuracy_cnn_digits_quotes_before_training_is_turned_to_at_80x24():
    """cnn-digits: "it gets 0.106 of the 500 test images right": beside a lesson at 80×24 the classes
    panel's first page is the image's probabilities, and the accuracy was on a later one.
    `@highlight confusion` turns the panel to the confusion matrix's page, which heads it."""
    from dlsim.tui.widgets.image.classes import ClassesPanel
    app = opened_at("cnn-digits", 1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.3)
        narration = app.screen.query_one(Narration)
        assert narration.view.index == 1
        acc = f"{app.screen.player.sim.model.evaluate()['test_acc']:.3f}"
        assert acc in narration.view.text
        assert f"test acc {acc}" in text_of(app.screen.query_one(ClassesPanel))


async def test_beside_a_lesson_at_120x40_the_kernel_is_in_numbers():
    """Beside the narration at 120×40 the stage is 46 columns, one too few for the kernel's numbers
    (each column of them was followed by a space, the last one too), so the kernel was drawn in
    pixels there while 80×24 showed its numbers: cnn-edges' "Kernel 1, as numbers" had none on screen."""
    from dlsim.protocol.numbers import num
    app = DlsimApp(prewarm=False, lesson=open_lesson("cnn-edges"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, 0.3)
        K = app.screen.player.sim.model.params["layer[0].K"][0, 0]
        rows = text_of(app.screen.query_one(StagePanel)).splitlines()
        assert any(" ".join(num(float(w)) for w in K[0]) in " ".join(row.split()) for row in rows)
