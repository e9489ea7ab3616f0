"""Esc while a step runs in a thread: home waits for the step (and the keys pressed before Esc), so
the network opened again is never stepped on two threads at once. It went home at once, the thread
still inside the session's step, and the reopened view stepped the same session on the UI thread."""
import threading

from dlsim.tui.screens.home import HomeScreen

from .conftest import make_app, settle, sim_view, until


async def test_home_waits_for_the_step_in_its_thread():
    app = make_app(None)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_model("lstm", hidden=128)
        await pilot.pause(0.3)
        sim = sim_view(app)
        session, step = sim.session, sim.session.step
        going, inside = threading.Event(), []

        def slow(level=None):
            inside.append(threading.current_thread().name)
            going.wait(10)
            return step(level)
        session.step = slow
        await pilot.press("3", "right")                  # a sample: in a thread, held inside step
        assert await until(pilot, lambda: inside)
        await pilot.press("escape")
        await pilot.pause(0.3)                           # (settle would wait for the thread)
        assert not isinstance(app.screen, HomeScreen)   # not while the thread owns the session
        await pilot.press("escape")                      # a second Esc does not leave twice
        going.set()
        assert await until(pilot, lambda: isinstance(app.screen, HomeScreen), timeout=30)
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen) and len(inside) == 1
        app.open_model("lstm")                           # resumes the kept session
        await pilot.pause(0.3)
        again = sim_view(app)
        assert again.session is session and again._busy is None
        await pilot.press("1", "right")
        await settle(pilot)
        assert inside[-1] == "MainThread" and len(inside) == 2   # one step at a time, after the first
