"""The ‖δh_t‖ bars' heading during BPTT of a stacked RNN at 80×24 ("‖δh_t‖ sequence #12, back to
t=9 (first layer)") gives words up as the panel narrows, never cutting one ("… (first")."""
from dlsim.sim import warmup
from dlsim.tui.widgets.timeline.steps import StepsPanel

from .conftest import make_app, settle, sim_view, text_of


async def test_the_bars_heading_of_a_stacked_rnn_in_bptt_at_80x24_is_whole_words():
    warmup.warm("rnn")
    app = make_app("rnn", dataset="first_bit", length=12, hidden="4,4", samples=32, test=8, batch=8)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("4", "right", "2", *["right"] * 16)   # a batch, then into the next one's BPTT
        await settle(pilot)
        trace = sim_view(app).view.extras(sim_view(app).session.model)["trace"]
        assert trace["phase"] == "backward" and trace["dh_words"].endswith("(first layer)")
        heading = next(line.strip() for line in text_of(app.screen.query_one(StepsPanel)).splitlines()
                       if line.startswith("‖δh_t‖"))
        assert heading.endswith(("(first layer)", "(layer 0)")) or heading == "‖δh_t‖", heading
