"""dqn-replay quotes the first drawn row's TD target, its reward and max Q_target(s′): after a whole
environment step the math panel summed the step up (its TD loss) and none of them was on the
screen. The step now stops at that target, which the math panel writes out."""
import re

from dlsim.tui.widgets.math_panel import MathPanel

from .conftest import opened_at, settle, text_of


async def test_the_td_target_the_text_quotes_is_in_the_math_panel():
    app = opened_at("dqn-replay", "Enough stored to learn")   # the step that quotes the first target
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.3)
        player = app.screen.player
        text = " ".join(player.view.text.split())
        y = re.search(r"TD target: y = (−?\d\.\d{3})", text).group(1)
        best = re.search(r"max Q_target\(s′\) = (−?\d\.\d{3})", text).group(1)
        shown = " ".join(text_of(app.screen.query_one(MathPanel)).split())
        assert f"·{best} = {y}" in shown
