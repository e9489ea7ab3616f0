"""A cursor names one state of a run however it was reached, and `seek` goes back (or on) to it.

An API user keeps `sim.cursor` beside what they saw, wanders (op by op, by compiled batches, whole
fused epochs, back at every level, back finer than the step that got there, which opens it and
renumbers `position`), and seeks the cursor later: they must find the very same bits.
"""
import random

import numpy as np
import pytest

import dlsim
from dlsim.errors import UserError
from dlsim.models import MODELS
from dlsim.protocol.events import Level
from dlsim.sim.cursor import Cursor
from dlsim.sim.stepper import HistoryLimit
from tests.test_stepper import same_value

# a few samples each, so that random walks cross batches and epochs within a second or two
SMALL = {
    "perceptron": dict(dataset="xor", init="random", shuffle="yes", lr=0.3),
    "mlp": dict(dataset="xor", hidden=(2,), optimizer="adam", batch=3, samples=7, test=2, lr=0.2),
    "som": dict(rows=2, cols=2, samples=5, horizon=2),
    "cnn": dict(kernels=(1,), batch=2, samples=3, test=1),
    "rnn": dict(dataset="parity", steps=3, hidden=2, batch=2, samples=5, test=1),
    "lstm": dict(dataset="parity", steps=3, hidden=2, batch=2, samples=5, test=1),
    "gan": dict(samples=6, batch=2, d_hidden=(2,), g_hidden=(2,), k=2, d_optimizer="adam",
                g_optimizer="momentum"),
    "ae": dict(encoder=(2,), code=1, samples=5, test=2, batch=2, tied="yes", denoise=0.3),
    "rbf": dict(centres=3, placement="learned", fit="delta", optimizer="adam", batch=3, samples=7, test=2),
    "vae": dict(encoder=(2,), code=1, samples=5, test=2, batch=2, beta=0.5),
    "rbm": dict(hidden=3, k=2, method="pcd", optimizer="adam", batch=3, samples=7, test=2),
    "transformer": dict(length=2, d_model=8, heads=2, mlp=4, batch=2, samples=5, test=2),
    "diffusion": dict(hidden=(2,), embed=1, T=10, samples=7, batch=3, generated=4),
    "dqn": dict(hidden=(2,), replay=6, replay_batch=2, learn_start=3, steps_per_epoch=9, target_every=2),
    "dbn": dict(layers=(4, 3), pretrain=1, k=2, method="pcd", batch=3, samples=7, test=2),
    "qlearn": dict(dataset="cliff", rule="sarsa", epsilon=0.5, steps_per_epoch=7),
}
NETWORKS = sorted(MODELS)
LEVELS = ("op", "layer", "sample", "batch", "epoch")


def make(name, seed=1):
    return dlsim.make(name, seed=seed, **SMALL.get(name, {}))


def seen(sim):
    """What a user compares: the parameters' bits, the gradient gathered in the batch in hand, the
    updates made and the metrics recorded. (A network's scratch kept for its pictures, such as the
    maps of the last sample stepped op by op, may differ between ways there: it trains nothing.)"""
    grads = sim.model.accumulated_gradients()
    return ({k: v.tobytes() for k, v in sim.params.items()},
            None if grads is None else {k: v.tobytes() for k, v in grads.items()},
            sim.model.steps, [dict(entry) for entry in sim.history])


def assert_same(sim, expected, what):
    params, grads, steps, history = seen(sim)
    assert params == expected[0], f"{what}: parameters differ"
    assert grads == expected[1], f"{what}: gradients differ"
    assert steps == expected[2], f"{what}: updates differ"
    assert same_value(history, expected[3]), f"{what}: history differs"


def wander(sim, rng, moves):
    """Random steps and backs at every level, compiled or op by op, and fused epochs; yields after
    each move."""
    for _ in range(moves):
        roll, level = rng.random(), rng.choice(LEVELS)
        try:
            if roll < 0.45:
                sim.step(level)
            elif roll < 0.6:
                sim.step(level, detail="batch")   # batches and epochs as compiled calls
            elif roll < 0.65:
                sim.train(epochs=rng.randint(1, 3))   # whole epochs on the fused path
            else:
                sim.back(level)
        except HistoryLimit:
            pass
        yield


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("name", NETWORKS)
def test_a_kept_cursor_is_found_again_after_any_walk(name, seed):
    rng = random.Random(seed)
    sim = make(name)
    kept = [(sim.cursor, seen(sim))]
    for _ in wander(sim, rng, 40):
        kept.append((sim.cursor, seen(sim)))
        if rng.random() < 0.15:   # now and then, go back (or on) to a state seen earlier
            cursor, expected = rng.choice(kept)
            sim.seek(cursor)
            assert sim.cursor == cursor
            assert_same(sim, expected, f"{name}: seek({cursor}) during the walk")
    for cursor, expected in rng.sample(kept, len(kept)):
        sim.seek(cursor)
        assert sim.cursor == cursor
        assert_same(sim, expected, f"{name}: seek({cursor}) after the walk")


