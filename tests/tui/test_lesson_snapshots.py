"""SVG snapshots of the lesson screen at 80×24 and 120×40: the AND lesson at its first question,
answered wrong (the verdict and the lesson's reason showing), the same question still open (the
footer says how to answer), an MLP lesson's formulas beside the simulation, and a @sweep's five
runs in the simulation's place (a curve per learning rate, named at its end, and their final figures).
Refresh after an intended change of the look with `pytest tests/tui --snapshot-update`."""
import pytest

from dlsim.tui.app import DlsimApp
from dlsim.tui.lesson_session import open_lesson

from .conftest import settle

SIZES = [(80, 24), (120, 40)]
IDS = [f"{w}x{h}" for w, h in SIZES]


async def _answer_wrong(pilot):
    await settle(pilot)
    await pilot.press("n", "a")
    await settle(pilot, 0.2)


async def _open_question(pilot):
    await settle(pilot)
    await pilot.press("n", "space")         # space is held while the question is open
    await settle(pilot, 0.2)


def _at(name: str, step: int) -> DlsimApp:
    opened = open_lesson(name)
    opened[0].goto(step)
    return DlsimApp(prewarm=False, lesson=opened)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_lesson_checkpoint(snap_compare, size):
    app = DlsimApp(prewarm=False, lesson=open_lesson("perceptron-and"))
    assert snap_compare(app, terminal_size=size, run_before=_answer_wrong)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_lesson_open_question(snap_compare, size):
    app = DlsimApp(prewarm=False, lesson=open_lesson("perceptron-and"))
    assert snap_compare(app, terminal_size=size, run_before=_open_question)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_lesson_mlp_formulas(snap_compare, size):
    assert snap_compare(_at("mlp-backprop", 2), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_lesson_sweep(snap_compare, size):
    assert snap_compare(_at("mlp-lr-sweep", 1), terminal_size=size, run_before=settle)
