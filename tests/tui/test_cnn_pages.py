"""The CNN's screen as a learner reads it: a feature-map or pooled cell chosen (keys or a click) shows
the model's number for it, and at 80×24 paging reaches every kernel, the confusion matrix and the
misclassified images."""
import pytest

from dlsim.protocol.numbers import num
from dlsim.sim import warmup
from dlsim.tui.widgets.image.classes import ClassesPanel
from dlsim.tui.widgets.image.kernels import KernelsPanel
from dlsim.tui.widgets.image.stage import StagePanel

from .conftest import make_app, settle, sim_view, text_of


@pytest.fixture(scope="module", autouse=True)
def warm_cnn():
    warmup.warm("cnn")


async def test_a_chosen_feature_map_cell_shows_the_models_number():
    app = make_app("cnn")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("3", "right")          # one whole image: its maps are the model's
        await settle(pilot)
        stage = app.screen.query_one(StagePanel)
        stage.focus()
        await pilot.press("down", "down", "shift+right")
        await settle(pilot)
        model = sim_view(app).session.model
        shown = model.picture(sim_view(app).session.sim.last, sim_view(app).session.sim.trace.events)
        z, a = shown["maps"]["z"][0, 2, 1], shown["maps"]["a"][0, 2, 1]
        text = text_of(stage)
        assert f"map 0 (2,1): z = {num(z)}, a = relu(z) = {num(a)}" in text
        await pilot.press("pagedown")            # the pooled map: the cell under it
        await settle(pilot)
        p, win = shown["maps"]["p"][0, 1, 0], int(shown["maps"]["win"][0, 1, 0])
        text = text_of(stage)
        assert f"pooled 0 (1,0) = {num(p)}" in text
        assert f"from map cell ({2 + win // 2},{win % 2})" in text


async def test_a_click_on_a_map_cell_chooses_it():
    app = make_app("cnn")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("3", "right")
        await settle(pilot)
        stage = app.screen.query_one(StagePanel)
        which, left, top, rows, cols, scale, mono, *_ = next(h for h in stage._hits if h[0] == "map")
        border = stage.styles.border_left[0] not in ("", "none", "hidden")
        await pilot.click(StagePanel, offset=(left + 3 * scale + border, top + (4 * scale) // 2 + border))
        await settle(pilot)
        assert stage.picked == ("map", 4, 3)
        assert "◉ map 0 (4,3): z = " in text_of(stage)


async def test_at_80x24_paging_reaches_every_kernel_and_the_confusion_matrix():
    app = make_app("cnn")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("5", "right")          # an epoch: a confusion matrix and misclassified images
        await settle(pilot)
        kernels = app.screen.query_one(KernelsPanel)
        classes = app.screen.query_one(ClassesPanel)
        seen, pages = set(), []
        for _ in range(kernels.pages):
            seen |= {f for f in range(4) if f"K{f}" in text_of(kernels)}
            await pilot.click(KernelsPanel)
            await settle(pilot)
        assert kernels.pages > 1 and seen == {0, 1, 2, 3}
        classes.focus()
        for _ in range(classes.pages):
            pages.append(text_of(classes))
            await pilot.press("pagedown")
            await settle(pilot)
        shown = "\n".join(pages)
        matrix = sim_view(app).session.model.test_confusion().matrix
        assert "true ↓ predicted →" in shown and "test acc " in shown and f"{matrix[0, 0]:>3}{matrix[0, 1]:>3}" in shown
        assert "misclassified" in shown and classes.pages > 1
        assert "click/PgDn" in str(classes.border_title) or "PgDn" in str(classes.border_title)
