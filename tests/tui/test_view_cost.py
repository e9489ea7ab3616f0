"""What the run worker and the pictures do per frame, not per chunk or per line: the same lines and
cells as before, at a fraction of the cost (issue 18, responsive for every network)."""
import numpy as np

import dlsim
from dlsim.protocol.events import Level
from dlsim.tui import session as session_module
from dlsim.tui.session import Session
from dlsim.tui.summary import summarize
from dlsim.tui.widgets.braille import Braille
from dlsim.tui.widgets.gan.mesh_lines import mesh_canvas


def test_a_run_summarizes_only_when_a_frame_is_built_and_says_what_it_said(monkeypatch):
    calls = []

    def counted(*args, **kwargs):
        calls.append(args)
        return summarize(*args, **kwargs)
    monkeypatch.setattr(session_module, "summarize", counted)
    session = Session(dlsim.make("perceptron", seed=0, dataset="xor"))
    for _ in range(4):
        session.run_chunk(most=3)
    assert calls == []   # four chunks: none summarized on the run worker's thread
    before = session.sim.history[-1]
    lines = session.frame().summary
    assert len(calls) == 1 and lines == tuple(session.frame().summary) and len(calls) == 1   # once, then kept
    assert lines[1].startswith(f"epoch {before['epoch']}")
    session.step(Level.OP)
    assert session.frame().summary == ()   # moved on: the run's lines are no longer shown


def _one_by_one(width, height, points, XS, YS, keys):
    canvas = Braille(width, height)
    canvas.dots(*points, key=0, power=0)
    for xs, ys, key in zip(XS, YS, keys):
        canvas.polyline(xs, ys, key=key, power=1)
    return canvas


def test_the_grid_of_z_in_one_pass_is_the_picture_of_one_line_at_a_time():
    rng = np.random.default_rng(1)
    for trial in range(200):
        width, height = int(rng.integers(2, 60)), int(rng.integers(1, 20))
        lines, n = int(rng.integers(1, 24)), int(rng.integers(2, 14))
        scale = np.array([2 * width, 4 * height]) * rng.uniform(0.5, 1.5)
        XS, YS = (rng.uniform(-0.2, 1.2, (lines, n)) * s for s in scale)
        if trial % 7 == 0:
            XS[0, 1] = np.nan   # a gap: drawn the canvas's own way, line by line
        points = tuple(rng.uniform(-0.1, 1.1, 50) * s for s in scale)
        keys = list(rng.integers(1, 3, lines))
        expected = _one_by_one(width, height, points, XS, YS, keys)
        got = Braille(width, height)
        mesh_canvas(got, points, (XS, YS), keys)
        assert (got.codes == expected.codes).all(), trial
        shown = got.codes > 0
        assert (got.keys[shown] == expected.keys[shown]).all(), trial