@pytest.mark.parametrize("name", NETWORKS)
def test_two_ways_to_one_cursor_reach_one_state(name):
    """The same cursor, reached op by op in one run and by compiled and fused steps in another,
    names the same bits: a cursor is an identity, not a count."""
    rng = random.Random(7)
    states = {}
    for sim in (make(name), make(name)):
        for _ in wander(sim, rng, 30):
            cursor, now = sim.cursor, seen(sim)
            if cursor in states:
                assert_same(sim, states[cursor], f"{name}: {cursor} reached again")
            states[cursor] = now
    assert len(states) > 20


@pytest.mark.parametrize("name", NETWORKS)
def test_a_cursor_survives_a_coarse_step_opened_finer(name):
    """After compiled batches, one op back too many opens the last of them op by op: the events
    after it are renumbered (`position` now names another state), the cursor still names its own."""
    sim = make(name)
    sim.step("batch", detail="batch")
    sim.step("batch", detail="batch")
    sim.step("op")
    sim.step("op")
    cursor, position, expected = sim.cursor, sim.position, seen(sim)
    for _ in range(3):
        sim.back("op")   # the third goes inside the compiled batch: it is replayed op by op
    sim.step("batch")
    sim.step("op")
    sim.step("op")
    assert sim.cursor == cursor and sim.position > position   # the count moved, the name did not
    assert_same(sim, expected, name)
    sim.step("epoch", detail="batch")
    sim.step("op")
    sim.seek(cursor)
    assert sim.cursor == cursor and sim.position > position
    assert_same(sim, expected, name)


@pytest.mark.parametrize("name", NETWORKS)
def test_seek_reaches_a_cursor_from_the_future(name):
    """A cursor kept from another run of the same configuration (ahead of this one) is reached by
    training there, and then by going back and forth among such cursors."""
    rng = random.Random(3)
    ahead = make(name)
    kept = []
    for _ in wander(ahead, rng, 25):
        kept.append((ahead.cursor, seen(ahead)))
    sim = make(name)
    for cursor, expected in sorted(kept, key=lambda k: k[0])[::-1][:3] + rng.sample(kept, 8):
        sim.seek(cursor)
        assert sim.cursor == cursor
        assert_same(sim, expected, f"{name}: seek({cursor}) from another run")


@pytest.mark.parametrize("name", NETWORKS)
def test_cursors_grow_with_the_stream_and_name_every_state_once(name):
    """Along an epoch and a half op by op every event gives a new, larger cursor; a compiled stream
    stops only where a sample (or more) ends, so its cursors count no ops."""
    sim = make(name)
    cursors = [sim.cursor]
    while sim.epoch < 1 or sim.model.epoch_progress()[0] < 1:
        sim.step("op")
        cursors.append(sim.cursor)
    assert all(a < b for a, b in zip(cursors, cursors[1:]))
    assert cursors[0] == Cursor(0, 0, 0, 0) and any(c.op > 0 for c in cursors)
    compiled = make(name)
    for _ in range(12):
        compiled.step("batch", detail="batch")
        assert compiled.cursor.op == 0 and compiled.cursor in cursors or compiled.epoch >= 1


def test_seek_replays_the_edits_made_on_the_way():
    """An edit before the kept cursor (a weight typed in, a learning rate changed) is part of the
    state it names: seeking back there replays it, as stepping back does."""
    sim = make("mlp")
    sim.step("sample")
    sim.step("op")
    sim.set("lr", 0.05)
    sim["layer[0].W"] = np.full_like(sim["layer[0].W"], 0.25)
    sim.step("op")
    sim.step("op")
    cursor, expected = sim.cursor, seen(sim)
    sim.step("epoch", detail="batch")
    sim.back("op")
    sim.seek(cursor)
    assert_same(sim, expected, "after edits")


