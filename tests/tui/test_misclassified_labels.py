"""A misclassified CNN tile names the class it guessed whole — by its number, as the confusion
matrix numbers the classes, with a key that names them — never a name cut to the tile ('→horizo')."""
import re

import pytest

from dlsim.protocol.images import BARS, DIGITS, SHAPES
from dlsim.sim import warmup
from dlsim.tui.widgets.image.classes import ClassesPanel, class_key, heading

from .conftest import make_app, settle, sim_view, text_of


@pytest.fixture(scope="module", autouse=True)
def warm_cnn():
    warmup.warm("cnn")


def test_the_key_names_every_class_whole_at_any_width():
    for names in (BARS, SHAPES):
        for width in (80, 40, 24, 16):
            key = " ".join(class_key(names, width))
            assert all(f"→{k} {name}" in key for k, name in enumerate(names)), key
            assert all(len(line) <= width for line in class_key(names, width))
    assert class_key(DIGITS, 80) == []     # the digits' names are their numbers
    assert heading(46, BARS, 46) == ["46 misclassified; →0 horizontal, →1 vertical"]
    assert heading(46, BARS, 30) == ["46 misclassified, the first:", "→0 horizontal, →1 vertical"]
    assert heading(3, DIGITS, 30) == ["3 misclassified, the first:"]


async def test_the_misclassified_tiles_at_80x24_say_the_guess_by_its_number():
    app = make_app("cnn")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("5", "right")          # an epoch: a confusion matrix and misclassified images
        await settle(pilot)
        classes = app.screen.query_one(ClassesPanel)
        classes.focus()
        pages = []
        for _ in range(classes.pages):
            pages.append(text_of(classes))
            await pilot.press("pagedown")
            await settle(pilot)
        shown = next(page for page in pages if "misclassified" in page)
        names = sim_view(app).session.model.class_names
        guesses = re.findall(r"→(\S+)", shown.split("misclassified", 1)[1])
        assert guesses and all(g in {str(k) for k in range(len(names))} | {"tie"} for g in guesses), shown
        key = shown.split("misclassified", 1)[1]
        assert "→0 horizontal" in key and "→1 vertical" in key, shown
        assert "horizo " not in shown and "→horizo" not in shown
