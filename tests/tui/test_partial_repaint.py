"""Panels repaint only the lines that changed since the last frame (widgets/panel.py): what the
screen shows after a series of keys must be exactly what a full repaint of the same state shows —
no line left over from an earlier frame."""
from tests.tui.conftest import make_app, shown_is_a_full_repaint

KEYS = ["1", "right", "right", "right", "right", "right", "right", "2", "right", "right", "left",
        "3", "right", "4", "right", "left", "5", "right", "1", "left"]


async def test_the_screen_after_keys_is_a_full_repaint_of_the_same_state():
    app = make_app("mlp", dataset="spiral")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for key in KEYS:
            await pilot.press(key)
            await pilot.pause()
            assert await shown_is_a_full_repaint(pilot), f"a stale line after {key}"