@pytest.mark.parametrize("bad, message", [
    ("epoch 1", "a cursor is sim.cursor or four whole numbers"),
    ((1, 2, 3), "a cursor is sim.cursor or four whole numbers"),
    ((0, -1, 0, 0), "a cursor's batch must be a whole number from 0 up, got -1"),
    ((0, 0, 0.5, 0), "a cursor's sample must be a whole number from 0 up, got 0.5"),
    ((True, 0, 0, 0), "a cursor's epoch must be a whole number from 0 up, got True"),
    ((0, 99, 0, 0), r"no state of this run has the cursor \(epoch 0, batch 99, sample 0, op 0\): it goes "
                    r"from \(epoch 0, batch 3, sample 0, op 0\) to \(epoch 1, batch 0"),
    ((0, 1, 0, 10**6), r"no state of this run has the cursor \(epoch 0, batch 1, sample 0, op 1000000\)"),
    ((0, 1, 7, 0), r"no state of this run has the cursor \(epoch 0, batch 1, sample 7, op 0\)"),
])
def test_a_malformed_or_unreachable_cursor_is_refused_in_one_line(bad, message):
    sim = make("mlp")
    sim.step("batch")
    sim.step("op")
    before, expected = sim.cursor, seen(sim)
    with pytest.raises(UserError, match=message) as refused:
        sim.seek(bad)
    assert "\n" not in str(refused.value)
    assert sim.cursor == before   # the simulation stays where it was
    assert_same(sim, expected, "after a refused seek")


def test_a_cursor_before_the_kept_history_is_refused():
    sim = make("mlp")
    first = sim.cursor
    sim.stepper.memory = 0   # keep as little history as the stepper can
    sim.train(epochs=3)
    sim.step("batch")
    with pytest.raises(HistoryLimit, match="history starts at .*cannot go back to \\(epoch 0, batch 0"):
        sim.seek(first)


def test_a_cursor_is_a_small_frozen_ordered_value():
    cursor = Cursor(2, 1, 0, 5)
    assert tuple(cursor) == (2, 1, 0, 5) and str(cursor) == "epoch 2, batch 1, sample 0, op 5"
    assert Cursor(2, 0, 9, 9) < cursor < Cursor(3, 0, 0, 0)
    assert Cursor(*np.array([2, 1, 0, 5])) == cursor and hash(Cursor(2, 1, 0, 5)) == hash(cursor)
    with pytest.raises(AttributeError):
        cursor.epoch = 3


@pytest.mark.parametrize("name", NETWORKS)
def test_batch_rows_and_order_are_the_samples_training_takes(name):
    """The samples the events say each batch took are what sim.batch_rows() said at its start, and
    an epoch's batches, end to end, are sim.order(epoch)."""
    sim = make(name)
    batches = []   # (epoch, batch_rows() at the batch's start, the samples its events name, in order)
    while sim.epoch < 2:
        done, updates = sim.model.epoch_progress()
        if sim.cursor.sample == sim.cursor.op == 0 and done < updates:
            batches.append((sim.epoch, sim.batch_rows(), []))
        event = sim.step("op")
        named, sample = batches[-1][2], event.values.get("sample")
        if event.level == Level.OP and sample is not None and named[-1:] != [sample]:
            named.append(sample)
    if not any(named for _, _, named in batches):
        pytest.skip(f"{name}'s events name no training sample (its own test checks its rows)")
    for epoch, rows, named in batches:
        assert list(rows) == named, f"epoch {epoch}"
    for epoch in (0, 1):
        assert list(sim.order(epoch)) == list(np.concatenate([r for e, r, _ in batches if e == epoch]))
    assert sorted(sim.order(0)) == list(range(len(sim.data.X))) and list(sim.order(0)) != list(sim.order(1))


def test_a_gan_step_takes_the_real_points_batch_rows_names():
    sim = make("gan")   # k=2: two D steps, then a G step
    for step in range(2):
        rows, points = sim.batch_rows(), []
        while True:
            event = sim.step("op")
            if event.op == "weighted_sum" and event.path == "gan.D.layer[0].neuron[0]":
                points.append(event.values["inputs"])
            if event.closes >= Level.BATCH:
                break
        assert len(rows) == 2 and np.array_equal(np.array(points[:2]), sim.data.X[rows]), f"D step {step}"
    assert sim.batch_rows().size == 0   # the G step takes no real point
    with pytest.raises(UserError, match="the GAN has no sample order: each D step draws its real points"):
        sim.order(0)


def test_order_is_checked_and_given_as_a_copy():
    sim = make("mlp")
    assert np.array_equal(sim.order(), sim.order(0))
    sim.order(0)[:] = 0
    assert sorted(sim.order(0)) == list(range(7))
    for bad in (-1, 1.5, "0", True):
        with pytest.raises(UserError, match="epoch must be a whole number >= 0"):
            sim.order(bad)
