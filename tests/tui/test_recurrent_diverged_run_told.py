"""A play at full speed that diverges tells the whole play, as the status line counts it: the math
panel's "ran N epochs … epochs 1–N" and its epoch line agree with the status line's epoch, also
when the chunk that blew up held several epochs (the session then replays it one epoch at a time
to find where, and that search must not leave the panel telling only its last epoch)."""
import re

from dlsim.tui.widgets.math_panel import MathPanel
from dlsim.tui.widgets.status_bar import StatusBar

from .conftest import make_app, settle, sim_view, text_of, until


async def test_a_run_that_diverges_mid_play_tells_every_epoch_it_ran():
    app = make_app("lstm")
    async with app.run_test(size=(80, 24)) as pilot:
        sim = sim_view(app)
        await pilot.press("f")
        assert await until(pilot, lambda: sim.runner is not None and sim.runner.epochs >= 3, timeout=30)

        def blow_up():   # as `l` does while running; the next chunk four epochs, as an unloaded machine's grows
            sim.session.set_option("lr", 1e6)
            sim.session.chunk = 4
        sim.runner.call(blow_up)
        assert await until(pilot, lambda: sim.runner is None, timeout=30)
        await settle(pilot)
        assert sim.session.diverged
        epochs = sim.session.model.epoch
        status = text_of(app.screen.query_one(StatusBar))
        assert re.search(rf"\bep {epochs:,} ", status), status
        panel = " ".join(text_of(app.screen.query_one(MathPanel)).split())
        assert f"ran {epochs:,} epochs on the compiled path: epochs 1–{epochs:,}" in panel, panel
        assert f"epoch {epochs:,}," in panel, panel
