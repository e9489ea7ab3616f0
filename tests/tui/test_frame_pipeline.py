"""The shared frame pipeline does no work a frame does not need: a frame drawn again builds and
repaints no line, the run worker builds a frame only when the UI has drawn the one before, the
curves of a long (thinned) history are the curves drawn from scratch of every entry read (a thinning
changes nothing drawn), a frame reads only the entries added since the last, a braille row at once
is the row cell by cell. How fast any of it is is measured by `python tools/measure_app.py`, never asserted."""
import random

import numpy as np

from dlsim.models.base import Model
from dlsim.tui.widgets import panel as panel_module
from dlsim.tui.widgets.braille import Braille
from dlsim.tui.widgets.curve_series import Epochs, SeriesSummary
from dlsim.tui.widgets.curves import SERIES_STYLES
from dlsim.tui.widgets.panel import Panel
from .conftest import CountedHistory, make_app, settle, sim_view, until


async def test_a_frame_drawn_again_builds_and_repaints_no_line(monkeypatch):
    app = make_app("mlp", dataset="spiral")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1", "right", "right")
        await pilot.pause()
        view = sim_view(app)
        built, refreshed = [], []
        real_strip = panel_module.strip
        monkeypatch.setattr(panel_module, "strip", lambda *a: built.append(a) or real_strip(*a))
        for panel in app.screen.query(Panel):
            real_refresh = panel.refresh
            monkeypatch.setattr(panel, "refresh", lambda *a, real=real_refresh, **k: refreshed.append(a) or real(*a, **k))
        view.repaint()   # the same frame, the same screen state
        assert built == [] and refreshed == []
        await pilot.press("right")   # a new frame: some lines change, and only those are built
        await pilot.pause()
        assert 0 < len(built) < sum(len(p._rows) for p in app.screen.query(Panel))


async def test_the_run_worker_builds_a_frame_only_when_the_ui_drew_the_last():
    app = make_app("mlp", dataset="spiral")
    async with app.run_test(size=(120, 40)) as pilot:
        view = sim_view(app)
        drawn = []
        real_draw = view.draw
        view.draw = lambda frame: drawn.append(frame) or real_draw(frame)
        await pilot.press("f")
        runner = view.runner
        assert await until(pilot, lambda: len(drawn) >= 5)
        await pilot.press("space")
        assert runner.finished.wait(10)
        await settle(pilot)
        # every frame the worker built but the last (built as it stopped) was asked for by a drawing
        assert runner.frames <= len({id(frame) for frame in drawn}) + 1


def _history_run(seed: int, limit: int, chunks: int):
    """Histories as a run's frames see them: growing by chunks, thinned past `limit` entries
    (Model.record's own rule), now and then rewound, or reset and trained again to the same epoch."""
    class Recorder:
        HISTORY_LIMIT = limit
        record, _thin = Model.record, Model._thin
    model, rnd = Recorder(), random.Random(seed)
    model.history, model.epoch = [], 0
    for _ in range(chunks):
        for _ in range(rnd.randint(0, 40)):
            model.epoch += 1
            model.record({"loss": rnd.random(), "test": None} if rnd.random() < 0.8 else {"acc": 1.0, "test": None})
        if rnd.random() < 0.003:
            del model.history[rnd.randint(0, len(model.history)):]
            model.epoch = model.history[-1]["epoch"] if model.history else 0
        if rnd.random() < 0.002:
            epochs, model.history, model.epoch = model.epoch, [], 0
            for _ in range(epochs):   # the same epochs again, other values
                model.epoch += 1
                model.record({"loss": rnd.random(), "test": None})
        yield list(model.history)   # a frame holds a shallow copy


def _read(histories):
    """With each frame's history, every entry a curve has read by then: the entries added since the
    last frame, after all those read before; or, where the frame's history has lost the last entry
    read (a rewind past it, a reset), the history as it is. A thinning takes nothing read away."""
    read, last = [], None
    for history in histories:
        at = next((i for i, entry in enumerate(history) if entry is last), None) if last is not None else -1
        read = read + history[at + 1:] if at is not None else list(history)
        last = history[-1] if history else None
        yield history, read


def test_the_curve_of_a_thinned_history_is_the_curve_of_every_entry_read():
    keys = ("loss", "acc", "test")   # in most entries, in a few, in none (None: no test set)
    kept, thinned, before = {key: SeriesSummary(key) for key in keys}, 0, {}
    for history, read in _read(_history_run(seed=0, limit=200, chunks=2000)):
        thinned += len(read) > len(history)
        epochs = Epochs(history)
        for key in keys:
            if key in before:   # the series handed out a frame ago did not change
                (x, y), (x0, y0) = before[key]
                assert np.array_equal(x, x0) and np.array_equal(y, y0)
            x, y = kept[key].update(history, epochs)
            fresh_x, fresh_y = SeriesSummary(key).update(read)
            assert np.array_equal(x, fresh_x) and np.array_equal(y, fresh_y)
            before[key] = (x, y), (x.copy(), y.copy())
    assert thinned > 500   # frames whose history had lost entries read before


def test_the_curves_panel_of_a_thinned_history_draws_the_rows_drawn_from_scratch():
    from types import SimpleNamespace
    from dlsim.tui.widgets.curves import Chart, Curves
    charts = (Chart("loss", (("loss", "train"), ("test", "test"))), Chart("acc", (("acc", "train"),), (0.0, 1.0)))
    kept, drawn, frames = Curves(None, charts), 0, list(_history_run(seed=1, limit=300, chunks=600))
    again = [{**entry, "loss": 0.5} if "loss" in entry else entry for entry in frames[-1]]
    # the last frames again (nothing new to draw, then a step back), then the same epochs with other values
    for history, read in _read(frames + frames[-1:] + frames[-3:] + [again]):
        rows = kept.rows(SimpleNamespace(extras={}, history=history, unit=("epoch",)), None, 60, 12)
        assert rows == Curves(None, charts).rows(SimpleNamespace(extras={}, history=read, unit=("epoch",)), None, 60, 12)
        drawn += any("\u2800" < ch <= "\u28ff" for row in rows for text, _ in row for ch in text)
    assert drawn > 500   # curves were drawn, not only empty charts


def test_a_frame_with_no_new_entries_reads_no_old_ones():
    history = CountedHistory({"epoch": e, "loss": 1 / e} for e in range(1, 5001))
    extract = SeriesSummary("loss")
    extract.update(history)
    history.read = 0
    x, y = extract.update(history)   # the same history again: nothing new to read
    assert (x[0], x[-1]) == (1, 5000) and history.read <= 4   # its ends, to see it is the same
    history.append({"epoch": 5001, "loss": 0.5})
    history.read = 0
    assert extract.update(history)[1][-1] == 0.5 and history.read <= 6   # its ends and the new entry


def test_a_braille_row_at_once_is_the_row_cell_by_cell():
    canvas = Braille(30, 4)
    canvas.polyline(np.linspace(0, 59, 40), np.sin(np.linspace(0, 6, 40)) * 7 + 8, key=0)
    canvas.polyline(np.linspace(0, 59, 9), np.linspace(15, 0, 9), key=1, power=-1, dash=2)
    for r in range(4):
        by_cell = [(ch, SERIES_STYLES[int(canvas.keys[r, c])]) if (ch := canvas.char(r, c)) else (" ", None)
                   for c in range(30)]
        assert canvas.cells(r, SERIES_STYLES) == by_cell
