"""The backend choice in the options form: where the GPU backend cannot run, it is listed as
unavailable, and choosing it keeps the form open with the one-line reason (never a traceback)."""
import pytest
from textual.widgets import Select, Static

from dlsim.kernels import unavailable
from dlsim.tui.screens.options import OptionsScreen

from .conftest import make_app, settle

pytestmark = pytest.mark.skipif(unavailable("cuda") is None, reason="the cuda backend can run here")


async def test_cuda_is_listed_as_unavailable_and_choosing_it_says_why():
    app = make_app("som", rows=3, cols=3, samples=20)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("o")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, OptionsScreen)
        select = screen.query_one("#opt-backend", Select)
        assert ("cuda (unavailable)", "cuda") in select._options and ("numpy", "numpy") in select._options
        select.value = "cuda"
        await settle(pilot)
        screen.action_apply()
        await settle(pilot)
        assert app.screen is screen   # still open
        error = str(screen.query_one("#options-error", Static).render())
        assert error == f"✗ {unavailable('cuda')}"
        assert app.first_session.sim.model.kernels.name == "cpu"   # the simulation is as it was
