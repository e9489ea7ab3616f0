"""Stepping op by op through a conv layer, the math panel says 3 rows (a position's Σ window·K + b)
then 2 (its activation), both within the rows its min-height keeps: the screen is not laid out
again at every key (a layout of every panel, the stage's pictures redrawn whole), and the panel's
height does not change."""
import pytest

from dlsim.sim import warmup
from dlsim.tui.widgets.math_panel import MathPanel

from .conftest import make_app, settle
from .test_snapshots import SIZES


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_op_steps_within_the_panels_least_height_lay_nothing_out(size, monkeypatch):
    warmup.warm("cnn")
    app = make_app("cnn")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("right", "right")
        await settle(pilot)
        panel = app.screen.query_one(MathPanel)
        height = panel.size.height
        layouts = []
        real = MathPanel.refresh

        def refresh(self, *regions, **kwargs):
            if kwargs.get("layout"):
                layouts.append(self.frame.last.op)
            return real(self, *regions, **kwargs)
        monkeypatch.setattr(MathPanel, "refresh", refresh)
        ops = []
        for _ in range(6):
            await pilot.press("right")
            await settle(pilot)
            ops.append(panel.frame.last.op)
            assert panel.size.height == height
        assert {"conv", "activation"} <= set(ops)
        assert layouts == []
