"""Without colour (NO_COLOR) a half block cannot hold two values, so the hidden state is drawn a line
per unit, each step the glyph of that unit's own value (░▒▓█ positive, ·-=≡ negative, as the help
says), never two units averaged into one cell. At 80×24 the RNN's eight units all fit; where they do
not (the LSTM's h and c), the units around the selected one are shown, marked ▼ where more follow."""
import re

import pytest

from dlsim.sim import warmup
from dlsim.tui.widgets.timeline.heat import LABEL, glyph
from dlsim.tui.widgets.timeline.unrolled import Timeline

from .conftest import make_app, settle, sim_view, text_of


@pytest.fixture(autouse=True)
def no_color(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    warmup.warm("rnn")
    warmup.warm("lstm")


def unit_lines(text: str, name: str) -> dict[int, str]:
    """The timeline's lines of one map by unit: {j: the line}, from labels h0, h1, … (h7▼)."""
    out = {}
    for line in text.splitlines():
        found = re.match(rf"{name}(\d+)[▲▼]?\s", line)
        if found:
            out[int(found.group(1))] = line
    return out


async def test_the_rnn_hidden_state_at_80x24_without_colour_is_a_line_per_unit_of_its_own_glyphs():
    app = make_app("rnn")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        timeline = app.screen.query_one(Timeline)
        text = text_of(timeline)
        lines = unit_lines(text, "h")
        assert sorted(lines) == list(range(8)), text
        h = sim_view(app).session.sim.inspect()["h"][1:]      # (T, H): the model's hidden state
        first, shown, per = timeline._span
        for j, line in lines.items():
            drawn = line[LABEL:LABEL + shown * per]
            expected = "".join(glyph(float(h[t, j]), 1.0)[0] * per for t in range(first, first + shown))
            assert drawn == expected, (j, line)


async def test_the_lstm_shows_the_units_around_the_selected_one_without_colour():
    app = make_app("lstm")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        timeline = app.screen.query_one(Timeline)
        lines = unit_lines(text_of(timeline), "h")
        assert 0 in lines and 7 not in lines and any("▼" in line[:LABEL] for line in lines.values())
        timeline.focus()
        await pilot.press(*["down"] * 6)                       # unit 6 selected: its line is drawn
        await settle(pilot)
        assert 6 in unit_lines(text_of(timeline), "h") and 6 in unit_lines(text_of(timeline), "c")
