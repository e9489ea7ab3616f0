"""A learner's keys on the RNN's and the LSTM's screen: a units × time cell selected in the timeline
(keys or a click) reads the model's number, and the LSTM's cell diagram follows it; a weight of the
heatmap (W_h of a gate) selected and edited reaches the model's parameters."""
import numpy as np

from dlsim.protocol.numbers import num
from dlsim.sim import warmup
from dlsim.tui.widgets.timeline.cell import CellPanel
from dlsim.tui.widgets.timeline.unrolled import Timeline

from .conftest import make_app, settle, sim_view, text_of

SMALL = {"hidden": 3, "samples": 8, "test": 4, "batch": 4, "length": 6}


async def test_a_selected_cell_reads_the_models_number_and_the_cell_diagram_follows():
    warmup.warm("lstm")
    app = make_app("lstm", **SMALL)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        timeline = app.screen.query_one(Timeline)
        timeline.focus()
        await pilot.press("down", "down", "down", "shift+left", "shift+left")   # row 3 = c1, two steps back
        await settle(pilot)
        seen = sim_view(app).session.sim.inspect()
        t = seen["known"] - 3
        assert f"c[0] at t={t}: {num(float(seen['c'][t + 1, 0]))}" in text_of(timeline)
        cell = text_of(app.screen.query_one(CellPanel))
        assert f"h[0] and c[0] at t={t}" in cell and f"f {num(seen['gate_f'][t, 0])}" in cell
        # a click on h2 at step 1 (border, the ruler and x lines; the row label, then a column per step)
        first, shown, per = timeline._span
        await pilot.click(Timeline, offset=(1 + 5 + per * (1 - first), 1 + 2 + 1))
        await settle(pilot)
        assert f"h[1] at t=1: {num(float(seen['h'][2, 1]))}" in text_of(timeline)
        assert "h[1] and c[1] at t=1" in text_of(app.screen.query_one(CellPanel))


async def test_a_gates_W_h_weight_is_selected_and_edited_in_the_heatmap():
    warmup.warm("lstm")
    app = make_app("lstm", **SMALL)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        sim = sim_view(app)
        model = sim.session.model
        await pilot.press("w", "pagedown", "down", "down")   # the input gate's tab: W_x row, then W_h's second
        assert sim.ui.selected == ("layer[0].Wh", (3, 1))    # row H + 0 (gate i, unit 0), from h1
        before = model.theta.copy()
        await pilot.press("e", "ctrl+u", "ctrl+k", *"0.625", "enter")
        await settle(pilot)
        assert model.params["layer[0].Wh"][3, 1] == 0.625
        changed = np.flatnonzero(model.theta != before)
        assert len(changed) == 1 and model.theta[changed[0]] == 0.625
