"""A pause that must wait for a long compiled call (a batch of a large network) says what it waits
for: the run worker's stop returns the line the status shows meanwhile, and a short wait says nothing."""
import asyncio
import threading

from dlsim.models import chunked
from dlsim.tui.runner import Runner

from .conftest import make_app, settle, sim_view, until


async def test_a_pause_inside_a_long_batch_says_it_stops_after_it(monkeypatch):
    monkeypatch.setattr(chunked, "CHUNK_S", 0.0)          # every epoch counts as long: by batches
    app = make_app("mlp", dataset="spiral", batch=8)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        sim = sim_view(app)
        inside, release = threading.Event(), threading.Event()

        def between():   # the worker, between two batches: the next one is a long call
            inside.set()
            release.wait(30)

        monkeypatch.setattr(chunked, "between", [between])
        await pilot.press("f")
        assert await until(pilot, inside.is_set, timeout=30)
        await asyncio.sleep(Runner.LONG_S)
        runner = sim.runner
        try:
            said = runner.stop()
        finally:
            release.set()
        assert said == "stopping after this batch…"
        assert await until(pilot, lambda: sim.runner is None, timeout=30)
        assert runner.stop() is None           # no chunk running: nothing to wait for
        assert not chunked.requested.is_set()  # nor a stop left for the next run
