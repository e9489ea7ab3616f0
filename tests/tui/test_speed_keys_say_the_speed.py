"""+ and - while paused at 80 columns: the status line had no room for the speed beside a long place
('transformer reverse ep 69 st 2,208 next batch 1/32 by batch'), so the key changed a speed nobody
could see and seemed to do nothing. The message line now says the speed chosen, and at either end
that it goes no further."""
import pytest

from dlsim.sim import warmup
from dlsim.tui.playing import SPEEDS
from dlsim.tui.widgets.math_panel import MathPanel

from .conftest import make_app, settle, sim_view, text_of


@pytest.fixture(scope="module", autouse=True)
def warm_transformer():
    warmup.warm("transformer")


async def test_plus_and_minus_while_paused_say_the_speed_they_chose():
    app = make_app("transformer")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("4", "right", "minus")
        await settle(pilot)
        math = text_of(app.screen.query_one(MathPanel))
        assert "10 samples/s" in math and "space" in math
        for _ in SPEEDS:
            await pilot.press("plus")
        await settle(pilot)
        assert "full" in text_of(app.screen.query_one(MathPanel)).split("!")[-1]
        assert "fastest" in text_of(app.screen.query_one(MathPanel))
        assert not sim_view(app).playing
