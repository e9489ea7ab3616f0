"""The app's UI-free parts: Session (stepping, trace, coarse steps, runs, divergence), Changes,
Watchdog and the warm-up bookkeeping."""
import numpy as np
import pytest

import dlsim
from dlsim.errors import UserError
from dlsim.protocol.events import Level
from dlsim.sim.stepper import HistoryLimit
from dlsim.sim.watchdog import Watchdog
from dlsim.tui.changes import EDITED, REWOUND, RUN, STEP
from dlsim.tui.session import Session


def session(model="mlp", **options):
    return Session(dlsim.make(model, seed=0, **options))


def test_op_steps_trace_the_sample_and_back_is_exact():
    s = session(hidden=[3])
    for _ in range(7):
        s.step("op")
    theta, pos, path = s.flat().copy(), s.sim.position, s.trace.last.path
    traced = len(s.trace.events)
    s.step("op")
    s.back("op")
    assert s.sim.position == pos and np.array_equal(s.flat(), theta)
    assert s.trace.last.path == path and len(s.trace.events) == traced


def test_back_to_a_sample_end_restores_its_trace():
    s = session(hidden=[3])
    s.step("sample")
    kept = set(s.trace.events)
    s.step("sample")
    s.back("sample")
    assert set(s.trace.events) == kept


def test_coarse_batch_step_matches_op_by_op_bits():
    a, b = session(hidden=[4], batch=16), session(hidden=[4], batch=16)
    event = a.step("batch")
    assert event.op == "batch"
    while b.step("op").closes < Level.BATCH:
        pass
    assert np.array_equal(a.flat(), b.flat())


def test_epoch_step_then_back_is_exact():
    s = session(hidden=[4])
    s.step("epoch")
    before = s.flat().copy()
    s.step("epoch")
    assert not np.array_equal(s.flat(), before)
    s.back("epoch")
    assert np.array_equal(s.flat(), before) and s.model.epoch == 1


def test_back_past_history_raises_with_a_message():
    s = session(model="perceptron")
    with pytest.raises(HistoryLimit, match="cannot go back"):
        s.back("op")


def test_changes_record_old_new_and_step():
    s = session(model="perceptron")
    while s.step("op").op != "update":
        pass
    k = s.layout.index("w", (0,))
    change = s.changes.at(k)
    assert change.how in (STEP, 0)
    s.step("epoch")
    s.set_weight("w", (0,), 0.25)
    change = s.changes.at(k)
    assert change.how == EDITED and change.new == 0.25 and "edited by hand" in change.describe()
    s.back("op")
    assert s.changes.at(k).how == REWOUND


def test_run_chunk_trains_on_the_fused_path_and_absorbs():
    s = session(hidden=[4])
    position = s.sim.position
    assert s.run_chunk() is None
    assert s.model.epoch >= 1 and s.sim.position == position + 1
    assert s.changes.at(0).how == RUN
    if s.model.epoch == 1:
        s.back("epoch")
    else:
        s.sim.undo()
    assert s.sim.position == position and s.model.epoch == 0


def test_run_chunk_finishes_a_started_epoch_first():
    s = session(hidden=[4])
    s.step("op")
    s.run_chunk()
    assert s.sim.at_epoch_boundary() and s.model.epoch == 1


def test_perceptron_run_stops_when_converged():
    s = session(model="perceptron")
    reason = None
    for _ in range(100):
        reason = s.run_chunk()
        if reason:
            break
    assert reason == "converged" and s.model.converged()


def test_divergence_is_found_named_and_recovered_from():
    s = session(dataset="spiral")
    for _ in range(3):
        s.run_chunk()
    s.set_option("lr", 50)
    reason = None
    for _ in range(50):
        reason = s.run_chunk()
        if reason:
            break
    assert reason == "diverged"
    assert "diverged at epoch" in s.diverged and "go back" in s.diverged
    epoch = s.model.epoch
    s.back("op")
    assert s.diverged is None and s.model.epoch <= epoch - 2
    assert np.all(np.isfinite(s.flat()))
    s.set_option("lr", 0.1)           # with a sane rate it trains on from there
    for _ in range(5):
        assert s.run_chunk() is None


