"""SVG snapshots of the lesson screen at 80×24 and 120×40: the AND lesson at its first question,
answered wrong (the verdict and the lesson's reason showing), with the simulation beside it.
Refresh after an intended change of the look with `pytest tests/tui --snapshot-update`."""
import pytest

from dlsim.tui.app import DlsimApp
from dlsim.tui.lesson_session import open_lesson

from .conftest import settle

SIZES = [(80, 24), (120, 40)]


async def _answer_wrong(pilot):
    await settle(pilot)
    await pilot.press("n", "a")
    await settle(pilot, 0.2)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_lesson_checkpoint(snap_compare, size):
    app = DlsimApp(prewarm=False, lesson=open_lesson("perceptron-and"))
    assert snap_compare(app, terminal_size=size, run_before=_answer_wrong)
