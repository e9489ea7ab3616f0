"""The CNN's screen as a learner uses it: a kernel weight set by hand in the weight editor is the
weight the kernel slides with, and the numbers shown are the ones computed."""
import numpy as np
import pytest

from dlsim.sim import warmup
from dlsim.tui.views.cnn import StagePanel

from .conftest import make_app, sim_view
from .test_keys import text_of


@pytest.fixture(scope="module", autouse=True)
def warm_cnn():
    warmup.warm("cnn")


async def test_a_kernel_weight_edited_in_the_app_is_the_one_that_slides():
    app = make_app("cnn", kernels=[1])
    async with app.run_test(size=(120, 40)) as pilot:
        sim = sim_view(app)
        await pilot.press("w", "down", "down", "down", "down", "enter")   # kernel 0's centre weight
        await pilot.press("ctrl+u", "ctrl+k", *"2.5", "enter")
        model = sim.session.model
        assert model.params["layer[0].K"][0, 0, 1, 1] == 2.5
        await pilot.press("right")
        await pilot.pause()
        event = sim.session.sim.last
        assert event.op == "conv" and event.values["weights"][4] == 2.5
        shown = text_of(app.screen.query_one(StagePanel))
        assert "2.500" in shown   # the kernel's numbers on screen
        window = np.array(event.values["window"])
        assert event.values["sum"] == pytest.approx(float(window @ np.array(event.values["weights"])))
