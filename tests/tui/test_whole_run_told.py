"""A play at full speed is many compiled runs, a chunk a frame: when space pauses it, the math panel
tells the whole play — the count the pause notice gives — not only its last chunk."""
import re

from dlsim.tui.widgets.math_panel import MathPanel

from .conftest import make_app, settle, sim_view, text_of, until


async def test_the_panel_after_f_then_space_tells_the_run_the_notice_tells():
    app = make_app("mlp", dataset="xor")
    async with app.run_test(size=(120, 40)) as pilot:
        sim = sim_view(app)
        await pilot.press("f")
        assert await until(pilot, lambda: sim.runner is not None and sim.runner.frames >= 3)
        await pilot.press("space")
        assert await until(pilot, lambda: sim.runner is None)
        await settle(pilot)
        notice = re.search(r"paused: ran ([\d,]+) epochs", sim.ui.notice)
        assert notice, sim.ui.notice
        epochs = sim.session.model.epoch
        assert notice.group(1) == f"{epochs:,}"
        panel = " ".join(text_of(app.screen.query_one(MathPanel)).split())
        assert f"ran {epochs:,} epochs on the compiled path: epochs 1–{epochs:,}" in panel, panel


async def test_a_play_begun_inside_an_epoch_says_it_finished_that_one_first():
    app = make_app("mlp", dataset="xor")
    async with app.run_test(size=(120, 40)) as pilot:
        sim = sim_view(app)
        await pilot.press("3", "right")          # a sample into epoch 1
        await settle(pilot)
        await pilot.press("f")
        assert await until(pilot, lambda: sim.runner is not None and sim.runner.frames >= 3)
        await pilot.press("space")
        assert await until(pilot, lambda: sim.runner is None)
        await settle(pilot)
        epochs = sim.session.model.epoch
        assert f"paused: ran {epochs:,} epochs" in sim.ui.notice, sim.ui.notice
        panel = " ".join(text_of(app.screen.query_one(MathPanel)).split())
        assert (f"finished epoch 1, then ran {epochs - 1:,} epochs on the compiled path: "
                f"epochs 2–{epochs:,}") in panel, panel
