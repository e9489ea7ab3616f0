"""Space pauses a run whose epochs are long enough to go by compiled batches at the next batch,
not at the end of the epoch: the epoch in progress is undone and the run stops where it was. Such
an epoch still shows frames while it runs."""
import threading
import time

import numpy as np

from dlsim.models import chunked
from dlsim.tui.runner import Runner

from .conftest import make_app, settle, sim_view, until


async def test_space_stops_a_long_epoch_between_two_batches(monkeypatch):
    monkeypatch.setattr(chunked, "CHUNK_S", 0.0)          # every epoch counts as long: by batches
    app = make_app("mlp", dataset="spiral", batch=8)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        sim = sim_view(app)
        batches = {"seen": 0}
        paused_inside = threading.Event()

        def between():   # the worker, between two batches of an epoch: pause halfway through one
            batches["seen"] += 1
            if batches["seen"] == 40 and not paused_inside.is_set():
                paused_inside.set()
                app.call_from_thread(sim.pause)

        monkeypatch.setattr(chunked, "between", [between])
        await pilot.press("f")
        assert await until(pilot, paused_inside.is_set, timeout=30)
        assert await until(pilot, lambda: sim.runner is None, timeout=30)
        model = sim.session.model
        # 256 samples in batches of 8: 32 a epoch; the 40th batch is the 8th of the second epoch
        assert model.epoch == 1 and not chunked.requested.is_set()


async def test_a_long_epoch_shows_frames_while_it_runs(monkeypatch):
    """The app's run mode splits an epoch longer than Runner.SPLIT_S into batches (a transformer's
    takes about 80 ms): the frames the UI asks for come between them, not once an epoch."""
    monkeypatch.setattr(Runner, "SPLIT_S", 0.0)
    # 32 batches: three seconds an epoch, so that three frames come inside the first one even where a
    # loaded machine (load 5–6) draws a few frames a second (at a second an epoch, 2 runs in 8 failed)
    monkeypatch.setattr(chunked, "between", [lambda: time.sleep(0.1)])
    app = make_app("mlp", dataset="spiral", batch=8)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        sim = sim_view(app)
        start = {k: v.copy() for k, v in sim.session.model.params.items()}
        await pilot.press("f")
        assert await until(pilot, lambda: sim.runner is not None and sim.runner.frames >= 3, timeout=30)
        frame = sim.runner.latest
        assert frame.epoch == 0 and sim.session.model.epoch == 0          # inside the first epoch
        assert any(not np.array_equal(frame.params[k], start[k]) for k in start)   # its weights moved
        sim.pause()
        assert await until(pilot, lambda: sim.runner is None, timeout=30)
        assert chunked.CHUNK_S == 0.25 and chunked.between == [chunked.between[0]]   # put back
