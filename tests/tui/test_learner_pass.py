"""What a learner trying every key at 80×24 and 120×40 met, each checked as they would see it: the
recurrent readouts name a unit by its index as the weights do and cut no number, the LSTM cell
writes its values as the math panel does, a lesson at 80×24 still reaches the CNN's kernels, and
the heatmap's legend and hidden rows speak the README's number and counting rules."""
import re

import numpy as np

from dlsim.protocol.numbers import num
from dlsim.sim import warmup
from dlsim.tui.app import DlsimApp
from dlsim.tui.lesson_session import open_lesson
from dlsim.tui.widgets.data.decision import DecisionPlot, sample_note
from dlsim.tui.widgets.image.classes import ClassesPanel
from dlsim.tui.widgets.image.kernels import KernelsPanel
from dlsim.tui.widgets.network.weights import WeightsPanel
from dlsim.tui.widgets.timeline.cell import CellPanel, equations
from dlsim.tui.widgets.timeline.task import TaskPanel, fitting, glimpse
from dlsim.tui.widgets.timeline.unrolled import Timeline

from .conftest import make_app, settle, sim_view, text_of

SMALL = {"hidden": 8, "samples": 8, "test": 6, "batch": 4}
NUMBER = re.compile(r"[−-]?\d[\d,]*\.\d+")