def test_op_level_nan_is_reported_with_where():
    s = session(hidden=[2])
    s.set_weight("layer[0].W", (0, 0), 1e308)
    s.set_weight("layer[0].W", (1, 0), 1e308)
    s.sim.model.X[:] = 10.0   # z overflows to ∞ at the first neuron
    s.step("op")
    assert s.diverged and "∞" in s.diverged


def test_refused_options_change_nothing():
    s = session()
    s.step("op")
    for name, value in (("lr", "abc"), ("hidden", "-1"), ("batch", "100000"), ("dataset", "nope")):
        with pytest.raises(UserError):
            s.set_option(name, value)
    assert s.sim.position == 1


def test_live_option_keeps_progress_and_architecture_rebuilds():
    s = session()
    s.step("op")
    assert s.set_option("lr", "0.05") is False and s.sim.position == 1
    assert s.set_option("hidden", "5") is True and s.sim.position == 0
    assert list(s.model.sizes) == [2, 5, 1]
    s.step("op")    # the new model is traced too
    assert s.trace.last is not None


def test_frame_is_a_copy():
    s = session(hidden=[2])
    frame = s.frame()
    frame.params["layer[0].W"][0, 0] = 123.0
    assert s.model.params["layer[0].W"][0, 0] != 123.0
    assert frame.phase == "ready" and s.grads() is not None


def test_watchdog_explosion_and_non_finite():
    w = Watchdog()
    assert w.history([{"loss": 0.7}, {"loss": 0.5}, {"loss": 0.05}]) is None
    found = w.history([{"loss": 6.0}])
    assert found and "exploded" in found[1]
    assert "NaN" in Watchdog().history([{"loss": float("nan")}])[1]
    assert Watchdog.params(np.array([1.0, np.inf])) == "a weight overflowed to ∞"


def test_a_rebuild_made_behind_the_sessions_back_is_noticed():
    s = session(hidden=[3])
    s.sim.set("hidden", "5")          # e.g. a lesson driving the Simulator directly
    frame = s.frame()
    assert frame.params["layer[0].W"].shape == (2, 5) and s.layout.size == 2 * 5 + 5 + 5 + 1
    s.step("op")
    assert s.trace.last is not None


def test_back_after_a_run_goes_one_epoch_back_exactly():
    """A run is absorbed in chunks of many epochs; ← from its end must not jump back a whole chunk."""
    session = Session(dlsim.make("mlp", seed=2, samples=32, test=8, hidden=(4,)))
    session._fused(10)
    reference = dlsim.make("mlp", seed=2, samples=32, test=8, hidden=(4,))
    reference.train(epochs=9)
    session.back(Level.EPOCH)
    assert session.sim.epoch == 9
    assert np.array_equal(session.sim.model.theta, reference.model.theta)


def test_perceptron_sample_counter_never_steps_backwards():
    from dlsim.tui.views import view_for
    session = Session(dlsim.make("perceptron", dataset="and"))
    view = view_for("perceptron")(session)
    seen = []
    for _ in range(2 * 7):   # two samples, op by op: z, ŷ, error, three updates, the sample's close
        session.step(Level.OP)
        seen.append(int(view.cursor(session.model, session.sim.last).split()[1].split("/")[0]))
    assert seen == sorted(seen) and seen[0] == 1 and seen[-1] == 2


def test_back_one_op_after_a_run_lands_on_its_last_update():
    """At op level, ← after a run undoes the last event (the epoch's end), then walks into the
    last batch: its weight updates, one by one, exactly as op-by-op stepping would have made them."""
    session = Session(dlsim.make("mlp", seed=2, samples=32, test=8, hidden=(4,)))
    session._fused(3)
    end = session.sim.model.theta.copy()
    reference = dlsim.make("mlp", seed=2, samples=32, test=8, hidden=(4,))
    reference.train(epochs=2)
    updates = []
    while True:
        event = reference.step("op")
        if event.closes >= Level.BATCH:
            break
        updates.append((event, reference.model.theta.copy()))
    assert session.back("op").op == "batch"
    assert session.sim.epoch == 2 and np.array_equal(session.sim.model.theta, end)
    for event, theta in reversed(updates[-3:]):
        assert session.back("op").path == event.path
        assert np.array_equal(session.sim.model.theta, theta)
