"""The RNN's and the LSTM's weight heatmap names the selected cell as the heatmap shows it: row i
(x_i or h_i, the state entering the step), column j (unit j), W[i,j] as the header says, and on an
LSTM gate's tab the gate (Wh_i: the input gate's W_h) — not the stored parameter's [unit, input]
element, nor a row of the stacked 4H gate matrix. The value beside the name is the cell's, and an
edit of the selected weight lands in that cell (and in the model's parameter behind it)."""
import re

import numpy as np

from dlsim.protocol.numbers import num
from dlsim.sim import warmup
from dlsim.tui.widgets.network.weights import WeightsPanel

from .conftest import make_app, settle, sim_view, text_of

SMALL = {"hidden": 3, "samples": 8, "test": 4, "batch": 4, "length": 6}


def shown(app):
    """(matrix, (row, col) of the cursor, the heatmap's text) as the panel draws them now."""
    panel = app.screen.query_one(WeightsPanel)
    sim = sim_view(app)
    matrices = sim.view.matrices(panel.frame, sim.ui)
    m = matrices[sim.view.shown_layer(panel.frame, sim.ui, len(matrices))]
    return m, panel._cursor(m, sim.ui), text_of(panel)


def said(text: str) -> str:
    """The inspector's "name = value" line."""
    return next(line.strip() for line in text.splitlines() if re.search(r"\] = ", line))


async def test_the_rnn_names_the_cell_the_heatmap_shows():
    warmup.warm("rnn")
    app = make_app("rnn", **SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("w", "down", "down")   # rows x0, h0, h1: the cursor on h1, column 0
        await settle(pilot)
        m, cursor, text = shown(app)
        assert cursor == (2, 0) and m.row_label(2) == "h1"
        assert said(text) == f"layer[0].Wh[1,0] = {num(m.value(2, 0), 6)}"
        assert m.value(2, 0) == sim_view(app).session.model.params["layer[0].Wh"][0, 1]   # unit 0 from h1
        await pilot.press("shift+right", "shift+right")   # column 2: unit 2's weight from h1
        await settle(pilot)
        m, cursor, text = shown(app)
        assert cursor == (2, 2) and said(text) == f"layer[0].Wh[1,2] = {num(m.value(2, 2), 6)}"
        await pilot.press("up", "up")   # x0, column 2
        await settle(pilot)
        m, cursor, text = shown(app)
        assert said(text) == f"layer[0].Wx[0,2] = {num(m.value(0, 2), 6)}"
        await pilot.press("pagedown", "down", "shift+right")   # W_y: row h1, column 1 (one output or more)
        await settle(pilot)
        m, (r, c), text = shown(app)
        assert m.title == "W_y" and r == 1
        assert said(text) == f"Wy[1,{c}] = {num(m.value(1, c), 6)}"


async def test_the_lstm_names_the_gate_and_the_cell_the_heatmap_shows():
    warmup.warm("lstm")
    app = make_app("lstm", **SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("w", "down", "shift+right")   # the f gate's tab: row h0, column 1
        await settle(pilot)
        m, cursor, text = shown(app)
        assert cursor == (1, 1) and m.row_label(1) == "h0" and m.outputs == "f"
        assert said(text) == f"layer[0].Wh_f[0,1] = {num(m.value(1, 1), 6)}"
        await pilot.press("pagedown")   # the i gate's tab: row x0, column 0
        await settle(pilot)
        m, cursor, text = shown(app)
        assert cursor == (0, 0) and m.outputs == "i"
        assert said(text) == f"layer[0].Wx_i[0,0] = {num(m.value(0, 0), 6)}"
        await pilot.press(*["down"] * 4)   # x0, h0, h1, h2, then b
        await settle(pilot)
        m, cursor, text = shown(app)
        assert m.row_label(cursor[0]) == "b" and said(text) == f"layer[0].b_i[0] = {num(m.value(4, 0), 6)}"


async def test_an_edit_lands_in_the_cell_the_label_names():
    warmup.warm("lstm")
    app = make_app("lstm", **SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        sim = sim_view(app)
        model = sim.session.model
        H = model.params["layer[0].Wh"].shape[1]
        await pilot.press("w", "pagedown", "down", "shift+right")   # gate i, row h0, column 1
        await settle(pilot)
        m, cursor, text = shown(app)
        assert cursor == (1, 1) and said(text).startswith("layer[0].Wh_i[0,1] = ")
        before = model.theta.copy()
        await pilot.press("e", "ctrl+u", "ctrl+k", *"0.625", "enter")
        await settle(pilot)
        m, cursor, text = shown(app)
        assert cursor == (1, 1) and m.value(1, 1) == 0.625       # the heatmap's cell h0, column 1
        assert said(text) == f"layer[0].Wh_i[0,1] = {num(0.625, 6)}"
        assert model.params["layer[0].Wh"][H + 1, 0] == 0.625    # unit 1 of gate i, from h0
        changed = np.flatnonzero(model.theta != before)
        assert len(changed) == 1 and model.theta[changed[0]] == 0.625


async def test_the_editor_and_its_notice_name_the_cell_as_the_label_does():
    """The weight editor's title and the notice after an edit said the stored element
    ('layer[0].Wh[4,0]') where the heatmap's label says the gate's cell."""
    from dlsim.tui.screens.prompt import PromptScreen
    app = make_app("lstm", **SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        sim = sim_view(app)
        await pilot.press("w", "down", "shift+right")
        await settle(pilot)
        label = sim.weight_label(sim.ui.selected)
        assert label.startswith("layer[0].Wh_f[")
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen) and label in str(app.screen.title_text)