async def test_lstm_at_80x24_names_units_by_index_and_cuts_no_number():
    warmup.warm("lstm")
    app = make_app("lstm", **SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2", "right", "right", "right")      # three time steps
        await settle(pilot)
        seen = sim_view(app).session.sim.inspect()
        line = [row for row in text_of(app.screen.query_one(Timeline)).splitlines() if " t=" in row][-1]
        assert line.startswith("h[0] at t=2: " + num(seen["h"][3, 0])), line
        assert "h1 " not in line
        for token in line.split():   # every number whole: the readout leaves a part out, never cuts one
            if NUMBER.fullmatch(token):
                assert token in {num(v) for v in np.concatenate([seen["h"][3], seen["x"][2], seen["outputs"][2]])}
        cell = text_of(app.screen.query_one(CellPanel))
        assert "h[0] and c[0] at t=2" in cell
        # the equations as the math panel writes numbers (c_2 = (…) there): three decimals, products bracketed
        assert f"c_t = f·c_t−1 + i·g = {num(seen['c'][3, 0])}" in cell, cell
        assert f"f {num(seen['gate_f'][2, 0])}" in cell and f"h_t = o·tanh(c_t) = {num(seen['h'][3, 0])}" in cell
        assert max(len(row) for row in cell.splitlines()) <= app.screen.query_one(CellPanel).size.width


def test_the_cell_equations_bracket_a_negative_factor():
    v = {"f": 0.77, "i": 0.51, "g": -0.02, "o": 0.54, "c_prev": -0.02, "c": -0.0256, "tanh_c": -0.0256,
         "h": -0.0138, "h_prev": 0.03}
    text = "\n".join("".join(part for part, _ in row) for row in equations(v, 3))
    assert "0.770·(−0.020) + 0.510·(−0.020)" in text and "= −0.026" in text and "−0.00\n" not in text
    assert max(len(row) for row in text.splitlines()) <= 38


async def test_lstm_at_120x40_diagram_values_agree_with_the_timeline():
    warmup.warm("lstm")
    app = make_app("lstm", **SMALL)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2", "right", "right")
        await settle(pilot)
        seen = sim_view(app).session.sim.inspect()
        cell = text_of(app.screen.query_one(CellPanel))
        assert f"c_t {num(seen['c'][2, 0])}" in cell and f"h_t {num(seen['h'][2, 0])}" in cell, cell
        for q in "figo":
            assert f"{q} {num(seen[f'gate_{q}'][1, 0])}" in cell


async def test_a_memory_tasks_answers_name_sequences_by_row_and_cut_no_input():
    warmup.warm("lstm")
    app = make_app("lstm", **SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        task = text_of(app.screen.query_one(TaskPanel))
        rows = [row for row in task.splitlines() if "truth" in row]
        assert rows and all(re.match(r"[✓✗]\s+#\d+: truth", row) for row in rows), task
        for row in rows:
            tail = row.split("  ", 2)[-1] if row.count("  ") >= 2 else ""
            for token in tail.split():
                assert token in ("…", "marked", "+") or NUMBER.fullmatch(token), row
    assert glimpse("−1.000 1.000 0.500", 2) == "−1.000 1.000 +1 more" and glimpse("−1.000 1.000", 0) == ""
    assert fitting("−1.000 1.000 0.500", 17) == 1 and fitting("−1.000 1.000", 5) == 0


async def test_a_lesson_at_80x24_reaches_every_cnn_kernel_by_the_right_panels_pages():
    warmup.warm("cnn")
    app = DlsimApp(prewarm=False, lesson=open_lesson("cnn-edges"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        kernels = app.screen.query_one(KernelsPanel)
        assert not all(node.display for node in kernels.ancestors_with_self)   # its row is hidden here
        classes = app.screen.query_one(ClassesPanel)
        classes.focus()
        seen, titles = set(), []
        for _ in range(classes.pages):
            seen |= {f for f in range(4) if re.search(rf"\bK{f}\b", text_of(classes))}
            titles.append(str(classes.border_title))
            await pilot.press("pagedown")
            await settle(pilot)
        assert seen == {0, 1, 2, 3}, titles
        assert any("kernels K" in t for t in titles)
        assert all(f"/{classes.pages}" in t for t in titles if "kernels" in t)   # which page, always


async def test_a_cnn_not_beside_a_lesson_keeps_its_kernels_panel_and_pages():
    warmup.warm("cnn")
    app = make_app("cnn")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        classes = app.screen.query_one(ClassesPanel)
        for _ in range(classes.pages):
            assert "kernels" not in str(classes.border_title)
            classes.action_turn(1)
            await settle(pilot)


async def test_the_heatmap_legend_by_the_number_rule_and_hidden_rows_by_their_labels():
    warmup.warm("lstm")
    app = make_app("lstm", **SMALL)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = text_of(app.screen.query_one(WeightsPanel))
        legend = re.search(r"±9 = (\S+)", text).group(1)
        assert re.fullmatch(r"\d+\.\d{3}", legend), text
        hidden = re.search(r"▼ rows (\S+)", text)
        assert hidden is None or hidden.group(1).startswith(("h", "x")), text


async def test_the_data_plot_says_its_classes_in_one_wording_and_the_sample_by_its_row():
    app = make_app("mlp")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert str(app.screen.query_one(DecisionPlot).border_title) == "data · classes o 0 · x 1"
    assert sample_note(17, np.array([0.45, 0.687]), 60) == "sample #17 (0.450, 0.687)"


def test_the_gans_play_speeds_say_its_own_words():
    from dlsim.tui.views.gan import GANView
    from dlsim.tui.views.som import SOMView
    gan, som = GANView.__new__(GANView), SOMView.__new__(SOMView)
    assert gan.speed_label("10 epochs/s") == "10 iterations/s"      # was "10 epochs/s" beside "by iteration"
    assert gan.speed_label("10 batches/s") == "10 steps/s" and som.speed_label("8 layers/s") == "8 passes/s"


async def test_a_selected_weights_value_and_last_change_never_cut_a_number():
    warmup.warm("cnn")
    app = make_app("cnn")
    async with app.run_test(size=(80, 24)) as pilot:   # the CNN's weights panel: 24 columns here
        await settle(pilot)
        await pilot.press("w")
        for _ in range(3):       # a few updates: the last change is "… at step 3"
            await pilot.press("4", "right")
        await settle(pilot)
        sim = sim_view(app)
        name, index = sim.ui.selected
        value = num(float(sim.session.model.params[name][index]), 6)
        text = text_of(app.screen.query_one(WeightsPanel))
        assert f"= {value}" in text, text
        line = next(row for row in text.splitlines() if "→" in row)
        assert re.search(r"at step \d[\d,]*\s*$", line) or line.rstrip().endswith("…"), line


async def test_the_rnns_sine_panel_names_its_sequence_whole_by_row():
    warmup.warm("rnn")
    app = make_app("rnn")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("right", "right")
        await settle(pilot)
        seen = sim_view(app).session.sim.inspect()
        first = text_of(app.screen.query_one(TaskPanel)).splitlines()[0].rstrip()
        assert f"#{seen['sequence']}" in first or first.endswith("ŷ_t"), first
        assert re.search(rf"#{seen['sequence']}\b", first) or "#" not in first


async def test_the_cnns_arithmetic_line_keeps_its_last_number_whole_at_80x24():
    from dlsim.tui.widgets.image.stage import StagePanel
    warmup.warm("cnn")
    app = make_app("cnn")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*["right"] * 4)
        await settle(pilot)
        text = text_of(app.screen.query_one(StagePanel))
        said = " ".join(row.strip() for row in text.splitlines() if "relu" in row or "Σ" in row or "= z" in row)
        assert "Σ = " in said and re.search(r"a [−-]?\d+\.\d{3}", said), text
