"""What a learner running `dlsim run transformer` at 80×24 found: the footer lost "+ faster - slower"
(the focused panel's keys came first), the residual stream showed one stage and the selected cell's
score was cut while rows stayed blank, `[` `]` `k` were silent until Tab reached the residual stream,
the speed left the status line while playing, and the math panel's "head 0" was the attention's
"head 1/2"."""
import dataclasses

import numpy as np
import pytest
from textual.widgets._footer import FooterKey

from dlsim.protocol.numbers import num
from dlsim.sim import warmup
from dlsim.tui.widgets.curves import Curves
from dlsim.tui.widgets.math_panel import MathPanel
from dlsim.tui.widgets.status_bar import StatusBar
from dlsim.tui.widgets.transformer.attention import AttentionMatrix
from dlsim.tui.widgets.transformer.stream import ResidualStream

from .conftest import make_app, settle, sim_view, text_of
from .test_transformer_snapshots import TO_QUERY_3


@pytest.fixture(scope="module", autouse=True)
def warm_transformer():
    warmup.warm("transformer")


def footer_cut(app) -> list[str]:
    """The footer's keys that do not lie whole left of the palette key (docked over the right end)."""
    keys = list(app.screen.query(FooterKey))
    palette = next(k for k in keys if k.action.endswith("command_palette"))
    return [f"{k.key_display} {k.description}" for k in keys
            if k is not palette and k.region.right > palette.region.x]


@pytest.mark.parametrize("name", ["transformer", "mlp", "lstm", "cnn"])
async def test_the_footer_keeps_every_stepping_key_at_80x24_whichever_panel_has_focus(name):
    app = make_app(name)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        seen = set()
        while app.screen.focused not in seen:   # every focusable panel in turn, then none
            seen.add(app.screen.focused)
            shown = {k.description for k in app.screen.query(FooterKey)}
            assert {"faster", "slower", "full", "play", "step", "back"} <= shown, (app.screen.focused, shown)
            assert footer_cut(app) == [], app.screen.focused
            await pilot.press("tab")
            await settle(pilot)


async def test_the_panels_use_the_rows_there_are_at_80x24():
    app = make_app("transformer")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        sim = sim_view(app).session.sim
        shown = sim.inspect()
        stream = text_of(app.screen.query_one(ResidualStream))
        assert "embeddings" in stream and "after block 0" in stream   # both stages, not only the last
        attention = text_of(app.screen.query_one(AttentionMatrix))
        T = shown["attention"].shape[-1]
        score = shown["scores"][0, 0, T - 1, 0]   # the cell selected at first
        assert f"(score {num(score)})" in attention   # whole, not cut at the column's edge
        P = shown["probabilities"][T - 1]
        for k in np.argsort(-P, kind="stable")[:3]:   # the next-token distribution, each listed
            assert f"'{sim.model.vocabulary[k]}' {P[k]:.2f}" in attention
        assert app.screen.query_one(Curves).size.height > 7   # the curves get the rows the stream does not use


async def test_the_keys_that_choose_answer_without_tab():
    app = make_app("transformer")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        sim = sim_view(app).session.sim
        attention = app.screen.query_one(AttentionMatrix)
        assert app.screen.focused is attention   # what the screen focuses first
        await pilot.press("left_square_bracket", "k")
        await settle(pilot)
        assert sim.config["temperature"] == 0.75 and sim.config["top_k"] == 1
        assert "(T 0.75, top 1)" in text_of(attention)
        await pilot.press("tab", "h")   # the residual stream has focus: h still pages the heads
        await settle(pilot)
        assert isinstance(app.screen.focused, ResidualStream) and "head 2/2" in str(attention.border_title)
        for _ in range(5):   # past the hottest temperature: said, not silent
            await pilot.press("right_square_bracket")
        await settle(pilot)
        assert sim.config["temperature"] == 3.0
        assert "already the highest" in text_of(app.screen.query_one(MathPanel))


async def test_h_with_one_head_says_why_nothing_changes():
    app = make_app("transformer", heads=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert "no other head" in text_of(app.screen.query_one(MathPanel))


async def test_the_speed_stays_on_the_status_line_while_playing_at_80x24():
    app = make_app("transformer")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*TO_QUERY_3[:6])   # inside a sequence, by sublayer: the longest cursor
        await settle(pilot)
        simview = sim_view(app)
        status = app.screen.query_one(StatusBar)
        frame = dataclasses.replace(simview.frame, epoch=12_345, steps=395_040)
        for rate in ("", "1,234 ep/s"):   # before a full-speed run's first frame, and during it
            ui = dataclasses.replace(simview.ui, playing=True, speed="full", rate=rate)
            line = "".join(text for text, _ in status.rows(frame, ui, 80, 1)[0])
            assert (rate or "full") in line and "running" in line, line
        ui = dataclasses.replace(simview.ui, playing=True, speed="10 epochs/s")   # + / - while playing
        line = "".join(text for text, _ in status.rows(simview.frame, ui, 80, 1)[0])
        assert "10 epochs/s" in line, line


async def test_the_math_panel_numbers_the_heads_as_the_attention_does():
    app = make_app("transformer")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*TO_QUERY_3)
        await settle(pilot)
        assert sim_view(app).session.sim.last.values["head"] == 0
        assert "head 1/2" in str(app.screen.query_one(AttentionMatrix).border_title)
        assert "head 1, query 3: a = softmax(s)" in text_of(app.screen.query_one(MathPanel))


async def test_an_epoch_step_leaves_no_blank_rows_under_its_summary():
    """The summary's ‖Δ‖ of the transformer's 22 parameters wraps to 6 rows: with the epoch's line it
    overflows the math panel at 80×24, which kept its 8 rows but drew 3 and left 5 blank while the
    panels above were cut. The panel is as tall as what it draws, and what fits whole is drawn."""
    app = make_app("transformer")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("5", "right")
        await settle(pilot)
        math = app.screen.query_one(MathPanel)
        lines = text_of(math).splitlines()
        assert len(math.lines(math.frame, math.ui, 80)[1]) > math.size.height   # more than fits
        assert all(line.strip() for line in lines) and len(lines) == math.size.height, lines
        assert any(line.startswith("largest change") for line in lines)
        assert "predict" in text_of(app.screen.query_one(AttentionMatrix))   # the rows went to the panels
