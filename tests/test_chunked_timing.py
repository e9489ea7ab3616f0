"""What decides whether a run goes by batches is what the work costs, not what else happened meanwhile:
frames built between an evaluation's slices are not its cost; another network's steps are not this
one's; NumPy's BLAS threads and a GPU are timed by the clock (their work is not this thread's CPU)."""
import time

import dlsim
from dlsim.models import chunked
from dlsim.protocol.events import Level
from dlsim.tui.session import Session


def burn(seconds: float) -> None:
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def test_frames_built_between_an_evaluations_slices_are_not_its_cost():
    model = dlsim.make("mlp", samples=4000, test=0).model
    with chunked.shown_between_rows(lambda: burn(0.05)):
        chunked.by_rows(model, 4000, lambda lo, hi: None, what="nothing")
    assert chunked._evaluated[model] < chunked.CHUNK_S   # 0.05 s a frame between slices, before


def test_the_clock_times_a_backend_whose_work_is_not_this_threads():
    cpu, numpy = dlsim.make("mlp").model, dlsim.make("mlp", backend="numpy").model
    start = chunked.work_time(numpy)
    time.sleep(0.05)                                      # a wait: as BLAS threads or a GPU work meanwhile
    assert chunked.work_time(numpy) - start >= 0.04
    start = chunked.work_time(cpu)
    time.sleep(0.05)
    assert chunked.work_time(cpu) - start < 0.02          # compiled on this thread: its CPU time


def test_a_rebuilt_network_forgets_the_last_ones_cost_of_a_step():
    session = Session(dlsim.make("mlp"))
    session.step(Level.SAMPLE)
    session._event_cost = 1.0                             # as if the last network's events were slow
    session.sim.build()
    assert session._event_cost is None


def test_an_epoch_keys_estimate_is_the_measured_fused_epoch():
    session = Session(dlsim.make("transformer"))
    session.sim.train(epochs=1)                           # a fused epoch, measured
    measured = chunked.epoch_seconds(session.model)
    assert measured is not None
    assert abs(session.step_seconds(Level.EPOCH) - measured) < 1e-9
