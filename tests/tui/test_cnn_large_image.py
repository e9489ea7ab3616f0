"""A 28×28 image on the CNN's screen at 80×24 and 120×40, in colour and without: the image, the kernel,
the feature map and the pooled map all shown (a window of them where they do not fit whole, the
title saying which rows and columns), the window following the kernel and the chosen cell, a click
choosing the cell under it, and every kernel's map in the kernels panel."""
import re

import pytest

from dlsim.sim import warmup
from dlsim.tui.widgets.image.kernels import KernelsPanel
from dlsim.tui.widgets.image.stage import StagePanel

from .conftest import make_app, settle, text_of
from .test_snapshots import SIZES

# one whole image, then into the second one's convolution: kernel 0 at its ninth position
SLIDING = ("3", "right", "1", *["right"] * 17)


@pytest.fixture(scope="module", autouse=True)
def warm_cnn():
    warmup.warm("cnn")


def _window_rows(stage) -> tuple[int, int]:
    """The image rows the stage's title says it shows."""
    first, last = re.search(r"rows (\d+)–(\d+)", str(stage.border_title)).groups()
    return int(first), int(last)


@pytest.mark.parametrize("mono", [False, True], ids=["colour", "no-colour"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_a_28_by_28_image_shows_the_image_kernel_map_and_pooled_map(size, mono, monkeypatch):
    if mono:
        monkeypatch.setenv("NO_COLOR", "1")
    app = make_app("cnn", image=28)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press(*SLIDING)
        await settle(pilot)
        stage, kernels = app.screen.query_one(StagePanel), app.screen.query_one(KernelsPanel)
        titles = text_of(stage).splitlines()[0]
        for name in ("image", "kernel 0", "map 0", "pooled"):
            assert name in titles
        assert "of the 28×28 image" in str(stage.border_title) or "of 28×28" in str(stage.border_title)
        first, last = _window_rows(stage)
        assert first == 0 and 7 <= last < 27   # the kernel's rows in view, not the whole image
        if mono:   # the kernel's 3×3 window and the cell it writes, whole in the window
            assert text_of(stage).count("▫") == 9 and "◆" in text_of(stage)
        lines = text_of(kernels).splitlines()
        assert lines[0].startswith("K0") and len(lines) >= 5   # the kernel and, beside it, rows of its map


async def test_the_window_follows_the_chosen_cell_and_a_click_chooses_the_cell_under_it():
    app = make_app("cnn", image=28)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3", "right")          # one whole image: its maps are the model's
        await settle(pilot)
        stage = app.screen.query_one(StagePanel)
        stage.focus()
        await pilot.press(*["down"] * 20, *["shift+right"] * 18)
        await settle(pilot)
        assert stage.picked == ("map", 20, 18)
        assert "◉ map 0 (20,18): z = " in text_of(stage)
        first, last = _window_rows(stage)
        assert first <= 20 <= last and first > 0   # the map's row 20 reads image rows 20–22
        which, left, top, rows, cols, scale, mono, r0, c0 = next(h for h in stage._hits if h[0] == "map")
        assert r0 > 0 and c0 > 0
        edge = [stage.styles.border_left[0], stage.styles.border_top[0]]
        x, y = (int(side not in ("", "none", "hidden")) for side in edge)
        await pilot.click(StagePanel, offset=(left + 1 + x, top + 1 + y))   # the map's pixels (2, 1) shown
        await settle(pilot)
        assert stage.picked == ("map", r0 + 2, c0 + 1)
        assert f"◉ map 0 ({r0 + 2},{c0 + 1}): z = " in text_of(stage)


async def test_choosing_a_cell_starts_where_the_kernel_is():
    """Tab to the stage (or a click on it) chose cell (0,0): the window jumped from the kernel at the
    image's middle to its corner. The first cell chosen is now the one the kernel is writing."""
    app = make_app("cnn", image=28)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3", "right", "1", *["right"] * 120)   # kernel 0 well into the second image
        await settle(pilot)
        stage = app.screen.query_one(StagePanel)
        cell = stage.frame.extras["focus"].cell
        assert cell is not None and cell[0] > 0
        stage.focus()
        await settle(pilot)
        assert stage.picked == ("map", *cell)
        first, last = _window_rows(stage)
        assert first <= cell[0] <= last           # the kernel's row still in the window
