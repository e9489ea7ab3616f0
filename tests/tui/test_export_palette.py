"""The palette's exports, as a learner uses them (Ctrl+P, type, Enter): the weights, the curves and
the screen land in the current folder under names that never replace a file, and the notice line
says where."""
import xml.etree.ElementTree as ET

import numpy as np

from dlsim.console.export import read_curves, read_weights
from dlsim.tui.widgets.math_panel import MathPanel
from dlsim.tui.widgets.status_bar import StatusBar

from .conftest import make_app, settle, sim_view, text_of, until


async def palette(pilot, command: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause(0.1)
    await pilot.press(*("space" if c == " " else c for c in command))
    await pilot.pause(0.3)
    await pilot.press("enter")
    await settle(pilot)


async def test_export_weights_and_curves_from_the_palette(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dlsim-mlp-weights-1.csv").write_text("the learner's own file")
    app = make_app("mlp")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5", "right", "right")         # two epochs
        await settle(pilot)
        await palette(pilot, "Export weights")
        sim = sim_view(app).session.sim
        notice = text_of(app.screen.query_one(MathPanel))
        assert "weights (6 parameters) written to dlsim-mlp-weights-2.npz and dlsim-mlp-weights-2.csv in" in notice
        assert (tmp_path / "dlsim-mlp-weights-1.csv").read_text() == "the learner's own file"
        for suffix in (".npz", ".csv"):
            back = read_weights(str(tmp_path / f"dlsim-mlp-weights-2{suffix}"))
            assert all(np.array_equal(back[k], v) and back[k].tobytes() == v.tobytes() for k, v in sim.params.items())
        await palette(pilot, "Export curves")
        assert len(sim.history) == 2
        assert "curves (2 rows, one per epoch) written to dlsim-mlp-curves-1.csv" in text_of(app.screen.query_one(MathPanel))
        assert read_curves(str(tmp_path / "dlsim-mlp-curves-1.csv")) == sim.history


async def test_save_screenshot_writes_the_screen_as_svg(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app("mlp")
    async with app.run_test(size=(100, 30)) as pilot:
        status = text_of(app.screen.query_one(StatusBar))
        await palette(pilot, "Save screenshot")
        path = tmp_path / "dlsim-mlp-screen-1.svg"
        assert await until(pilot, path.exists)
        await settle(pilot)
        assert "screen saved as dlsim-mlp-screen-1.svg" in text_of(app.screen.query_one(MathPanel))
    root = ET.parse(path).getroot()                       # valid XML, an SVG
    assert root.tag.endswith("svg")
    shown = "".join(root.itertext()).replace("\xa0", " ")
    assert "mlp" in status and "xor" in status
    for word in status.split():                           # the status line's words, as on screen
        if word.isalnum():
            assert word in shown, word
    assert "network" in shown and "weights" in shown      # the panels' titles
