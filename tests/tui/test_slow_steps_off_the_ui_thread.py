"""A step or rewind that takes a while runs in a thread, and the screen says so at once; a cheap one
runs on the key. An LSTM of 128 units steps a sample as 16,000 ops in Python (about 0.2–0.3 s):
the app ran every step of it in a thread (even a 1 ms op, painting a 'working…' notice each time),
started the thread before that notice was painted, and a key pressed meanwhile repainted nothing
until the step was done."""
import threading
import time

import dlsim
from dlsim.protocol.events import Level
from dlsim.tui.session import Session
from dlsim.tui.simview import SLOW_STEP, WORKING
from dlsim.tui.widgets.math_panel import MathPanel
from dlsim.tui.widgets.status_bar import StatusBar

from .conftest import make_app, sim_view, text_of, until


def watch_threads(sim) -> list[str]:
    """The groups of the workers the view starts from now on."""
    started, run_worker = [], sim.run_worker
    sim.run_worker = lambda work, **kw: started.append(kw.get("group")) or run_worker(work, **kw)
    return started


async def test_a_slow_sample_step_runs_in_a_thread_an_op_on_the_key_and_keys_meanwhile_follow_in_order():
    app = make_app("lstm", hidden=128)
    async with app.run_test(size=(120, 40)) as pilot:
        sim = sim_view(app)
        assert sim.session.step_seconds(Level.OP) < SLOW_STEP <= sim.session.step_seconds(Level.SAMPLE)
        threads = watch_threads(sim)
        await pilot.press("right")                        # one op: done on the key, no notice
        assert sim.session.sim.position == 1 and threads == [] and WORKING not in sim.ui.notice
        await pilot.press("3", "right", "1", "right", "right")   # the two ops wait behind the sample
        assert await until(pilot, lambda: sim._busy is None and not sim._pending, timeout=30)
        assert threads == ["step"]
        ref = Session(dlsim.make("lstm", seed=0, hidden=128))
        for level in (Level.OP, Level.SAMPLE, Level.OP, Level.OP):
            ref.step(level)
        assert sim.session.sim.position == ref.sim.position
        assert sim.session.sim.last.path == ref.sim.last.path
        assert WORKING not in text_of(app.screen.query_one(MathPanel))


async def test_the_working_notice_is_on_the_screen_before_the_slow_step_starts():
    app = make_app("lstm", hidden=128)
    async with app.run_test(size=(120, 40)) as pilot:
        sim = sim_view(app)
        math = app.screen.query_one(MathPanel)
        painted, display = [], app._display

        def paint(screen, renderable):
            painted.append(WORKING[:7] in text_of(math))
            display(screen, renderable)
        app._display = paint
        at_start, run_worker = [], sim.run_worker
        sim.run_worker = lambda work, **kw: at_start.append(sum(painted)) or run_worker(work, **kw)
        await pilot.press("3", "right")
        assert await until(pilot, lambda: at_start and sim._busy is None, timeout=30)
        assert at_start[0] >= 1        # a paint with the notice came before the step's thread


async def test_keys_pressed_during_a_slow_step_are_answered_at_once_without_touching_the_session():
    """A key pressed while a step runs in a thread used to repaint nothing until that step was done
    (100–300 ms and more); a level key built a frame on the UI thread from the session the thread
    was stepping. Now the math panel says how many keys wait, and the status line shows the new
    level on the last frame."""
    app = make_app("lstm", hidden=128)
    async with app.run_test(size=(120, 40)) as pilot:
        sim = sim_view(app)
        math, status = app.screen.query_one(MathPanel), app.screen.query_one(StatusBar)
        built, frame, step = [], sim.session.frame, sim.session.step
        sim.session.frame = lambda *a, **kw: built.append(sim._busy is not None) or frame(*a, **kw)
        going = threading.Event()   # the sample's step waits for it: the keys below come meanwhile
        sim.session.step = lambda level=None: going.wait(10) and step(level)
        await pilot.press("3", "right")
        assert await until(pilot, lambda: sim._busy is not None)
        await pilot.press("right")
        assert "1 more waiting" in " ".join(text_of(math).split())
        await pilot.press("1")
        assert "level op" in text_of(status) and "1 more waiting" in " ".join(text_of(math).split())
        await pilot.resize_terminal(121, 40)        # a new size draws the last frame again
        await pilot.pause()
        assert sim.set_weight("Wy", (0, 0), "0.5") is None   # typed in once the step is done
        going.set()
        assert await until(pilot, lambda: sim._busy is None and not sim._pending, timeout=30)
        assert not any(built)                       # no frame built while the thread stepped
        assert "level op" in text_of(status) and "working" not in text_of(math)
        assert sim.session.model.params["Wy"][0, 0] == 0.5 and "Wy[0,0] set to 0.500000 by hand" in " ".join(text_of(math).split())


def test_a_rewinds_estimate_counts_the_events_it_replays():
    """One op back right after a sample replays all but one of its events (from the snapshot at the
    sample's start): slow at 128 units. One op back after one op replays none."""
    walk = [Level.OP, Level.OP, Level.LAYER, Level.SAMPLE, Level.OP, Level.SAMPLE, Level.BATCH, Level.BATCH,
            Level.EPOCH, Level.SAMPLE, Level.OP]
    checked = 0
    for steps in range(1, len(walk) + 1):
        for level in Level:
            session = Session(dlsim.make("lstm", seed=0, hidden=8, length=5, samples=8, batch=4))
            for step in walk[:steps]:
                session.step(step)
            predicted = session.sim.stepper.replayed(level)
            pulled = []
            session.sim.stepper.on_pull.append(lambda event, position: pulled.append(position))
            session.back(level)
            if predicted is not None:   # None: the last event is opened finer first (not counted)
                assert sum(predicted) == len(pulled), (walk[:steps], level)
                checked += 1
    assert checked > 30
    big = Session(dlsim.make("lstm", seed=0, hidden=128))
    big.step(Level.SAMPLE)
    assert big.back_seconds(Level.OP) >= SLOW_STEP
    big.step(Level.OP)
    assert big.back_seconds(Level.OP) < SLOW_STEP


def test_a_steps_estimate_follows_what_the_steps_took():
    """A model's estimate of an event stepped op by op is a guess (a VAE's is about 4× what one
    takes, which sent its 14 ms sample steps to a thread): once a step of COSTED events or more
    has run, the estimates go by what it took each."""
    for name in ("vae", "lstm"):
        session = Session(dlsim.make(name, seed=0))
        session.step(Level.SAMPLE)                        # (loads what stepping needs)
        started = time.thread_time()
        session.step(Level.SAMPLE)
        took = time.thread_time() - started
        assert took / 2 <= session.step_seconds(Level.SAMPLE) <= took * 2, name
