"""A run shows frames while an epoch's evaluation runs, not only between its batches: an LSTM of
128 units evaluates its training and test sets for about 70 ms of a 270 ms epoch, and with no
frame meanwhile its run showed 27 frames a second where the UI asks for 35."""
from dlsim.models import chunked
from dlsim.tui.runner import Runner

from .conftest import make_app, settle, sim_view, until


async def test_frames_come_between_the_slices_of_an_epochs_evaluation(monkeypatch):
    monkeypatch.setattr(Runner, "SPLIT_S", 0.0)            # epochs by batches, as a long one goes
    monkeypatch.setattr(chunked, "SHOWN_ROWS_S", 1e-6)      # and its evaluation in many slices
    app = make_app("lstm", hidden=8, length=6)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        sim = sim_view(app)
        session, seen = sim.session, {"evaluating": False, "frames": 0}
        evaluate, frame = session.model.evaluate, session.frame

        def evaluating():
            seen["evaluating"] = True
            try:
                return evaluate()
            finally:
                seen["evaluating"] = False

        def framed(*args, **kwargs):
            seen["frames"] += seen["evaluating"]
            return frame(*args, **kwargs)
        monkeypatch.setattr(session.model, "evaluate", evaluating)
        monkeypatch.setattr(session, "frame", framed)
        await pilot.press("f")
        assert await until(pilot, lambda: seen["frames"] >= 3, timeout=30)
        sim.pause()
        assert await until(pilot, lambda: sim.runner is None, timeout=30)
