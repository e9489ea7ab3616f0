"""While the app is up, a thread waiting for the GIL gets it within DlsimApp.SWITCH_S (Python's
5 ms default made the run worker wait out the UI thread's drawing: 20 % of the CNN's training);
once the app is gone, the interval is what it was (the API or a test runner goes on in the process)."""
import sys

from dlsim.tui.app import DlsimApp

from .conftest import make_app, settle, sim_view, until


async def test_the_app_shortens_the_switch_interval_while_it_runs_and_puts_it_back():
    before = sys.getswitchinterval()
    assert abs(before - DlsimApp.SWITCH_S) > 1e-6
    app = make_app("mlp", dataset="spiral")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        sim = sim_view(app)
        await pilot.press("f")
        assert await until(pilot, lambda: sim.runner is not None and sim.runner.frames >= 2, timeout=30)
        during = sys.getswitchinterval()
        sim.pause()
        assert await until(pilot, lambda: sim.runner is None, timeout=30)
    assert abs(during - DlsimApp.SWITCH_S) < 1e-9     # (Python keeps it in microseconds)
    assert sys.getswitchinterval() == before
