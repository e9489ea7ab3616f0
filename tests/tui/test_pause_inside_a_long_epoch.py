"""Space pauses a run whose epochs are long enough to go by compiled batches at the next batch,
not at the end of the epoch: the epoch in progress is undone and the run stops where it was."""
import threading

from dlsim.models import chunked

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
