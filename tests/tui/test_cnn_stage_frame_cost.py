"""A 28×28 image's stage tries several scales and windows before it draws (measured, not drawn):
the pool winners it marks are found once a frame, for the pictures drawn, not once a try, and
they are the cells each pooled value came from."""
import numpy as np

from dlsim.sim import warmup
from dlsim.tui.widgets.image import stage as stage_module
from dlsim.tui.widgets.image.stage import StagePanel

from .conftest import make_app, settle


async def test_the_winners_are_found_once_a_frame_and_mark_the_cells_pooled(monkeypatch):
    warmup.warm("cnn")
    found = []
    real = stage_module._winners

    def counted(ex, layer, f, known):
        marks = real(ex, layer, f, known)
        found.append((layer, f, known, marks))
        return marks
    monkeypatch.setattr(stage_module, "_winners", counted)
    app = make_app("cnn", image=28)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2", *["right"] * 6)   # four maps by layer steps, then two pool passes
        await settle(pilot)
        stage = app.screen.query_one(StagePanel)
        found.clear()
        stage.draw(stage.frame, stage.ui)
        assert len(found) == 1
        layer, f, known, marks = found[0]
        a, win = layer["a"][f], layer["win"][f]
        assert known.any() and len(marks) == known.sum()
        for (y, x) in marks:   # each marked cell is the max of its pooled cell's 2×2 window
            r, c = y // 2, x // 2
            assert known[r, c] and a[y, x] == a[2 * r:2 * r + 2, 2 * c:2 * c + 2].max()
            assert win[r, c] == 2 * (y % 2) + x % 2
        assert np.all(np.isin(list(marks.values()), ["winner"]))
